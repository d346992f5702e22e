"""Registries as an old system left them, for the batch deduplication's tests."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime
from pathlib import Path

from healthid import bootstrap
from healthid.domain.identifiers import Identifier, IdentifierSystem
from healthid.domain.person import Person, parse_demographics


def load_without_matching(registry: bootstrap.Registry, folder: Path) -> dict[str, str]:
    """Persons as an old system would have stored them: one per row, no matching."""
    rows = csv.DictReader(io.StringIO((folder / "bhxh.csv").read_text(encoding="utf-8")))
    truth = dict(csv.reader(io.StringIO((folder / "truth.csv").read_text(encoding="utf-8"))))
    now = datetime.now(UTC)
    seen_cccd: set[str] = set()  # a CCCD maps to one person: the second record goes without
    with registry.uow() as uow:
        for row in rows:
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
            uow.persons.add(
                Person(
                    uuid.uuid4().hex,
                    demographics,
                    now,
                    now,
                    identifiers if row["MA_SO_BHXH"] else identifiers[1:],
                )
            )
        uow.commit()
    return truth
