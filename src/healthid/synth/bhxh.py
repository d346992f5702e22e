"""A synthetic BHXH household extract, with known duplicates, for tests and benchmarks.

Writes ``bhxh.csv`` in the format of ../shared/formats/bhxh-household-extract.md
and ``truth.csv`` (``SOURCE_KEY,PERSON``: rows with the same PERSON are one human).
"""

from __future__ import annotations

import csv
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from healthid.adapters.admin_units import PackagedAdminUnits
from healthid.domain.admin_units import CodeVersion, Province, Ward
from healthid.domain.names import fold_diacritics
from healthid.synth.vietnamese_names import (
    FAMILY_NAMES,
    GIVEN_NAMES,
    MIDDLE_NAMES,
    SURNAME_VARIANTS,
    TONE_VARIANTS,
)

COLUMNS = ["MA_HO_GD", "MA_SO_BHXH", "SO_CCCD", "HO_TEN", "NGAY_SINH", "GIOI_TINH",
           "MA_THE_BHYT", "NOI_SINH", "MATINH_CU_TRU", "MAXA_CU_TRU", "DIA_CHI",
           "QUAN_HE_CHU_HO", "NGAY_CAP_NHAT"]  # fmt: skip
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt",
           "Quang Trung", "Phan Chu Trinh", "Hùng Vương", "Điện Biên Phủ", "Bạch Đằng"]  # fmt: skip
TODAY_YEAR = 2026
VIETNAM = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class Record:
    """One row of the extract, and the human it belongs to."""

    person: str
    household: str
    si_number: str
    cccd: str
    full_name: str
    birth_date: str
    sex: str  # "1" male, "2" female
    bhyt: str
    birthplace: str
    province: str
    ward: str
    address: str
    relation: str
    updated: str

    def row(self) -> dict[str, str]:
        return dict(
            zip(
                COLUMNS,
                (
                    self.household,
                    self.si_number,
                    self.cccd,
                    self.full_name,
                    self.birth_date,
                    self.sex,
                    self.bhyt,
                    self.birthplace,
                    self.province,
                    self.ward,
                    self.address,
                    self.relation,
                    self.updated,
                ),
                strict=True,
            )
        )

    @property
    def source_key(self) -> str:
        return self.si_number or self.cccd


class Population:
    """Draws households, people and identifiers with one seeded random generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        units = PackagedAdminUnits()
        self.provinces: list[Province] = units.provinces(CodeVersion.V2025)
        self.wards: dict[str, list[Ward]] = {p.code: units.wards(p.code) for p in self.provinces}
        successors = units.legacy_successors()
        self.legacy_by_current: dict[str, list[Province]] = {}
        for legacy in units.provinces(CodeVersion.LEGACY):
            self.legacy_by_current.setdefault(successors[legacy.code].code, []).append(legacy)
        self.family = (list(FAMILY_NAMES), list(FAMILY_NAMES.values()))
        self.given = {sex: (list(n), list(n.values())) for sex, n in GIVEN_NAMES.items()}
        self.used_si: set[str] = set()
        self.used_cccd: set[str] = set()
        self.people = 0

    def _pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def family_name(self) -> str:
        return self.rng.choices(*self.family)[0]

    def given_name(self, sex: str) -> str:
        key = "male" if sex == "1" else "female"
        given = self.rng.choices(*self.given[key])[0]
        return f"{self._pick(MIDDLE_NAMES[key])} {given}"

    def birth_date(self, year: int) -> str:
        if year < 1960 and self.rng.random() < 0.6:
            return f"{year}0000"  # older people often have only a year
        if self.rng.random() < 0.03:
            return f"{year}{self.rng.randint(1, 12):02d}00"
        start = datetime(year, 1, 1)
        day = start + timedelta(days=self.rng.randrange(365))
        return day.strftime("%Y%m%d")

    def si_number(self, province: str) -> str:
        while True:
            candidate = f"{province}{self.rng.randrange(10**8):08d}"
            if candidate not in self.used_si and candidate != "0" * 10:
                self.used_si.add(candidate)
                return candidate

    def cccd(self, legacy_code: str, sex: str, year: int) -> str:
        century = {1800: 8, 1900: 0, 2000: 2}[year // 100 * 100]
        digit = century + (0 if sex == "1" else 1)
        while True:
            candidate = f"0{legacy_code}{digit}{year % 100:02d}{self.rng.randrange(10**6):06d}"
            if candidate not in self.used_cccd:
                self.used_cccd.add(candidate)
                return candidate

    def bhyt(self, si: str, year: int, province: str) -> str:
        age = TODAY_YEAR - year
        group = (
            "TE"
            if age < 6
            else "HS"
            if age < 18
            else "HT"
            if age >= 62
            else (self.rng.choice(["DN", "GD", "GD", "HC", "CN"]))
        )
        level = {"TE": 1, "HT": 2, "HS": 4, "CN": 3}.get(group, 4)
        return f"{group}{level}{province}{si}"

    def address(self, ward: Ward, province: Province) -> str:
        if self.rng.random() < 0.5:
            where = f"Số {self.rng.randint(1, 300)} {self.rng.choice(STREETS)}"
        else:
            where = f"Thôn {self.rng.randint(1, 12)}"
        return f"{where}, {ward.name}, {province.name}"

    def birthplace(self, current: str, year: int) -> str:
        legacy = self.rng.choice(self.legacy_by_current[current])
        name = legacy.name if year < 2010 else self._current_name(current)
        return fold_diacritics(name).title() if self.rng.random() < 0.15 else name

    def _current_name(self, code: str) -> str:
        return next(p.name for p in self.provinces if p.code == code)

    def updated(self) -> str:
        moment = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(
            seconds=self.rng.randrange(60_000_000)
        )
        return moment.astimezone(VIETNAM).replace(microsecond=0).isoformat()

    def household(self, number: int) -> list[Record]:
        province = self.rng.choice(self.provinces)
        ward = self.rng.choice(self.wards[province.code])
        legacy = self.rng.choice(self.legacy_by_current[province.code]).code
        code = f"{province.code}{number:013d}"[:15]
        address, updated = self.address(ward, province), self.updated()
        head_sex = "1" if self.rng.random() < 0.75 else "2"
        head_year = self.rng.randint(1935, 2000)
        family = self.family_name()
        # (name, sex, birth year, relation to the head, a birth date shared by twins)
        members: list[tuple[str, str, int, str, str | None]] = [
            (f"{family} {self.given_name(head_sex)}", head_sex, head_year, "Chủ hộ", None)
        ]
        if self.rng.random() < 0.75:
            spouse_sex = "2" if head_sex == "1" else "1"
            members.append(
                (
                    f"{self.family_name()} {self.given_name(spouse_sex)}",
                    spouse_sex,
                    max(1930, head_year + self.rng.randint(-6, 4)),
                    "Vợ" if spouse_sex == "2" else "Chồng",
                    None,
                )
            )
        father = family if head_sex == "1" else self.family_name()
        for _ in range(self.rng.choices([0, 1, 2, 3, 4], [15, 25, 35, 18, 7])[0]):
            year = min(TODAY_YEAR - 1, head_year + self.rng.randint(20, 40))
            # Twins share household, birth date and family name: two people all the same.
            shared = self.birth_date(year) if self.rng.random() < 0.015 else None
            names: set[str] = set()
            while len(names) < (2 if shared else 1):  # parents do not give twins one name
                sex = self.rng.choice("12")
                name = f"{father} {self.given_name(sex)}"
                if name.rsplit(maxsplit=1)[-1] not in {n.split()[-1] for n in names}:
                    names.add(name)
                    members.append((name, sex, year, "Con", shared))
        records = []
        for name, sex, year, relation, shared_date in members:
            self.people += 1
            has_si = self.rng.random() > 0.01
            si = self.si_number(province.code) if has_si else ""
            has_cccd = not has_si or self.rng.random() < (0.9 if TODAY_YEAR - year >= 14 else 0.6)
            records.append(
                Record(
                    person=f"P{self.people:08d}",
                    household=code,
                    si_number=si,
                    cccd=self.cccd(legacy, sex, year) if has_cccd else "",
                    full_name=name,
                    birth_date=shared_date or self.birth_date(year),
                    sex=sex,
                    bhyt=self.bhyt(si, year, province.code) if si else "",
                    birthplace=self.birthplace(province.code, year),
                    province=province.code,
                    ward=ward.code,
                    address=address,
                    relation=relation,
                    updated=updated,
                )
            )
        return records

    def duplicate(self, original: Record) -> Record:
        """The same human under a second SI number, written as clerks write it."""
        name = original.full_name
        words = name.split()
        choice = self.rng.random()
        if choice < 0.25:
            name = fold_diacritics(name).title()
        elif choice < 0.4 and words[0] in SURNAME_VARIANTS:
            name = " ".join([SURNAME_VARIANTS[words[0]], *words[1:]])
        elif choice < 0.55 and len(words) > 2:
            name = f"{words[0]} {words[-1]}"  # middle name left out
        elif choice < 0.7:
            name = " ".join(TONE_VARIANTS.get(w, w) for w in words)
        elif choice < 0.8:
            name = name.upper()
        if self.rng.random() < 0.2:
            name = unicodedata.normalize("NFD", name)
        date = original.birth_date
        if self.rng.random() < 0.3:
            date = f"{date[:4]}0000"
        elif self.rng.random() < 0.15 and date[4:6] != "00" and 0 < int(date[6:8]) <= 12:
            date = f"{date[:4]}{date[6:8]}{date[4:6]}"  # day and month swapped
        province = original.province
        si = self.si_number(province)
        keep_cccd = self.rng.random() < 0.5
        wards = self.wards[province]
        ward = self.rng.choice(wards) if self.rng.random() < 0.4 else None
        return replace(
            original,
            household=f"{province}{self.rng.randrange(10**13):013d}",
            si_number=si,
            cccd=original.cccd if keep_cccd else "",
            full_name=name,
            birth_date=date,
            bhyt=f"{original.bhyt[:5]}{si}" if original.bhyt else "",
            ward=ward.code if ward else original.ward,
            address=original.address
            if ward is None
            else self.address(ward, next(p for p in self.provinces if p.code == province)),
            relation="Chủ hộ",
            updated=self.updated(),
        )


def generate(persons: int, dup_rate: float, seed: int) -> Iterator[Record]:
    """About ``persons`` humans, and ``dup_rate`` of them again under a second SI number.

    The second records come at the end, as they would in a later registration.
    """
    population = Population(seed)
    duplicates: list[Record] = []
    number = 0
    while population.people < persons:
        number += 1
        for record in population.household(number):
            if population.people > persons:
                break
            yield record
            if record.si_number and population.rng.random() < dup_rate:
                duplicates.append(population.duplicate(record))
    population.rng.shuffle(duplicates)
    yield from duplicates


def write(out: Path, *, persons: int, dup_rate: float, seed: int) -> tuple[int, int]:
    """Write bhxh.csv and truth.csv; return (rows, humans)."""
    out.mkdir(parents=True, exist_ok=True)
    rows = 0
    humans: set[str] = set()
    with (
        (out / "bhxh.csv").open("w", newline="", encoding="utf-8") as data,
        (out / "truth.csv").open("w", newline="", encoding="utf-8") as truth,
    ):
        writer = csv.DictWriter(data, fieldnames=COLUMNS)
        writer.writeheader()
        truth_writer = csv.writer(truth)
        truth_writer.writerow(["SOURCE_KEY", "PERSON"])
        for record in generate(persons, dup_rate, seed):
            writer.writerow(record.row())
            truth_writer.writerow([record.source_key, record.person])
            rows += 1
            humans.add(record.person)
    return rows, len(humans)
