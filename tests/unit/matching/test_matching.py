"""Normalisation, blocking, comparisons, hard rules and decisions, on hand-made pairs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthid.domain.birth_date import BirthDate
from healthid.matching.blocking import blocking_keys
from healthid.matching.comparisons import compare_birth_date, comparison_vector
from healthid.matching.estimate import candidate_pairs
from healthid.matching.model import AMBIGUOUS, Decision, Model, Scored, best_of, settle_ambiguous
from healthid.matching.normalise import date_variants, match_record, split_name
from healthid.synth.bhxh import write
from healthid.synth.records import load

MODEL = Model.load()


def person(
    key: str = "a",
    name: str = "Nguyễn Thị Thuỷ",
    born: BirthDate | None = None,
    **extra: str | None,
) -> object:
    fields: dict[str, object] = {
        "sex": "female",
        "cccd": "001190012345",
        "birth_province": "01",
        "ward": "00004",
        "household": "H1",
    }
    fields.update(extra)
    return match_record(
        key=key, full_name=name, birth_date=born or BirthDate(1990, 3, 12), **fields
    )  # type: ignore[arg-type]


def test_names_split_family_first_given_last_and_tone_unified() -> None:
    assert split_name("nguyễn thị thủy") == ("NGUYỄN", "THỊ", "THUỶ")
    assert split_name("Lê Hoàng Bảo Anh") == ("LÊ", "HOÀNG BẢO", "ANH")
    record = person(name="Huỳnh Văn Vũ")
    assert record.surname_group == "HOANG"  # type: ignore[attr-defined]
    assert person(name="Võ An").surname_group == "VU"  # type: ignore[attr-defined]


def test_day_month_swaps_are_variants_only_when_both_could_be_months() -> None:
    assert date_variants(BirthDate(1990, 3, 12)) == {"19900312", "19901203"}
    assert date_variants(BirthDate(1990, 3, 25)) == {"19900325"}
    assert date_variants(BirthDate(1990)) == set()


def test_a_misspelt_duplicate_shares_a_blocking_key() -> None:
    original = person()
    written_badly = person("b", name="Nguyen Thuy", born=BirthDate(1990), cccd=None)
    assert blocking_keys(original) & blocking_keys(written_badly)  # type: ignore[arg-type]
    keys = blocking_keys(original)  # type: ignore[arg-type]
    assert "c|001190012345" in keys
    assert all("NGUY" not in k or k.isascii() for k in keys)  # folded, not readable marks


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        (BirthDate(1990, 3, 12), BirthDate(1990, 3, 12), "exact"),
        (BirthDate(1990, 3, 12), BirthDate(1990, 12, 3), "swap"),
        (BirthDate(1990, 3, 12), BirthDate(1990), "compatible"),
        (BirthDate(1990, 3, 12), BirthDate(1990, 3), "compatible"),
        (BirthDate(1990, 3, 12), BirthDate(1990, 4, 12), "year"),
        (BirthDate(1990, 3, 12), BirthDate(1991, 3, 12), "year_close"),
        (BirthDate(1990, 3, 12), BirthDate(1995, 3, 12), "else"),
    ],
)
def test_birth_date_levels(a: BirthDate, b: BirthDate, level: str) -> None:
    assert compare_birth_date(a, b) == level


def test_the_same_person_written_differently_is_a_match_with_explaining_weights() -> None:
    a = person()
    b = person("b", name="NGUYỄN THỊ THỦY")
    scored = MODEL.score(a, b)  # type: ignore[arg-type]
    assert scored.decision == Decision.MATCH
    assert scored.weights["given"] > 0
    assert comparison_vector(a, b)["given"] == "exact"  # type: ignore[arg-type]


def test_different_people_with_a_common_name_are_not_matched() -> None:
    a = person(
        name="Nguyễn Văn Hùng",
        sex="male",
        cccd=None,
        ward="00004",
        household="H1",
        born=BirthDate(1980),
    )
    b = person(
        "b",
        name="Nguyễn Văn Hùng",
        sex="male",
        cccd=None,
        ward="26734",
        household="H9",
        birth_province="79",
        born=BirthDate(1980),
    )
    assert MODEL.score(a, b).decision != Decision.MATCH  # type: ignore[arg-type]


def test_a_common_given_name_weighs_less_than_a_rare_one() -> None:
    assert MODEL.weight("given", "exact", "KHUE") > MODEL.weight("given", "exact", "ANH")


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"cccd": "001190099999"}, "different_cccd"),
        ({"sex": "male"}, "different_sex"),
        ({"name": "Nguyễn Thị Thu"}, "twins"),
    ],
)
def test_hard_rules_forbid_an_automatic_match_whatever_the_score(
    change: dict[str, str], rule: str
) -> None:
    a = person(cccd=None) if rule == "twins" else person()
    fields = {"cccd": None} if rule == "twins" else {}
    b = person("b", **{**fields, **change})  # type: ignore[arg-type]
    scored = MODEL.score(a, b)  # type: ignore[arg-type]
    assert scored.blocked_by == rule
    assert scored.decision != Decision.MATCH


def test_keys_survive_a_mistyped_family_name_and_a_year_off_across_a_decade() -> None:
    original = person()
    other_family = person("b", name="Nguyên Thị Thuỷ", cccd=None)
    assert blocking_keys(original) & blocking_keys(other_family)  # type: ignore[arg-type]
    born_1979 = person(born=BirthDate(1979, 5, 1), cccd=None)
    born_1980 = person("b", born=BirthDate(1980, 1, 5), cccd=None)
    assert blocking_keys(born_1979) & blocking_keys(born_1980)  # type: ignore[arg-type]
    # No key holds the given name and the birth year alone: such a block is one
    # person in eight of a birth year.
    stranger = person(
        "c", name="Trần Văn Thuỷ", born=BirthDate(1990, 7, 30), cccd=None, birth_province="79"
    )
    assert not blocking_keys(original) & blocking_keys(stranger)  # type: ignore[arg-type]


def _scored(a: str, b: str, decision: Decision, probability: float = 0.999) -> Scored:
    return Scored(a, b, probability, {}, {}, decision)


def test_a_record_matching_two_others_is_matched_with_neither() -> None:
    pairs = [
        _scored("x", "p1", Decision.MATCH, 0.9999),
        _scored("x", "p2", Decision.MATCH, 0.999),
        _scored("y", "p3", Decision.MATCH),
        _scored("y", "p4", Decision.REVIEW, 0.7),
    ]
    settled = settle_ambiguous(pairs)
    assert [s.decision for s in settled] == [
        Decision.REVIEW,
        Decision.REVIEW,
        Decision.MATCH,  # y has one sure match and one doubtful: not ambiguous
        Decision.REVIEW,
    ]
    assert [s.blocked_by for s in settled] == [AMBIGUOUS, AMBIGUOUS, None, None]


def test_the_best_candidate_is_the_likeliest_and_never_an_ambiguous_match() -> None:
    assert best_of([_scored("p1", "x", Decision.NEW, 0.1)]) is None
    one = best_of([_scored("p1", "x", Decision.REVIEW, 0.6), _scored("p2", "x", Decision.MATCH)])
    assert one is not None
    assert (one.a, one.decision) == ("p2", Decision.MATCH)
    two = best_of(
        [_scored("p1", "x", Decision.MATCH, 0.998), _scored("p2", "x", Decision.MATCH, 0.9999)]
    )
    assert two is not None
    assert (two.a, two.decision, two.blocked_by) == ("p2", Decision.REVIEW, AMBIGUOUS)


def _level_by_definition(a: BirthDate, b: BirthDate) -> str:
    """The birth-date levels as the model defines them, through date_variants."""
    if a == b:
        return "exact" if a.day else "compatible"
    if a.year == b.year:
        if a.day and b.day and b.compact() in date_variants(a):
            return "swap"
        if a.month is None or b.month is None:
            return "compatible"
        if a.month == b.month and (a.day is None or b.day is None):
            return "compatible"
        return "year"
    return "year_close" if abs(a.year - b.year) == 1 else "else"


@st.composite
def birth_dates(draw: st.DrawFn) -> BirthDate:
    year = draw(st.integers(1988, 1991))
    month = draw(st.none() | st.integers(1, 12))
    day = None if month is None else draw(st.none() | st.integers(1, 28))
    return BirthDate(year, month, day)


@st.composite
def related_birth_dates(draw: st.DrawFn) -> tuple[BirthDate, BirthDate]:
    """Two dates, the second often derived from the first as duplicates' dates are."""
    a = draw(birth_dates())
    kind = draw(st.sampled_from(["any", "same", "swap", "year", "month", "year+1"]))
    if kind == "same":
        return a, a
    if kind == "swap":
        month, day = draw(st.integers(1, 12)), draw(st.integers(1, 12))
        return BirthDate(a.year, month, day), BirthDate(a.year, day, month)
    if kind == "year":
        return a, BirthDate(a.year)
    if kind == "month" and a.month:
        return a, BirthDate(a.year, a.month)
    if kind == "year+1":
        return a, BirthDate(a.year + 1, a.month, a.day)
    return a, draw(birth_dates())


@given(related_birth_dates())
def test_the_fast_birth_date_comparison_is_the_defined_one(
    pair: tuple[BirthDate, BirthDate],
) -> None:
    a, b = pair
    assert compare_birth_date(a, b) == _level_by_definition(a, b)
    assert compare_birth_date(b, a) == _level_by_definition(b, a)


def test_the_cheap_pre_test_never_turns_away_a_pair_the_score_would_keep(
    tmp_path: Path,
) -> None:
    write(tmp_path, persons=2000, dup_rate=0.2, seed=3)
    records, _ = load(tmp_path)
    keys = {r.key: blocking_keys(r) for r in records}
    pairs = list(candidate_pairs(records, keys))
    assert len(pairs) > 500
    kept = 0
    for i, j in pairs:
        a, b = records[i], records[j]
        for population in (None, len(records), 1_000_000):
            if not MODEL.may_review(a, b, population):
                assert MODEL.score(a, b, population).decision == Decision.NEW
            else:
                kept += 1
    assert kept > 0
