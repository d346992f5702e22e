from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthid.domain.errors import ValidationError
from healthid.domain.identifiers import (
    FacilityMrn,
    Identifier,
    IdentifierSystem,
    Passport,
    PersonalId,
    check_personal_id_matches,
    parse_identifier,
    parse_mrn,
    parse_passport,
    parse_personal_id,
)
from healthid.domain.sex import Sex
from tests.unit.domain.support import attempt, refused

# --- CCCD / personal identification number ---------------------------------------


@pytest.mark.parametrize(
    ("cccd", "sex", "year"),
    [
        ("001090012345", Sex.MALE, 1990),
        ("079165004321", Sex.FEMALE, 1965),
        ("031203000123", Sex.MALE, 2003),
        ("001305000001", Sex.FEMALE, 2005),
        ("096400000001", Sex.MALE, 2100),
        ("001599000001", Sex.FEMALE, 2199),
        ("001600000001", Sex.MALE, 2200),
        ("001799000001", Sex.FEMALE, 2299),
        ("001899000001", Sex.MALE, 1899),
        ("001980000001", Sex.FEMALE, 1880),
    ],
)
def test_cccd_encodes_sex_century_and_year(cccd: str, sex: Sex, year: int) -> None:
    pid = parse_personal_id(f" {cccd} ")
    assert (pid.sex, pid.birth_year, pid.value) == (sex, year, cccd)
    check_personal_id_matches(pid, sex=sex, birth_year=year)
    check_personal_id_matches(pid, sex=Sex.OTHER, birth_year=year)  # OTHER: sex not checked


def test_cccd_parts() -> None:
    assert parse_personal_id("079165004321") == PersonalId("079", 1, 65, "004321")


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("", "bad_format"),
        ("00109001234", "bad_format"),
        ("0010900123456", "bad_format"),
        ("00109001234a", "bad_format"),
        ("٠٠١٠٩٠٠١٢٣٤٥", "bad_format"),
        ("001 090012345", "bad_format"),
        ("000090012345", "bad_province"),
        ("097090012345", "bad_province"),
        ("101090012345", "bad_province"),
        ("999090012345", "bad_province"),
    ],
)
def test_cccd_refused(raw: str, rule: str) -> None:
    refused(lambda: parse_personal_id(raw, field="so_dinh_danh"), "so_dinh_danh", rule, raw)


@pytest.mark.parametrize(
    ("sex", "year", "rule"),
    [
        (Sex.FEMALE, 1990, "sex_mismatch"),
        (Sex.MALE, 2090, "birth_year_mismatch"),
        (Sex.MALE, 1991, "birth_year_mismatch"),
        (Sex.OTHER, 1890, "birth_year_mismatch"),
    ],
)
def test_cccd_that_disagrees_with_the_person_is_refused(sex: Sex, year: int, rule: str) -> None:
    pid = parse_personal_id("001090012345")
    refused(lambda: check_personal_id_matches(pid, sex=sex, birth_year=year), "cccd", rule)


@given(st.from_regex(r"0(0[1-9]|[1-8][0-9]|9[0-6])[0-9]{9}", fullmatch=True))
def test_every_well_formed_cccd_reads_back_and_agrees_with_itself(cccd: str) -> None:
    pid = parse_personal_id(cccd)
    assert parse_personal_id(pid.value) == pid
    assert 1800 <= pid.birth_year <= 2299
    check_personal_id_matches(pid, sex=pid.sex, birth_year=pid.birth_year)


# --- facility MRN and passport ------------------------------------------------------


@pytest.mark.parametrize("value", ["A", "BN-2024/0001", "bn_2024.07", "x" * 30, " 123 "])
def test_mrn_accepted_case_kept(value: str) -> None:
    assert parse_mrn(" 01001 ", value) == FacilityMrn("01001", value.strip())


@pytest.mark.parametrize(
    ("facility", "value", "field", "rule"),
    [
        ("0100", "A1", "facility_code", "bad_format"),
        ("010011", "A1", "facility_code", "bad_format"),
        ("0100a", "A1", "facility_code", "bad_format"),
        ("", "A1", "facility_code", "bad_format"),
        ("01001", "", "mrn", "bad_format"),
        ("01001", "has space", "mrn", "bad_format"),
        ("01001", "x" * 31, "mrn", "bad_format"),
        ("01001", "BN#1", "mrn", "bad_format"),
        ("01001", "BNé1", "mrn", "bad_format"),
    ],
)
def test_mrn_refused(facility: str, value: str, field: str, rule: str) -> None:
    refused(lambda: parse_mrn(facility, value), field, rule, value if field == "mrn" else "")


@pytest.mark.parametrize(
    ("country", "number", "expected"),
    [
        ("usa", "a1234567", Passport("USA", "A1234567")),
        (" VNM ", "C12345678901234567890"[:20], Passport("VNM", "C1234567890123456789")),
        ("FRA", "123456", Passport("FRA", "123456")),
    ],
)
def test_passport_accepted(country: str, number: str, expected: Passport) -> None:
    assert parse_passport(country, number) == expected


@pytest.mark.parametrize(
    ("country", "number", "field", "rule"),
    [
        ("US", "A1234567", "country", "bad_format"),
        ("USAA", "A1234567", "country", "bad_format"),
        ("U1A", "A1234567", "country", "bad_format"),
        ("ÜSA", "A1234567", "country", "bad_format"),
        ("USA", "A1234", "passport", "bad_format"),
        ("USA", "A" * 21, "passport", "bad_format"),
        ("USA", "A123-4567", "passport", "bad_format"),
        ("USA", "ß1234567", "passport", "bad_format"),
    ],
)
def test_passport_refused(country: str, number: str, field: str, rule: str) -> None:
    refused(
        lambda: parse_passport(country, number), field, rule, number if field == "passport" else ""
    )


# --- dispatch -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("system", "value", "scope", "expected"),
    [
        ("si", " 0123456789 ", "", Identifier(IdentifierSystem.SI, "0123456789")),
        ("cccd", "001090012345", "", Identifier(IdentifierSystem.CCCD, "001090012345")),
        ("bhyt", "dn4010123456789", "", Identifier(IdentifierSystem.BHYT, "DN4010123456789")),
        ("mrn", "A1", "01001", Identifier(IdentifierSystem.MRN, "A1", "01001")),
        ("passport", "b7654321", "gbr", Identifier(IdentifierSystem.PASSPORT, "B7654321", "GBR")),
        (" SI ", "0123456789", " ", Identifier(IdentifierSystem.SI, "0123456789")),
        (IdentifierSystem.SI, "0123456789", "", Identifier(IdentifierSystem.SI, "0123456789")),
    ],
)
def test_parse_identifier_dispatches_and_canonicalises(
    system: str, value: str, scope: str, expected: Identifier
) -> None:
    assert parse_identifier(system, value, scope) == expected


@pytest.mark.parametrize(
    ("system", "value", "scope", "field", "rule"),
    [
        ("ssn", "1", "", "system", "unknown_system"),
        ("", "1", "", "system", "unknown_system"),
        ("si", "123", "", "si_number", "bad_format"),
        ("si", "0123456789", "01001", "scope", "unexpected_scope"),
        ("cccd", "001090012345", "VNM", "scope", "unexpected_scope"),
        ("cccd", "123", "", "cccd", "bad_format"),
        ("bhyt", "ZZ4010123456789", "", "bhyt_card", "unknown_group_code"),
        ("mrn", "A1", "", "facility_code", "bad_format"),
        ("passport", "B7654321", "", "country", "bad_format"),
    ],
)
def test_parse_identifier_refuses_with_the_inner_rule(
    system: str, value: str, scope: str, field: str, rule: str
) -> None:
    refused(lambda: parse_identifier(system, value, scope), field, rule)


@given(
    st.sampled_from([*IdentifierSystem, "x", "SI"]),
    st.text(),
    st.one_of(st.just(""), st.text()),
)
def test_any_input_is_an_identifier_or_a_validation_error(
    system: str, value: str, scope: str
) -> None:
    parsed = attempt(lambda: parse_identifier(system, value, scope))
    if isinstance(parsed, ValidationError):
        assert parsed.field in {"system", "scope", "si_number", "cccd", "bhyt_card"} | {
            "mrn",
            "facility_code",
            "passport",
            "country",
        }
    else:
        assert parse_identifier(parsed.system, parsed.value, parsed.scope) == parsed


@given(st.text(), st.text())
def test_any_text_is_an_mrn_or_a_validation_error(facility: str, value: str) -> None:
    mrn = attempt(lambda: parse_mrn(facility, value))
    if isinstance(mrn, ValidationError):
        assert mrn.field in {"facility_code", "mrn"}
    else:
        assert parse_mrn(mrn.facility_code, mrn.value) == mrn


@given(st.text(), st.text())
def test_any_text_is_a_passport_or_a_validation_error(country: str, number: str) -> None:
    passport = attempt(lambda: parse_passport(country, number))
    if isinstance(passport, ValidationError):
        assert passport.field in {"country", "passport"}
    else:
        assert parse_passport(passport.country, passport.number) == passport


@given(st.text())
def test_any_text_is_a_cccd_or_a_validation_error(raw: str) -> None:
    pid = attempt(lambda: parse_personal_id(raw))
    if isinstance(pid, ValidationError):
        assert pid.field == "cccd"
    else:
        assert parse_personal_id(pid.value) == pid
