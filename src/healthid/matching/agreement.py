"""Does what a caller states agree with the registry's record of a person?

Not duplicate detection: the identifier already names one person, and the question
is whether the caller could state who that is — as a patient in front of a
reception desk would (Australia's Healthcare Identifiers Service works this way).
Tolerant of how people write (no marks, a regional surname variant, a middle name
left out, a year-only birth date), strict on what they would not get wrong.
"""

from __future__ import annotations

from healthid.matching.comparisons import (
    compare_birth_date,
    compare_family,
    compare_given,
    compare_middle,
)
from healthid.matching.normalise import MatchRecord

GIVEN_AGREES = frozenset({"exact", "folded", "similar"})
FAMILY_AGREES = frozenset({"exact", "variant"})
MIDDLE_AGREES = frozenset({"exact", "similar", "missing"})
# "compatible": one side knows only the year (or year and month) and it agrees.
BIRTH_DATE_AGREES = frozenset({"exact", "compatible", "swap"})


def states_the_same_person(stored: MatchRecord, stated: MatchRecord) -> bool:
    """Whether ``stated`` (the caller's words) describes the person ``stored`` is."""
    return (
        stored.sex == stated.sex
        and compare_given(stored, stated) in GIVEN_AGREES
        and compare_family(stored, stated) in FAMILY_AGREES
        and compare_middle(stored, stated) in MIDDLE_AGREES
        and compare_birth_date(stored.birth_date, stated.birth_date) in BIRTH_DATE_AGREES
    )
