"""A person in the registry: demographics as recorded and the identifiers mapped to them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache

from healthid.domain.birth_date import BirthDate, parse_birth_date
from healthid.domain.errors import ValidationError
from healthid.domain.identifiers import Identifier, IdentifierSystem
from healthid.domain.names import canonical_name
from healthid.domain.sex import Sex, parse_sex

# Vietnamese numbers: 0 + 9 digits, or +84 / 84 + 9 digits.
_PHONE = re.compile(r"^(?:0|\+?84)([0-9]{9})$")
_MAX_TEXT = 200


@dataclass(frozen=True)
class Demographics:
    """Administrative data of a person, in display form (NFC, single spaces)."""

    full_name: str
    birth_date: BirthDate
    sex: Sex
    birthplace: str | None = None
    address: str | None = None
    phone: str | None = None

    @property
    def canonical_name(self) -> str:
        return canonical_name(self.full_name)


@dataclass
class Person:
    """A human being the registry knows, with or without a Health ID yet."""

    id: str
    demographics: Demographics
    created_at: datetime
    updated_at: datetime
    identifiers: list[Identifier] = field(default_factory=list)

    def identifier(self, system: IdentifierSystem) -> Identifier | None:
        """The person's first identifier of ``system``, if any."""
        return next((i for i in self.identifiers if i.system == system), None)

    def corrected(self, demographics: Demographics, at: datetime) -> Person:
        return replace(self, demographics=demographics, updated_at=at)


def display_text(raw: str, *, field: str, max_length: int = _MAX_TEXT) -> str:
    if not isinstance(raw, str):  # unhashable input must not reach the cache
        raise ValidationError(field, "bad_type", "must be text", "phải là văn bản")
    return _display_text(raw, field, max_length)


@lru_cache(maxsize=1 << 16)  # names and places repeat across a national extract
def _display_text(raw: str, field: str, max_length: int) -> str:
    text = " ".join(unicodedata.normalize("NFC", raw).split())
    if not text:
        raise ValidationError(field, "empty", "must not be empty", "không được để trống")
    if len(text) > max_length:
        raise ValidationError(
            field,
            "too_long",
            f"must be at most {max_length} characters",
            f"tối đa {max_length} ký tự",
        )
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise ValidationError(
            field,
            "control_character",
            "must not contain control characters",
            "không được chứa ký tự điều khiển",
        )
    return text


def parse_phone(raw: str, *, field: str = "phone") -> str:
    """A Vietnamese phone number in the form 0XXXXXXXXX."""
    match = _PHONE.match("".join(raw.split()).replace("-", "").replace(".", ""))
    if match is None:
        raise ValidationError(
            field,
            "bad_format",
            "must be a Vietnamese phone number: 0 and 9 digits, or +84 and 9 digits",
            "phải là số điện thoại Việt Nam: 0 và 9 chữ số, hoặc +84 và 9 chữ số",
        )
    return "0" + match.group(1)


def parse_demographics(
    *,
    full_name: str,
    birth_date: str,
    sex: str,
    birthplace: str | None = None,
    address: str | None = None,
    phone: str | None = None,
    today: date | None = None,
) -> Demographics:
    """Validate raw administrative data; the first broken rule raises ``ValidationError``."""
    canonical_name(full_name)  # validates; the display form keeps the person's casing
    return Demographics(
        full_name=display_text(full_name, field="full_name", max_length=100),
        birth_date=parse_birth_date(birth_date, today=today),
        sex=parse_sex(sex),
        birthplace=display_text(birthplace, field="birthplace") if birthplace else None,
        address=display_text(address, field="address") if address else None,
        phone=parse_phone(phone) if phone else None,
    )
