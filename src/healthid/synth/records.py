"""A synthetic extract read back as the matcher sees it, with its truth."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from healthid.adapters.admin_units import PackagedAdminUnits
from healthid.domain.birth_date import parse_birth_date
from healthid.domain.sex import parse_sex
from healthid.matching.normalise import MatchRecord, match_record


def load(folder: Path) -> tuple[list[MatchRecord], dict[str, str]]:
    """Match records of ``folder/bhxh.csv`` and the truth (source key -> person)."""
    places = PackagedAdminUnits()
    rows = csv.DictReader(io.StringIO((folder / "bhxh.csv").read_text(encoding="utf-8")))
    records = []
    for row in rows:
        place = places.resolve_birthplace(row["NOI_SINH"]) if row["NOI_SINH"] else None
        records.append(
            match_record(
                key=row["MA_SO_BHXH"] or row["SO_CCCD"],
                full_name=row["HO_TEN"],
                birth_date=parse_birth_date(row["NGAY_SINH"]),
                sex=str(parse_sex(row["GIOI_TINH"])),
                cccd=row["SO_CCCD"],
                birth_province=place.code if place else None,
                ward=row["MAXA_CU_TRU"],
                household=row["MA_HO_GD"],
            )
        )
    truth = dict(csv.reader(io.StringIO((folder / "truth.csv").read_text(encoding="utf-8"))))
    return records, truth
