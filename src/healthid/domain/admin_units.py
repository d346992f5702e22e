"""Provinces and wards, each code with the version of the code list it belongs to.

Vietnam reorganised on 1 July 2025 (63 provinces became 34) and reused codes
with new meanings — 80 was Long An and is now Tây Ninh — so a code alone is
ambiguous: the registry always stores it with its ``CodeVersion``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class CodeVersion(StrEnum):
    LEGACY = "2008"  # the 63 provinces, in force from 1 August 2008 to 30 June 2025
    V2025 = "2025"  # the 34 provinces and their wards from 1 July 2025


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    version: CodeVersion


@dataclass(frozen=True)
class Ward:
    code: str
    name: str
    province_code: str
    version: CodeVersion


_PREFIXES = ("THANH PHO ", "TINH ", "TP. ", "TP.", "TP ")


def fold_place_name(text: str) -> str:
    """A place name without diacritics, case, administrative prefix or extra spaces."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()
    folded = " ".join(folded.replace("-", " ").split())
    for prefix in _PREFIXES:
        if folded.startswith(prefix):
            return " ".join(folded[len(prefix) :].split())
    return folded
