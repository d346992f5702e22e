"""What a record looks like to the matcher: names split and folded, dates as parts.

Vietnamese names are family name first, given name last; the given name is the
strongest part. Regional surname variants (Hoàng/Huỳnh, Vũ/Võ) are one group.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from functools import lru_cache

from healthid.domain.birth_date import BirthDate
from healthid.domain.names import canonical_name, fold_diacritics

# Surnames written differently in the north and the south: one group each.
SURNAME_GROUPS = {"HUYNH": "HOANG", "VO": "VU"}


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """A person as the matcher compares them. Built by the caller from validated data.

    Slots, and the folded forms made once with the record: a sync compares each
    row with dozens of the million records it holds, and every attribute reached
    through a dictionary is another trip to memory.
    """

    key: str  # the person id, or the row's source key
    family: str  # canonical (tone-unified, upper case)
    middle: str  # the words between, possibly empty
    given: str
    birth_date: BirthDate
    sex: str
    cccd: str | None = None
    birth_province: str | None = None  # today's province code
    ward: str | None = None
    household: str | None = None  # the BHXH household code (MA_HO_GD): twins share it
    phone: str | None = None  # digits only, as the caller normalised it
    bhyt: str | None = None  # the BHYT card number
    family_folded: str = field(init=False)
    given_folded: str = field(init=False)
    surname_group: str = field(init=False)

    def __post_init__(self) -> None:
        # Made again by dataclasses.replace, so a replaced name never keeps stale forms.
        folded = fold_diacritics(self.family)
        object.__setattr__(self, "family_folded", folded)
        object.__setattr__(self, "given_folded", fold_diacritics(self.given))
        object.__setattr__(self, "surname_group", SURNAME_GROUPS.get(folded, folded))


# Names repeat (Zipf): every registration scores dozens of stored candidates, and
# canonicalising a name costs more than scoring it. Pure function, bounded cache.
@lru_cache(maxsize=65_536)
def split_name(full_name: str) -> tuple[str, str, str]:
    """Family, middle and given name of a canonical Vietnamese full name."""
    words = canonical_name(full_name).split()
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def match_record(
    *,
    key: str,
    full_name: str,
    birth_date: BirthDate,
    sex: str,
    cccd: str | None = None,
    birth_province: str | None = None,
    ward: str | None = None,
    household: str | None = None,
    phone: str | None = None,
    bhyt: str | None = None,
) -> MatchRecord:
    family, middle, given = split_name(full_name)
    return MatchRecord(
        key,
        family,
        middle,
        given,
        birth_date,
        sex,
        cccd or None,
        birth_province,
        ward or None,
        household or None,
        phone or None,
        bhyt or None,
    )


def date_variants(birth_date: BirthDate) -> set[str]:
    """The full date as written, and with day and month swapped when both could be a month."""
    if birth_date.day is None or birth_date.month is None:
        return set()
    variants = {birth_date.compact()}
    if birth_date.day <= 12 and birth_date.day != birth_date.month:
        with contextlib.suppress(ValueError):  # 31/02 is no date at all
            variants.add(BirthDate(birth_date.year, birth_date.day, birth_date.month).compact())
    return variants
