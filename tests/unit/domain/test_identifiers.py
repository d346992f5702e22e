from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthid.domain.errors import ValidationError
from healthid.domain.identifiers import (
    Identifier,
    IdentifierSystem,
    check_bhyt_matches_si,
    check_personal_id_matches,
    parse_bhyt_card,
    parse_identifier,
    parse_mrn,
    parse_passport,
    parse_personal_id,
    parse_si_number,
)
from healthid.domain.sex import Sex


def rule_of(call: object) -> tuple[str, str]:
    assert callable(call)
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.field, info.value.rule


def test_si_number() -> None:
    assert parse_si_number(" 0123456789 ") == "0123456789"
    for bad in ["123456789", "01234567890", "012345678a", "0000000000", "٠١٢٣٤٥٦٧٨٩"]:
        assert rule_of(lambda bad=bad: parse_si_number(bad)) == ("si_number", "bad_format")


def test_bhyt_card_parts_and_rules() -> None:
    card = parse_bhyt_card("dn4010123456789")
    assert (card.group_code, card.benefit_level, card.province_code, card.si_number) == (
        "DN",
        4,
        "01",
        "0123456789",
    )
    assert card.value == "DN4010123456789"
    assert rule_of(lambda: parse_bhyt_card("ZZ4010123456789")) == (
        "bhyt_card",
        "unknown_group_code",
    )
    assert rule_of(lambda: parse_bhyt_card("DN6010123456789")) == ("bhyt_card", "bad_benefit_level")
    assert rule_of(lambda: parse_bhyt_card("DN4000123456789")) == ("bhyt_card", "bad_province")
    assert rule_of(lambda: parse_bhyt_card("DN401012345678")) == ("bhyt_card", "bad_format")
    check_bhyt_matches_si(card, "0123456789")
    assert rule_of(lambda: check_bhyt_matches_si(card, "0123456780")) == (
        "bhyt_card",
        "si_number_mismatch",
    )


@pytest.mark.parametrize(
    ("cccd", "sex", "year"),
    [
        ("001090012345", Sex.MALE, 1990),
        ("079165004321", Sex.FEMALE, 1965),
        ("031203000123", Sex.MALE, 2003),
        ("001305000001", Sex.FEMALE, 2005),
        ("001999000001", Sex.FEMALE, 1899),
        ("001899000001", Sex.MALE, 1899),
    ],
)
def test_cccd_encodes_sex_century_and_year(cccd: str, sex: Sex, year: int) -> None:
    pid = parse_personal_id(cccd)
    assert (pid.sex, pid.birth_year, pid.value) == (sex, year, cccd)
    check_personal_id_matches(pid, sex=sex, birth_year=year)
    check_personal_id_matches(pid, sex=Sex.OTHER, birth_year=year)


def test_cccd_that_disagrees_with_the_person_is_refused() -> None:
    pid = parse_personal_id("001090012345")
    assert rule_of(lambda: check_personal_id_matches(pid, sex=Sex.FEMALE, birth_year=1990)) == (
        "cccd",
        "sex_mismatch",
    )
    assert rule_of(lambda: check_personal_id_matches(pid, sex=Sex.MALE, birth_year=2090)) == (
        "cccd",
        "birth_year_mismatch",
    )
    assert rule_of(lambda: parse_personal_id("000090012345")) == ("cccd", "bad_province")
    assert rule_of(lambda: parse_personal_id("101090012345")) == ("cccd", "bad_format")


def test_mrn_is_scoped_by_facility_and_passport_by_country() -> None:
    assert parse_mrn("01001", "BN-2024/0001").facility_code == "01001"
    assert rule_of(lambda: parse_mrn("0100", "1")) == ("facility_code", "bad_format")
    assert rule_of(lambda: parse_mrn("01001", "has space")) == ("mrn", "bad_format")
    assert parse_passport("usa", "a1234567").number == "A1234567"
    assert rule_of(lambda: parse_passport("US", "A1234567")) == ("country", "bad_format")
    assert rule_of(lambda: parse_passport("USA", "A1")) == ("passport", "bad_format")


def test_parse_identifier_dispatches_and_canonicalises() -> None:
    assert parse_identifier("bhyt", "dn4010123456789") == Identifier(
        IdentifierSystem.BHYT, "DN4010123456789"
    )
    assert parse_identifier("mrn", "A1", "01001") == Identifier(IdentifierSystem.MRN, "A1", "01001")
    assert rule_of(lambda: parse_identifier("ssn", "1")) == ("system", "unknown_system")


@given(st.sampled_from(["si", "cccd", "bhyt", "mrn", "passport", "x"]), st.text(), st.text())
def test_any_input_parses_or_raises_a_validation_error(system: str, value: str, scope: str) -> None:
    try:
        parsed = parse_identifier(system, value, scope)
    except ValidationError:
        return
    assert parse_identifier(system, parsed.value, parsed.scope) == parsed
