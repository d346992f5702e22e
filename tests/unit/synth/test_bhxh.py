"""The synthetic extract is realistic enough to test against, and its truth is right."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pytest

from healthid.domain.birth_date import parse_birth_date
from healthid.domain.identifiers import (
    check_bhyt_matches_si,
    check_personal_id_matches,
    parse_bhyt_card,
    parse_personal_id,
    parse_si_number,
)
from healthid.domain.names import canonical_name, fold_diacritics
from healthid.domain.sex import parse_sex
from healthid.synth.bhxh import COLUMNS, write


@pytest.fixture(scope="module")
def extract(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[dict[str, str]], dict[str, str]]:
    out = tmp_path_factory.mktemp("synth")
    write(out, persons=4000, dup_rate=0.08, seed=7)
    rows = list(csv.DictReader(io.StringIO((out / "bhxh.csv").read_text(encoding="utf-8"))))
    truth = dict(csv.reader(io.StringIO((out / "truth.csv").read_text(encoding="utf-8"))))
    return rows, truth


def test_every_row_passes_the_registrys_own_rules(
    extract: tuple[list[dict[str, str]], dict[str, str]],
) -> None:
    rows, _ = extract
    assert list(rows[0]) == COLUMNS
    for row in rows:
        sex = parse_sex(row["GIOI_TINH"])
        born = parse_birth_date(row["NGAY_SINH"])
        canonical_name(row["HO_TEN"])
        assert row["MA_SO_BHXH"] or row["SO_CCCD"]
        if row["MA_SO_BHXH"]:
            parse_si_number(row["MA_SO_BHXH"])
        if row["MA_THE_BHYT"]:
            check_bhyt_matches_si(parse_bhyt_card(row["MA_THE_BHYT"]), row["MA_SO_BHXH"])
        if row["SO_CCCD"]:
            check_personal_id_matches(
                parse_personal_id(row["SO_CCCD"]), sex=sex, birth_year=born.year
            )
        assert len(row["MA_HO_GD"]) <= 15
        assert row["NGAY_CAP_NHAT"].endswith("+07:00")


def test_truth_covers_every_row_and_marks_the_duplicates(
    extract: tuple[list[dict[str, str]], dict[str, str]],
) -> None:
    rows, truth = extract
    keys = [r["MA_SO_BHXH"] or r["SO_CCCD"] for r in rows]
    assert len(set(keys)) == len(keys)  # source keys are unique
    assert set(keys) == set(truth) - {"SOURCE_KEY"}
    per_person = Counter(truth[k] for k in keys)
    humans = len(per_person)
    with_duplicate = sum(1 for n in per_person.values() if n == 2)
    assert 3900 <= humans <= 4001
    assert 0.05 < with_duplicate / humans < 0.11
    assert max(per_person.values()) == 2


def test_names_follow_vietnamese_frequencies_and_order(
    extract: tuple[list[dict[str, str]], dict[str, str]],
) -> None:
    rows, _ = extract
    family = Counter(
        r["HO_TEN"].split()[0]
        for r in rows
        if r["HO_TEN"][0] != "N" or r["HO_TEN"].startswith("Nguyễn")
    )
    assert 0.30 < family["Nguyễn"] / len(rows) < 0.45
    women = [r["HO_TEN"].split() for r in rows if r["GIOI_TINH"] == "2"]
    assert sum(w[1] == "Thị" for w in women if len(w) == 3) / len(women) > 0.3


def test_given_names_are_spread_as_in_real_vietnamese_names(
    extract: tuple[list[dict[str, str]], dict[str, str]],
) -> None:
    # Counted on 115,000 real names, the commonest given name (Anh) is 3.4 % of
    # people and 200 names cover 99 %: blocks on the given name are that wide.
    rows, _ = extract
    given = Counter(fold_diacritics(r["HO_TEN"]).split()[-1].upper() for r in rows)
    name, top = given.most_common(1)[0]
    assert name == "ANH"
    assert 0.02 < top / len(rows) < 0.06
    assert len(given) > 120


def test_twins_and_year_only_birth_dates_occur(
    extract: tuple[list[dict[str, str]], dict[str, str]],
) -> None:
    rows, _ = extract
    assert any(r["NGAY_SINH"].endswith("0000") for r in rows)
    households = Counter(
        (r["MA_HO_GD"], r["NGAY_SINH"], r["QUAN_HE_CHU_HO"])
        for r in rows
        if r["QUAN_HE_CHU_HO"] == "Con"
    )
    assert any(n >= 2 for n in households.values())


def test_the_same_seed_gives_the_same_file(tmp_path: Path) -> None:
    write(tmp_path / "a", persons=300, dup_rate=0.1, seed=3)
    write(tmp_path / "b", persons=300, dup_rate=0.1, seed=3)
    write(tmp_path / "c", persons=300, dup_rate=0.1, seed=4)
    a, b, c = ((tmp_path / d / "bhxh.csv").read_bytes() for d in "abc")
    assert a == b
    assert a != c
