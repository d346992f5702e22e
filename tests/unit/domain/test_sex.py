from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthid.domain.errors import ValidationError
from healthid.domain.sex import Sex, parse_sex


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("male", Sex.MALE),
        ("1", Sex.MALE),
        (" Nam ", Sex.MALE),
        ("FEMALE", Sex.FEMALE),
        ("2", Sex.FEMALE),
        ("nữ", Sex.FEMALE),
        ("nu\u031b\u0303", Sex.FEMALE),
        ("other", Sex.OTHER),
        ("3", Sex.OTHER),
        ("khác", Sex.OTHER),
    ],
)
def test_accepted_forms(raw: str, expected: Sex) -> None:
    assert parse_sex(raw) == expected


def test_bhxh_codes() -> None:
    assert [s.code for s in Sex] == ["1", "2", "3"]


@given(st.text())
def test_anything_else_is_a_validation_error_naming_the_field(raw: str) -> None:
    accepted = {
        "male",
        "female",
        "other",
        "1",
        "2",
        "3",
        "nam",
        "nữ",
        "nu",
        "khác",
        "khac",
        "m",
        "f",
    }
    if raw.strip().casefold() in accepted:
        assert parse_sex(raw) in Sex
        return
    with pytest.raises(ValidationError) as info:
        parse_sex(raw)
    assert (info.value.field, info.value.rule) == ("sex", "unknown_sex")
