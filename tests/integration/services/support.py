"""Registries as an old system left them, for the batch deduplication's tests."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from healthid import bootstrap
from healthid.domain.errors import NotFoundError
from healthid.domain.health_id import canonical_string
from healthid.domain.identifiers import Identifier, IdentifierSystem, parse_identifier
from healthid.domain.issuance import HealthIdStatus, IssuedHealthId
from healthid.domain.person import Person, parse_demographics
from healthid.services import health_ids
from healthid.services import matcher as matching
from healthid.services.health_ids import birthplace_key
from healthid.services.use_case import retry_lost_race

# A registry this small: two records of one name, date and birthplace are one person.
SMALL_POPULATION = 1_000


def small_population(registry: bootstrap.Registry) -> bootstrap.Registry:
    """``registry`` with its model judging pairs for a registry of ``SMALL_POPULATION`` people.

    For tests of the mechanics (chunks, the run's index, batches of merges): they
    need pairs that merge on name, date and birthplace, which at the national scale
    the packaged model judges for are only worth a reviewer's look. The model
    travels in ``Deps``: nothing global changes.
    """
    return replace(registry, model=registry.model.for_population(SMALL_POPULATION))


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


@dataclass(frozen=True)
class PersonView:
    """A person as a test reads them back: the Health ID masked, and its status."""

    person: Person
    masked_health_id: str | None
    health_id_status: HealthIdStatus | None


def establish(registry: bootstrap.Registry, **person: str | None) -> health_ids.Established:
    """The building block ``health_ids.establish`` in a unit of work of its own."""
    deps = registry.deps
    registration = health_ids.validate(deps, health_ids.PersonInput(**person))  # type: ignore[arg-type]

    def work() -> health_ids.Established:
        with deps.uow() as uow:
            result = health_ids.establish(uow, deps, registration)
            uow.commit()
        return result

    return retry_lost_race(work)


def lookup(registry: bootstrap.Registry, system: str, value: str) -> PersonView:
    """The person an identifier maps to, read back directly (no caller, no audit)."""
    with registry.uow() as uow:
        person = health_ids.find_by_identifier(uow, parse_identifier(system, value))
        if person is None:
            raise NotFoundError("person")
        issued = health_ids.current_health_id(uow, person.id)
    return PersonView(person, issued.masked if issued else None, issued.status if issued else None)
