from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthid.domain.birth_date import BirthDate, parse_birth_date
from healthid.domain.errors import ValidationError

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1990-05-01", BirthDate(1990, 5, 1)),
        ("19900501", BirthDate(1990, 5, 1)),
        ("199005011230", BirthDate(1990, 5, 1)),
        ("01/05/1990", BirthDate(1990, 5, 1)),
        ("1990-05", BirthDate(1990, 5)),
        ("199005", BirthDate(1990, 5)),
        ("19900500", BirthDate(1990, 5)),
        ("1965", BirthDate(1965)),
        ("19650000", BirthDate(1965)),
        ("2000-02-29", BirthDate(2000, 2, 29)),
    ],
)
def test_accepted_forms(raw: str, expected: BirthDate) -> None:
    assert parse_birth_date(raw, today=TODAY) == expected


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("", "bad_format"),
        ("1990/05/01", "bad_format"),
        ("90-05-01", "bad_format"),
        ("١٩٩٠", "bad_format"),
        ("199005012460", "bad_format"),
        ("1990-13-01", "month_out_of_range"),
        ("19900001", "day_without_month"),
        ("1900-02-29", "day_out_of_range"),
        ("1990-04-31", "day_out_of_range"),
        ("2027", "in_future"),
        ("2026-12", "in_future"),
        ("1850", "too_old"),
    ],
)
def test_rejected_forms_name_the_rule(raw: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_birth_date(raw, today=TODAY)
    assert (info.value.field, info.value.rule) == ("birth_date", rule)


def test_forms_and_precision() -> None:
    assert BirthDate(1965).compact() == "19650000"
    assert str(BirthDate(1990, 5)) == "1990-05"
    assert [BirthDate(1990, 5, 1).precision, BirthDate(1990, 5).precision] == ["day", "month"]


@given(st.text(max_size=20))
def test_any_text_parses_or_raises_a_validation_error(raw: str) -> None:
    try:
        parsed = parse_birth_date(raw, today=TODAY)
    except ValidationError:
        return
    assert parse_birth_date(parsed.compact(), today=TODAY) == parsed
    assert parse_birth_date(str(parsed), today=TODAY) == parsed
