"""How common a value is in the population the registry will hold: the u of a term.

Two different people agree on a value about as often as that value is common:
two Nguyễns agree far more often than two Tạs, two people born in 1985 more
often than two born in 1935, a Văn before Hùng is the rule, before Khuê a
surprise. These shares replace the model's average u for the levels where the
value is known (term-frequency adjustment), and together give the expected
number of namesakes of a person: how many other people of the national
population share their full name and birth year (or date).

Shares are of people, counted on a reference population (the packaged model:
scripts/fit_match_model.py); a value not counted gets a floor, which is the
share of a rare value, never zero, so no single agreement can weigh without bound.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from healthid.domain.names import fold_diacritics
from healthid.matching.normalise import MatchRecord

# Floors: the share of a value the reference population did not count (or counted
# too rarely to trust). A Vietnamese family name outside the commonest 30 is about
# 0.1–0.3 % of people; a given name outside the commonest 200 less than 0.1 %.
FLOORS = {"family": 0.002, "given": 0.001, "middle": 0.02, "year": 0.002, "province": 0.005}
# Counts below this are noise at the reference size: the floor is used instead.
MIN_COUNT = 20


@dataclass(frozen=True)
class Frequencies:
    """Shares of values among people; ``middle`` is P(middle name | given name)."""

    family: dict[str, float] = field(default_factory=dict)  # surname group -> share
    # "MIDDLE|GIVEN" (folded) -> P(middle | given); "MIDDLE|*" -> P(middle) among all
    middle: dict[str, float] = field(default_factory=dict)
    years: dict[str, float] = field(default_factory=dict)  # birth year (as text) -> share
    provinces: dict[str, float] = field(default_factory=dict)  # birth province -> share

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Frequencies:
        data = data or {}
        return cls(
            family=dict(data.get("family", {})),
            middle=dict(data.get("middle", {})),
            years=dict(data.get("years", {})),
            provinces=dict(data.get("provinces", {})),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "middle": self.middle,
            "years": self.years,
            "provinces": self.provinces,
        }

    def family_share(self, group: str) -> float:
        return max(self.family.get(group, 0.0), FLOORS["family"])

    def middle_share(self, middle_folded: str, given_folded: str) -> float:
        """P(middle | given); for a pair not counted, the middle name's share overall."""
        share = self.middle.get(f"{middle_folded}|{given_folded}")
        if share is None:
            share = self.middle.get(f"{middle_folded}|*", 0.0)
        return max(share, FLOORS["middle"])

    def year_share(self, year: int) -> float:
        return max(self.years.get(str(year), 0.0), FLOORS["year"])

    def province_share(self, code: str) -> float:
        return max(self.provinces.get(code, 0.0), FLOORS["province"])


def given_share(given_tf: dict[str, float], given_folded: str, unknown: float) -> float:
    """The share of a given name: counted, or ``unknown`` for a name the count does not hold.

    A name the reference population lacks is not thereby rare (a register of real
    people holds hundreds the reference never drew): it weighs as an average name.
    """
    share = given_tf.get(given_folded)
    return unknown if share is None else max(share, FLOORS["given"])


def count(records: Iterable[MatchRecord]) -> tuple[Frequencies, dict[str, float]]:
    """The shares in ``records`` (one per person): the tables and the given-name shares."""
    family: Counter[str] = Counter()
    given: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    years: Counter[str] = Counter()
    provinces: Counter[str] = Counter()
    n = 0
    for r in records:
        n += 1
        family[r.surname_group] += 1
        given[r.given_folded] += 1
        if r.middle:
            pairs[f"{fold_diacritics(r.middle)}|{r.given_folded}"] += 1
        years[str(r.birth_date.year)] += 1
        if r.birth_province:
            provinces[r.birth_province] += 1
    with_middle: dict[str, int] = defaultdict(int)
    for key, c in pairs.items():
        with_middle[key.rsplit("|", 1)[1]] += c
    middles: Counter[str] = Counter()
    for key, c in pairs.items():
        middles[f"{key.rsplit('|', 1)[0]}|*"] += c
    placed = sum(provinces.values()) or 1
    tables = Frequencies(
        family={k: c / n for k, c in family.items() if c >= MIN_COUNT},
        middle={
            **{k: c / with_middle[k.rsplit("|", 1)[1]] for k, c in pairs.items() if c >= MIN_COUNT},
            **{k: c / sum(middles.values()) for k, c in middles.items() if c >= MIN_COUNT},
        },
        years={k: c / n for k, c in years.items() if c >= MIN_COUNT},
        provinces={k: c / placed for k, c in provinces.items() if c >= MIN_COUNT},
    )
    return tables, {k: c / n for k, c in given.items() if c >= MIN_COUNT}
