from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthid.domain.errors import ValidationError
from healthid.domain.sex import Sex, parse_sex
from tests.unit.domain.support import attempt, refused


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("male", Sex.MALE),
        ("1", Sex.MALE),
        (" Nam ", Sex.MALE),
        ("NAM", Sex.MALE),
        ("FEMALE", Sex.FEMALE),
        ("2", Sex.FEMALE),
        ("nữ", Sex.FEMALE),
        ("NỮ", Sex.FEMALE),
        (unicodedata.normalize("NFD", "Nữ"), Sex.FEMALE),
        ("nu", Sex.FEMALE),
        ("\tother\n", Sex.OTHER),
        ("3", Sex.OTHER),
        ("khác", Sex.OTHER),
        (unicodedata.normalize("NFD", "KHÁC"), Sex.OTHER),
        ("khac", Sex.OTHER),
    ],
)
def test_accepted_forms(raw: str, expected: Sex) -> None:
    assert parse_sex(raw) is expected


def test_bhxh_codes_and_values() -> None:
    assert [(s.value, s.code) for s in Sex] == [("male", "1"), ("female", "2"), ("other", "3")]


@pytest.mark.parametrize(
    "raw", ["", "  ", "m", "f", "0", "4", "nam nữ", "n ữ", "males", "١", "Nguyễn Văn An"]
)
def test_anything_else_is_refused_with_the_rule_and_without_the_value(raw: str) -> None:
    # Values of three letters or fewer occur in any message by chance ("m" in "male").
    hidden = raw if len(raw.strip()) > 3 else ""
    refused(lambda: parse_sex(raw, field="gioi_tinh"), "gioi_tinh", "unknown_sex", hidden)


@given(st.text())
def test_any_text_is_a_sex_or_a_validation_error(raw: str) -> None:
    sex = attempt(lambda: parse_sex(raw))
    if isinstance(sex, ValidationError):
        assert (sex.field, sex.rule) == ("sex", "unknown_sex")
    else:
        assert parse_sex(sex.value) is sex
        assert parse_sex(sex.code) is sex
