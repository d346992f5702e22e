"""Hard rules: reasons no score may merge two records automatically, whatever it says.

A false merge (two people sharing one Health ID) is the worst error the
registry can make, and at national scale coincidences are counted in hundreds
of thousands: these rules are what a reviewer would insist on. A pair a rule
holds back goes to a person if its score reaches review, never to a merge.
"""

from __future__ import annotations

from healthid.matching.normalise import MatchRecord

DIFFERENT_CCCD = "different_cccd"
DIFFERENT_SEX = "different_sex"
DIFFERENT_FAMILY_NAME = "different_family_name"
TWINS = "twins"
DIFFERENT_MIDDLE_NAME = "different_middle_name"
COMMON_NAME_YEAR_ONLY = "common_name_year_only"

# A name and birth year are "common" when the national population is expected to
# hold at least one other person with both: a year alone then cannot tell them apart.
COMMON_NAMESAKES = 1.0


def identifiers_agree(a: MatchRecord, b: MatchRecord) -> bool:
    """An identifier independent of the demographics is on both records and the same.

    A phone does not count within one household: parents give theirs for every child.
    """
    if a.cccd and a.cccd == b.cccd:
        return True
    if a.bhyt and a.bhyt == b.bhyt:
        return True
    same_household = a.household is not None and a.household == b.household
    return bool(a.phone and a.phone == b.phone and not same_household)


def whole_name_agrees(levels: dict[str, str], a: MatchRecord, b: MatchRecord) -> bool:
    """Family, middle and given name the same (marks and regional variants aside)."""
    if levels["given"] not in {"exact", "folded"} or levels["family"] == "else":
        return False
    return levels["middle"] == "exact" or (not a.middle and not b.middle)


def year_only(a: MatchRecord, b: MatchRecord, levels: dict[str, str]) -> bool:
    """The birth dates agree on the year and one of them holds nothing more."""
    return levels["birth_date"] == "compatible" and (
        a.birth_date.month is None or b.birth_date.month is None
    )


def reviewable(
    a: MatchRecord, b: MatchRecord, levels: dict[str, str], rule: str | None, *, likely_now: bool
) -> bool:
    """Whether a person could decide this pair: False sends it to NEW, not the review queue.

    A common name with a birth year only, no identifier and no shared home (ward or
    household) is hundreds of people at national scale: a reviewer would see two
    records as alike as any two of those namesakes, and the queue would fill with
    them (four in five review pairs of a million distinct people). It is queued only
    if it is ``likely_now``: even odds in the registry as it stands, whose namesakes
    are few enough for a reviewer to tell apart. A merge, which must hold when
    everyone is registered, is never made on it (the rule).
    """
    if rule != COMMON_NAME_YEAR_ONLY or likely_now:
        return True
    return levels["ward"] == "equal" or (a.household is not None and a.household == b.household)


def hard_rule(
    a: MatchRecord, b: MatchRecord, levels: dict[str, str], *, namesakes_of_year: float = 0.0
) -> str | None:
    """The first rule that forbids merging ``a`` and ``b`` automatically, or None.

    ``namesakes_of_year``: how many other people of the national population are
    expected to share the pair's full name and birth year.
    """
    found = _whatever_the_identifiers(a, b, levels)
    if found is None and not identifiers_agree(a, b):
        # Without an identifier to say who they are, the demographics must.
        found = _without_an_identifier(a, b, levels, namesakes_of_year)
    return found


def _whatever_the_identifiers(a: MatchRecord, b: MatchRecord, levels: dict[str, str]) -> str | None:
    if levels["cccd"] == "else":
        return DIFFERENT_CCCD
    if {a.sex, b.sex} == {"male", "female"}:
        return DIFFERENT_SEX
    if levels["family"] == "else":
        # Family names do not change at marriage in Vietnam; beyond the regional
        # variants, a different one is a different person or a typo to look at.
        return DIFFERENT_FAMILY_NAME
    return None


def _without_an_identifier(
    a: MatchRecord, b: MatchRecord, levels: dict[str, str], namesakes_of_year: float
) -> str | None:
    if (
        a.household
        and a.household == b.household
        and a.birth_date == b.birth_date
        and not whole_name_agrees(levels, a, b)
    ):
        # Two children of one household born the same day are twins, even when they
        # share a given name (Nguyễn Văn An, Nguyễn Minh An), unless a CCCD or card says
        # they are one child written twice (a shared phone is the parents').
        return TWINS
    if levels["middle"] in {"else", "similar"}:
        # Both written, and different after folding the marks: Thanh and Phương are two
        # names, and a one-letter difference is no typo to forgive (marks are folding's).
        return DIFFERENT_MIDDLE_NAME
    if year_only(a, b, levels) and namesakes_of_year >= COMMON_NAMESAKES:
        # Nguyễn Văn Hùng born in 1950 is hundreds of people in Vietnam: a year
        # cannot say which, whatever the rest of the score.
        return COMMON_NAME_YEAR_ONLY
    return None
