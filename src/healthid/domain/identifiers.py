"""The identifiers a person maps to (Điều 3.6), each validated at the boundary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from healthid.domain.bhyt import (
    GROUP_CODES,
    BhytCard,
    check_bhyt_matches_si,
    parse_bhyt_card,
    parse_si_number,
)
from healthid.domain.errors import ValidationError
from healthid.domain.sex import Sex

__all__ = [
    "GROUP_CODES",
    "BhytCard",
    "FacilityMrn",
    "Identifier",
    "IdentifierSystem",
    "Passport",
    "PersonalId",
    "check_bhyt_matches_si",
    "check_personal_id_matches",
    "parse_bhyt_card",
    "parse_facility_code",
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


_TWELVE_DIGITS = re.compile(r"[0-9]{12}")
_FACILITY = re.compile(r"[0-9]{5}")
_MRN = re.compile(r"[A-Za-z0-9_/.\-]{1,30}")
_COUNTRY = re.compile(r"[A-Z]{3}")
_PASSPORT = re.compile(r"[A-Z0-9]{6,20}")
# The CCCD's 4th digit: even male, odd female; each pair names a century.
_CENTURY = {digit: (1900, 2000, 2100, 2200, 1800)[digit // 2] for digit in range(10)}


def _ascii(raw: str) -> str:
    """Trimmed text, or "" for anything not ASCII (Unicode digits must not pass)."""
    text = raw.strip() if isinstance(raw, str) else ""
    return text if text.isascii() else ""


@dataclass(frozen=True)
class PersonalId:
    """CCCD / personal identification number (số định danh cá nhân), 12 digits."""

    province_code: str  # where the birth was registered, "001" to "096"
    sex_century: int
    year_of_century: int
    serial: str

    @property
    def value(self) -> str:
        """The 12-digit number."""
        return f"{self.province_code}{self.sex_century}{self.year_of_century:02d}{self.serial}"

    @property
    def sex(self) -> Sex:
        return Sex.FEMALE if self.sex_century % 2 else Sex.MALE

    @property
    def birth_year(self) -> int:
        return _CENTURY[self.sex_century] + self.year_of_century


def parse_personal_id(raw: str, *, field: str = "cccd") -> PersonalId:
    """Province (3 digits), sex and century (1), birth year (2), serial (6)."""
    text = _ascii(raw)
    if not _TWELVE_DIGITS.fullmatch(text):
        raise ValidationError(
            field, "bad_format", "must be exactly 12 digits", "phải gồm đúng 12 chữ số"
        )
    if not 1 <= int(text[:3]) <= 96:  # "0" then a province code 01..96
        raise ValidationError(
            field,
            "bad_province",
            "the first three digits must be a province code 001 to 096",
            "ba chữ số đầu phải là mã tỉnh từ 001 đến 096",
        )
    return PersonalId(text[:3], int(text[3]), int(text[4:6]), text[6:])


def check_personal_id_matches(
    pid: PersonalId, *, sex: Sex, birth_year: int, field: str = "cccd"
) -> None:
    """The number encodes sex, century and birth year: they must agree with the person."""
    # Sex.OTHER cannot be checked against a digit that only knows male and female.
    if sex is not Sex.OTHER and sex is not pid.sex:
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
            "chữ số thế kỷ và năm sinh (chữ số 4 đến 6) không khớp với năm sinh",
        )


@dataclass(frozen=True)
class FacilityMrn:
    """A facility's own patient number (mã bệnh nhân), meaningful only with its facility."""

    facility_code: str
    value: str


def parse_facility_code(raw: str, *, field: str = "facility_code") -> str:
    """A facility code (MA_CSKCB): exactly 5 digits."""
    text = _ascii(raw)
    if not _FACILITY.fullmatch(text):
        raise ValidationError(
            field, "bad_format", "must be exactly 5 digits", "phải gồm đúng 5 chữ số"
        )
    return text


def parse_mrn(facility_code: str, value: str, *, field: str = "mrn") -> FacilityMrn:
    """An MRN: 1 to 30 letters, digits, - _ / or . (case kept: facilities differ)."""
    code = parse_facility_code(facility_code)
    text = _ascii(value)
    if not _MRN.fullmatch(text):
        raise ValidationError(
            field,
            "bad_format",
            "must be 1 to 30 letters, digits, or - _ / .",
            "phải gồm 1 đến 30 chữ cái, chữ số hoặc - _ / .",
        )
    return FacilityMrn(code, text)


@dataclass(frozen=True)
class Passport:
    """A passport or other foreign ID, scoped by its issuing country."""

    country: str
    number: str


def parse_passport(
    country: str, number: str, *, field: str = "passport", country_field: str = "country"
) -> Passport:
    """ISO 3166-1 alpha-3 country (well-formed, not looked up) and 6–20 letters or digits."""
    # Upper-case only after the ASCII check: "ß".upper() is "SS".
    code = _ascii(country).upper()
    if not _COUNTRY.fullmatch(code):
        raise ValidationError(
            country_field,
            "bad_format",
            "must be a 3-letter ISO 3166 country code",
            "phải là mã quốc gia ISO 3166 gồm 3 chữ cái",
        )
    text = _ascii(number).upper()
    if not _PASSPORT.fullmatch(text):
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

    def masked(self) -> str:
        """Enough to tell two identifiers apart on a screen: the last four characters."""
        shown = self.value[-4:] if len(self.value) > 4 else ""
        hidden = "•" * (len(self.value) - len(shown))
        return f"{self.scope + ':' if self.scope else ''}{hidden}{shown}"


def parse_identifier(system: str, value: str, scope: str = "") -> Identifier:
    """Validate ``value`` by the rules of ``system`` and return its canonical form."""
    try:
        kind = IdentifierSystem(system.strip().lower() if isinstance(system, str) else "")
    except ValueError:
        raise ValidationError(
            "system",
            "unknown_system",
            "must be one of si, cccd, bhyt, mrn, passport",
            "phải là một trong si, cccd, bhyt, mrn, passport",
        ) from None
    if kind is IdentifierSystem.MRN:
        mrn = parse_mrn(scope, value)
        return Identifier(kind, mrn.value, mrn.facility_code)
    if kind is IdentifierSystem.PASSPORT:
        passport = parse_passport(scope, value)
        return Identifier(kind, passport.number, passport.country)
    # National identifiers have no scope; a given one is a caller's mistake, not noise.
    if isinstance(scope, str) and scope.strip():
        raise ValidationError(
            "scope",
            "unexpected_scope",
            "only mrn (facility) and passport (country) take a scope",
            "chỉ mrn (cơ sở) và passport (quốc gia) mới có phạm vi",
        )
    if kind is IdentifierSystem.SI:
        return Identifier(kind, parse_si_number(value))
    if kind is IdentifierSystem.CCCD:
        return Identifier(kind, parse_personal_id(value).value)
    return Identifier(kind, parse_bhyt_card(value).value)
