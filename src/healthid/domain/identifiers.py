"""The identifiers a person maps to (Điều 3.6), each validated at the boundary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from healthid.domain.bhyt import BhytCard, check_bhyt_matches_si, parse_bhyt_card
from healthid.domain.errors import ValidationError
from healthid.domain.sex import Sex

__all__ = [
    "BhytCard",
    "FacilityMrn",
    "Identifier",
    "IdentifierSystem",
    "Passport",
    "PersonalId",
    "check_bhyt_matches_si",
    "check_personal_id_matches",
    "parse_bhyt_card",
    "parse_identifier",
    "parse_mrn",
    "parse_passport",
    "parse_personal_id",
    "parse_si_number",
]


class IdentifierSystem(StrEnum):
    SI = "si"
    CCCD = "cccd"
    BHYT = "bhyt"
    MRN = "mrn"
    PASSPORT = "passport"


_SI = re.compile(r"^[0-9]{10}$")
_CCCD = re.compile(r"^(0[0-9]{2})([0-9])([0-9]{2})([0-9]{6})$")
_FACILITY = re.compile(r"^[0-9]{5}$")
_MRN = re.compile(r"^[A-Za-z0-9_/.\-]{1,30}$")
_COUNTRY = re.compile(r"^[A-Z]{3}$")
_PASSPORT = re.compile(r"^[A-Z0-9]{6,20}$")
# CCCD sex+century digit: even male, odd female; pairs name the century.
_CENTURY = {
    0: 1900,
    1: 1900,
    2: 2000,
    3: 2000,
    4: 2100,
    5: 2100,
    6: 2200,
    7: 2200,
    8: 1800,
    9: 1800,
}


def _ascii(raw: str) -> str:
    text = raw.strip() if isinstance(raw, str) else ""
    return text if text.isascii() else ""


def parse_si_number(raw: str, *, field: str = "si_number") -> str:
    """The social insurance number (mã số BHXH): exactly 10 digits."""
    text = _ascii(raw)
    if not _SI.match(text) or text == "0" * 10:
        raise ValidationError(
            field, "bad_format", "must be exactly 10 digits", "phải gồm đúng 10 chữ số"
        )
    return text


@dataclass(frozen=True)
class PersonalId:
    """CCCD / personal identification number (số định danh cá nhân), 12 digits."""

    province_code: str
    sex_century: int
    year_of_century: int
    serial: str

    @property
    def value(self) -> str:
        return f"{self.province_code}{self.sex_century}{self.year_of_century:02d}{self.serial}"

    @property
    def sex(self) -> Sex:
        return Sex.FEMALE if self.sex_century % 2 else Sex.MALE

    @property
    def birth_year(self) -> int:
        return _CENTURY[self.sex_century] + self.year_of_century


def parse_personal_id(raw: str, *, field: str = "cccd") -> PersonalId:
    match = _CCCD.match(_ascii(raw))
    if match is None:
        raise ValidationError(
            field, "bad_format", "must be exactly 12 digits", "phải gồm đúng 12 chữ số"
        )
    province, digit, year, serial = match.groups()
    if not 1 <= int(province) <= 96:
        raise ValidationError(
            field,
            "bad_province",
            "the first three digits must be a province code 001 to 096",
            "ba chữ số đầu phải là mã tỉnh từ 001 đến 096",
        )
    return PersonalId(province, int(digit), int(year), serial)


def check_personal_id_matches(
    pid: PersonalId, *, sex: Sex, birth_year: int, field: str = "cccd"
) -> None:
    """The CCCD encodes sex, century and birth year: they must agree with the person."""
    if sex not in (Sex.OTHER, pid.sex):
        raise ValidationError(
            field,
            "sex_mismatch",
            "the sex digit (4th) disagrees with the person's sex",
            "chữ số giới tính (thứ 4) không khớp với giới tính của người này",
        )
    if pid.birth_year != birth_year:
        raise ValidationError(
            field,
            "birth_year_mismatch",
            "the century digit and birth year (digits 4 to 6) disagree with the birth date",
            "chữ số thế kỷ và năm sinh (chữ số 4 đến 6) không khớp với ngày sinh",
        )


@dataclass(frozen=True)
class FacilityMrn:
    """A facility's own patient number (mã bệnh nhân), meaningful only with its facility."""

    facility_code: str
    value: str


def parse_facility_code(raw: str, *, field: str = "facility_code") -> str:
    """A facility code (MA_CSKCB): 5 digits."""
    text = _ascii(raw)
    if not _FACILITY.match(text):
        raise ValidationError(
            field, "bad_format", "must be exactly 5 digits", "phải gồm đúng 5 chữ số"
        )
    return text


def parse_mrn(facility_code: str, value: str, *, field: str = "mrn") -> FacilityMrn:
    code = parse_facility_code(facility_code)
    if not _MRN.match(_ascii(value)):
        raise ValidationError(
            field,
            "bad_format",
            "must be 1 to 30 letters, digits, or - _ / .",
            "phải gồm 1 đến 30 chữ cái, chữ số hoặc - _ / .",
        )
    return FacilityMrn(code, value.strip())


@dataclass(frozen=True)
class Passport:
    country: str
    number: str


def parse_passport(country: str, number: str, *, field: str = "passport") -> Passport:
    code = _ascii(country).upper()
    if not _COUNTRY.match(code):
        raise ValidationError(
            "country",
            "bad_format",
            "must be a 3-letter ISO 3166 country code",
            "phải là mã quốc gia ISO 3166 gồm 3 chữ cái",
        )
    text = _ascii(number).upper()
    if not _PASSPORT.match(text):
        raise ValidationError(
            field,
            "bad_format",
            "must be 6 to 20 letters or digits",
            "phải gồm 6 đến 20 chữ cái hoặc chữ số",
        )
    return Passport(code, text)


@dataclass(frozen=True)
class Identifier:
    """Any identifier, canonical. ``scope`` is the facility (MRN) or country (passport)."""

    system: IdentifierSystem
    value: str
    scope: str = ""


def parse_identifier(system: str, value: str, scope: str = "") -> Identifier:
    """Validate ``value`` by the rules of ``system`` and return its canonical form."""
    try:
        kind = IdentifierSystem(system)
    except ValueError:
        raise ValidationError(
            "system",
            "unknown_system",
            "must be one of si, cccd, bhyt, mrn, passport",
            "phải là một trong si, cccd, bhyt, mrn, passport",
        ) from None
    if kind == IdentifierSystem.SI:
        return Identifier(kind, parse_si_number(value))
    if kind == IdentifierSystem.CCCD:
        return Identifier(kind, parse_personal_id(value).value)
    if kind == IdentifierSystem.BHYT:
        return Identifier(kind, parse_bhyt_card(value).value)
    if kind == IdentifierSystem.MRN:
        mrn = parse_mrn(scope, value)
        return Identifier(kind, mrn.value, mrn.facility_code)
    passport = parse_passport(scope, value)
    return Identifier(kind, passport.number, passport.country)
