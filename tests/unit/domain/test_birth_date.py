from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthid.domain.birth_date import BirthDate, parse_birth_date
from healthid.domain.errors import ValidationError
from tests.unit.domain.support import attempt, refused

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1990-05-01", BirthDate(1990, 5, 1)),
        ("19900501", BirthDate(1990, 5, 1)),
        ("199005011230", BirthDate(1990, 5, 1)),
        ("199005010000", BirthDate(1990, 5, 1)),
        ("199005012359", BirthDate(1990, 5, 1)),
        ("01/05/1990", BirthDate(1990, 5, 1)),
        ("1/5/1990", BirthDate(1990, 5, 1)),
        ("31/12/1990", BirthDate(1990, 12, 31)),
        ("1990-05", BirthDate(1990, 5)),
        ("199005", BirthDate(1990, 5)),
        ("19900500", BirthDate(1990, 5)),
        ("1965", BirthDate(1965)),
        ("19650000", BirthDate(1965)),
        (" 1965 ", BirthDate(1965)),
        ("2000-02-29", BirthDate(2000, 2, 29)),
        ("1880", BirthDate(1880)),
        ("2026-11-25", BirthDate(2026, 11, 25)),
        ("2026-11", BirthDate(2026, 11)),
        ("2026", BirthDate(2026)),
    ],
)
def test_accepted_forms(raw: str, expected: BirthDate) -> None:
    assert parse_birth_date(raw, today=TODAY) == expected


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("", "bad_format"),
        ("   ", "bad_format"),
        ("1990/05/01", "bad_format"),
        ("90-05-01", "bad_format"),
        ("1990-5-1", "bad_format"),
        ("05/1990", "bad_format"),
        ("1990050", "bad_format"),
        ("1990050112", "bad_format"),
        ("١٩٩٠", "bad_format"),
        ("１９９０", "bad_format"),
        ("1990-05-01T10:00", "bad_format"),
        ("199005012460", "time_out_of_range"),
        ("199005012400", "time_out_of_range"),
        ("1990-13-01", "month_out_of_range"),
        ("1990-00", "month_out_of_range"),
        ("199013", "month_out_of_range"),
        ("01/13/1990", "month_out_of_range"),
        ("19900001", "day_without_month"),
        ("1990-05-00", "day_out_of_range"),
        ("00/05/1990", "day_out_of_range"),
        ("1900-02-29", "day_out_of_range"),
        ("1990-04-31", "day_out_of_range"),
        ("19900431", "day_out_of_range"),
        ("2027", "in_future"),
        ("2026-12", "in_future"),
        ("2026-11-26", "in_future"),
        ("1879", "too_old"),
        ("18790000", "too_old"),
    ],
)
def test_rejected_forms_name_the_field_and_rule_but_not_the_value(raw: str, rule: str) -> None:
    refused(lambda: parse_birth_date(raw, field="ngay_sinh", today=TODAY), "ngay_sinh", rule, raw)


@pytest.mark.parametrize(
    ("year", "month", "day", "rule"),
    [
        (1879, None, None, "too_old"),
        (10000, None, None, "year_out_of_range"),
        (1990, None, 1, "day_without_month"),
        (1990, 0, None, "month_out_of_range"),
        (1990, 2, 29, "day_out_of_range"),
        (1990, 5, 0, "day_out_of_range"),
    ],
)
def test_the_constructor_refuses_impossible_dates(
    year: int, month: int | None, day: int | None, rule: str
) -> None:
    refused(lambda: BirthDate(year, month, day), "birth_date", rule)


@pytest.mark.parametrize(
    ("born", "compact", "text", "precision"),
    [
        (BirthDate(1990, 5, 1), "19900501", "1990-05-01", "day"),
        (BirthDate(1990, 5), "19900500", "1990-05", "month"),
        (BirthDate(1965), "19650000", "1965", "year"),
    ],
)
def test_forms_and_precision(born: BirthDate, compact: str, text: str, precision: str) -> None:
    assert (born.compact(), str(born), born.precision) == (compact, text, precision)


def test_today_defaults_to_the_real_date() -> None:
    assert parse_birth_date(str(date.today().year)) == BirthDate(date.today().year)
    with pytest.raises(ValidationError) as info:
        parse_birth_date(str(date.today().year + 1))
    assert info.value.rule == "in_future"


def test_partial_dates_sort_before_the_dates_they_contain() -> None:
    dates = [BirthDate(1990, 1, 1), BirthDate(1991), BirthDate(1990), BirthDate(1990, 1)]
    assert sorted(dates) == [
        BirthDate(1990),
        BirthDate(1990, 1),
        BirthDate(1990, 1, 1),
        BirthDate(1991),
    ]
    assert BirthDate(1990, 12) > BirthDate(1990, 1, 31)


@st.composite
def birth_dates(draw: st.DrawFn) -> BirthDate:
    day = draw(st.dates(min_value=date(1880, 1, 1), max_value=TODAY))
    precision = draw(st.sampled_from(["day", "month", "year"]))
    if precision == "day":
        return BirthDate(day.year, day.month, day.day)
    return BirthDate(day.year, day.month) if precision == "month" else BirthDate(day.year)


@given(birth_dates())
def test_every_written_form_reads_back_the_same(born: BirthDate) -> None:
    assert parse_birth_date(born.compact(), today=TODAY) == born
    assert parse_birth_date(str(born), today=TODAY) == born
    assert born.precision in {"day", "month", "year"}


@given(st.dates(min_value=date(1880, 1, 1), max_value=TODAY))
def test_vietnamese_day_first_order(day: date) -> None:
    written = f"{day.day:02d}/{day.month:02d}/{day.year}"
    assert parse_birth_date(written, today=TODAY) == BirthDate(day.year, day.month, day.day)


@given(st.text())
def test_any_text_parses_or_raises_a_validation_error(raw: str) -> None:
    parsed = attempt(lambda: parse_birth_date(raw, today=TODAY))
    if isinstance(parsed, ValidationError):
        assert parsed.field == "birth_date"
    else:
        assert parse_birth_date(parsed.compact(), today=TODAY) == parsed


@given(
    st.from_regex(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?|[0-9]{6}|[0-9]{8}|[0-9]{12}", fullmatch=True)
)
def test_digit_shaped_text_parses_or_raises_a_validation_error(raw: str) -> None:
    parsed = attempt(lambda: parse_birth_date(raw, today=TODAY))
    if isinstance(parsed, ValidationError):
        assert parsed.rule != "bad_format"  # the shape is right, so a range rule must say why
    else:
        assert parsed <= BirthDate(TODAY.year, TODAY.month, TODAY.day)
