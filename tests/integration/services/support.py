"""Registries as an old system left them, for the batch deduplication's tests."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from healthid import bootstrap
from healthid.domain.health_id import canonical_string
from healthid.domain.identifiers import Identifier, IdentifierSystem
from healthid.domain.issuance import HealthIdStatus, IssuedHealthId
from healthid.domain.person import Person, parse_demographics
from healthid.services import matcher as matching
from healthid.services.health_ids import birthplace_key


def load_without_matching(registry: bootstrap.Registry, folder: Path) -> dict[str, str]:
    """Persons as an old system would have stored them: one per row, no matching."""
    truth = dict(csv.reader(io.StringIO((folder / "truth.csv").read_text(encoding="utf-8"))))
    with registry.uow() as uow:
        for person in _persons(folder, lambda _: uuid.uuid4().hex):
            uow.persons.add(person)
        uow.commit()
    return truth


def load_with_health_ids(registry: bootstrap.Registry, folder: Path) -> list[Person]:
    """As ``load_without_matching``, and as a registry without matching would keep them.

    Every SI number has its Health ID (every 17th revoked) and every person their
    blocking keys; every 29th person was registered without an SI number, so has
    no Health ID. Ids follow the file, so two registries loaded from one folder
    hold the same persons and Health IDs under the same ids.
    """
    version, _ = registry.keys.issuing_key()
    persons = list(_persons(folder, lambda n: f"{n:032x}"))
    for person in persons[28::29]:
        person.identifiers = [i for i in person.identifiers if i.system != IdentifierSystem.SI]
    with registry.uow() as uow:
        for n, person in enumerate(persons):
            uow.persons.add(person)
            matching.index_person(uow, registry.places, person, new=True)
            si = person.identifier(IdentifierSystem.SI)
            if si is None:
                continue
            d = person.demographics
            canonical = canonical_string(
                si_number=si.value,
                full_name=d.full_name,
                birth_year=d.birth_date.year,
                sex=d.sex,
                birthplace=birthplace_key(registry.places, d.birthplace),
            )
            status = HealthIdStatus.REVOKED if n % 17 == 16 else HealthIdStatus.ACTIVE
            issued_at = datetime.now(UTC)
            uow.health_ids.add(
                IssuedHealthId(
                    f"{n:031x}h", person.id, si.value, canonical, version, status, issued_at
                )
            )
        uow.commit()
    return persons


def _persons(folder: Path, person_id: Callable[[int], str]) -> Iterator[Person]:
    rows = csv.DictReader(io.StringIO((folder / "bhxh.csv").read_text(encoding="utf-8")))
    now = datetime.now(UTC)
    seen_cccd: set[str] = set()  # a CCCD maps to one person: the second record goes without
    for n, row in enumerate(rows):
        identifiers = [Identifier(IdentifierSystem.SI, row["MA_SO_BHXH"])]
        if row["SO_CCCD"] and row["SO_CCCD"] not in seen_cccd:
            seen_cccd.add(row["SO_CCCD"])
            identifiers.append(Identifier(IdentifierSystem.CCCD, row["SO_CCCD"]))
        demographics = parse_demographics(
            full_name=row["HO_TEN"],
            birth_date=row["NGAY_SINH"],
            sex=row["GIOI_TINH"],
            birthplace=row["NOI_SINH"] or None,
        )
        yield Person(
            person_id(n),
            demographics,
            now,
            now,
            identifiers if row["MA_SO_BHXH"] else identifiers[1:],
        )
