"""Sex as BHXH records it: 1 male, 2 female, 3 not determined."""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from healthid.domain.errors import ValidationError


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"

    @property
    def code(self) -> str:
        """The BHXH code (GIOI_TINH)."""
        return _CODES[self]


_CODES = {Sex.MALE: "1", Sex.FEMALE: "2", Sex.OTHER: "3"}
_ACCEPTED = {
    "male": Sex.MALE, "1": Sex.MALE, "nam": Sex.MALE, "m": Sex.MALE,
    "female": Sex.FEMALE, "2": Sex.FEMALE, "nữ": Sex.FEMALE, "nu": Sex.FEMALE, "f": Sex.FEMALE,
    "other": Sex.OTHER, "3": Sex.OTHER, "khác": Sex.OTHER, "khac": Sex.OTHER,
}  # fmt: skip


def parse_sex(raw: str, *, field: str = "sex") -> Sex:
    """Accept male|female|other, 1|2|3, or Vietnamese nam|nữ|khác."""
    text = unicodedata.normalize("NFC", raw).strip().casefold() if isinstance(raw, str) else ""
    try:
        return _ACCEPTED[text]
    except KeyError:
        raise ValidationError(
            field,
            "unknown_sex",
            "must be male, female or other (or 1, 2, 3)",
            "phải là nam, nữ hoặc khác (hoặc 1, 2, 3)",
        ) from None
