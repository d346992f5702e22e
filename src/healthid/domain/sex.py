"""Sex as BHXH records it (GIOI_TINH): 1 male, 2 female, 3 other / not determined."""

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
        """The BHXH code: "1", "2" or "3"."""
        return _CODES[self]


_CODES = {Sex.MALE: "1", Sex.FEMALE: "2", Sex.OTHER: "3"}

# Keys are NFC and case-folded. "nu" and "khac" are how nữ and khác arrive from
# keyboards or exports that drop diacritics; nothing else is guessed.
_ACCEPTED = {
    "male": Sex.MALE, "1": Sex.MALE, "nam": Sex.MALE,
    "female": Sex.FEMALE, "2": Sex.FEMALE, "nữ": Sex.FEMALE, "nu": Sex.FEMALE,
    "other": Sex.OTHER, "3": Sex.OTHER, "khác": Sex.OTHER, "khac": Sex.OTHER,
}  # fmt: skip


def parse_sex(raw: str, *, field: str = "sex") -> Sex:
    """Accept male|female|other, 1|2|3 or nam|nữ|nu|khác, in any case, NFC or NFD."""
    text = raw if isinstance(raw, str) else ""  # the boundary may hand us JSON numbers
    # Case-fold between two NFC passes: folding can decompose, and the keys are NFC.
    key = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold()).strip()
    sex = _ACCEPTED.get(key)
    if sex is None:
        raise ValidationError(
            field,
            "unknown_sex",
            "must be male, female or other (or 1, 2, 3; nam, nữ, khác)",
            "phải là nam, nữ hoặc khác (hoặc 1, 2, 3; male, female, other)",
        )
    return sex
