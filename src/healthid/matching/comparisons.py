"""Comparison levels for a pair of records: how alike each field is, in named steps."""

from __future__ import annotations

from rapidfuzz.distance import JaroWinkler

from healthid.domain.birth_date import BirthDate
from healthid.domain.names import fold_diacritics
from healthid.matching.normalise import MatchRecord

SIMILAR_NAME = 0.88


def _name(a: str, b: str, a_folded: str, b_folded: str) -> str:
    if a == b:
        return "exact"
    if a_folded == b_folded:
        return "folded"  # the same name with or without its marks
    if JaroWinkler.similarity(a_folded, b_folded) >= SIMILAR_NAME:
        return "similar"
    return "else"


def compare_given(a: MatchRecord, b: MatchRecord) -> str:
    return _name(a.given, b.given, a.given_folded, b.given_folded)


# Family and middle names are compared without their marks: a record typed
# without diacritics loses them on every word at once, and counting that once
# (on the given name) keeps the evidence independent, as the model assumes.


def compare_family(a: MatchRecord, b: MatchRecord) -> str:
    if a.family_folded == b.family_folded:
        return "exact"
    return "variant" if a.surname_group == b.surname_group else "else"


def compare_middle(a: MatchRecord, b: MatchRecord) -> str:
    if not a.middle or not b.middle:
        return "missing"  # often left out on one record
    folded_a, folded_b = fold_diacritics(a.middle), fold_diacritics(b.middle)
    if folded_a == folded_b:
        return "exact"
    return "similar" if JaroWinkler.similarity(folded_a, folded_b) >= SIMILAR_NAME else "else"


def compare_birth_date(a: BirthDate, b: BirthDate) -> str:
    # Field by field, not through date_variants: every candidate of every row
    # comes through here (a sync compares hundreds of millions of pairs).
    if a.year != b.year:
        return "year_close" if abs(a.year - b.year) == 1 else "else"
    if a.month == b.month and a.day == b.day:
        return "exact" if a.day else "compatible"
    if a.day and b.day and a.day == b.month and a.month == b.day:
        return "swap"  # day and month written the other way round
    if a.month is None or b.month is None:
        return "compatible"  # one record knows only the year
    if a.month == b.month and (a.day is None or b.day is None):
        return "compatible"
    return "year"


def compare_optional(a: str | None, b: str | None) -> str:
    if not a or not b:
        return "missing"
    return "equal" if a == b else "else"


def comparison_vector(a: MatchRecord, b: MatchRecord) -> dict[str, str]:
    """The level of every comparison the model scores."""
    return {
        "given": compare_given(a, b),
        "family": compare_family(a, b),
        "middle": compare_middle(a, b),
        "birth_date": compare_birth_date(a.birth_date, b.birth_date),
        "cccd": compare_optional(a.cccd, b.cccd),
        "birth_province": compare_optional(a.birth_province, b.birth_province),
        "ward": compare_optional(a.ward, b.ward),
    }
