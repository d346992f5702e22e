"""A Fellegi–Sunter model: match weights per comparison level, and the decision they lead to.

weight(level) = log2(m / u), where m is how often true duplicates show that level
and u how often different people do. A given name that agrees exactly is
weighed by how common that name is (term-frequency adjustment): two "HÙNG"s
say less than two "KHUÊ"s. The model's numbers live in ``model.json`` beside
this file.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property
from importlib import resources
from typing import Any

from healthid.domain.names import fold_diacritics
from healthid.matching.comparisons import (
    compare_birth_date,
    compare_family,
    comparison_vector,
)
from healthid.matching.frequencies import FLOORS, Frequencies, given_share
from healthid.matching.normalise import MatchRecord
from healthid.matching.rules import hard_rule, reviewable, year_only

MODEL_FILE = "model.json"

# The population the registry will hold: Vietnam's, about 100 million people. The
# prior is taken for it, not for the rows loaded so far, so that a first load of
# 100,000 people is not judged as if they were the whole country.
NATIONAL_POPULATION = 100_000_000
# The chance that two different people's records carry one CCCD (or one BHYT card):
# numbers are unique by law, so only a clerk's error can make them meet — say one
# record in a thousand holding another person's number, among 100 million people.
IDENTIFIER_U = 1e-10
# The same for a telephone number outside one household (numbers are reused, shared
# by relatives), and how often one person's two records give the same number.
PHONE_U = 1e-6
PHONE_M = 0.5

# Automatic merges from a posterior of 0.995 at the national prior; review from
# 0.001 (10 bits below even odds). At national scale most duplicates without a
# CCCD are honestly uncertain (a common name, a year, a province: hundreds of
# namesakes), so a person must see them or they are lost: at 0.5 a fifth of the
# synthetic duplicates were. Review pairs of distinct people stay near one per
# thousand people at a million (docs/benchmarks.md, bench/no_duplicates.py).
MATCH_THRESHOLD = 0.995
REVIEW_THRESHOLD = 0.001

# The comparisons that cost next to nothing, the most telling first: enough to rule
# out most candidates of a broad block before the names are compared (``may_review``
# makes them in this order, unrolled).
_CHEAP = ("cccd", "birth_date", "family", "birth_province", "ward")
# Slack against rounding: the bound below is summed in another order than the score.
_EPSILON = 1e-9


class Decision(StrEnum):
    MATCH = "match"  # the same person: link to them
    REVIEW = "review"  # a person must decide
    NEW = "new"  # a different person


@dataclass(frozen=True)
class Scored:
    """A compared pair, with the weights that explain the score."""

    a: str
    b: str
    probability: float
    weights: dict[str, float]
    levels: dict[str, str]
    decision: Decision
    blocked_by: str | None = None  # the hard rule that forbade an automatic match
    # Other people of the population expected to share the pair's full name and
    # birth year: how much a name and a year alone can say (0 when not computed).
    namesakes: float = 0.0
    population: int = 0  # the population the prior was taken for
    prior: float = 0.0  # its log2 prior odds: with the weights, the whole score

    @property
    def rule(self) -> str | None:
        return self.blocked_by

    def evidence(self) -> dict[str, tuple[str, float]]:
        """Each comparison's level and weight (log2), as a review pair or a merge keeps them."""
        return {name: (self.levels[name], round(w, 3)) for name, w in self.weights.items()}


@dataclass(frozen=True)
class Model:
    prior: float  # probability that two random records are one person, at reference_size
    reference_size: int
    m: dict[str, dict[str, float]]
    u: dict[str, dict[str, float]]
    given_tf: dict[str, float] = field(default_factory=dict)
    match_threshold: float = MATCH_THRESHOLD
    review_threshold: float = REVIEW_THRESHOLD
    source: str = ""
    population: int = NATIONAL_POPULATION  # the least population the prior is taken for
    names: Frequencies = field(default_factory=Frequencies)
    identifier_u: float = IDENTIFIER_U

    @classmethod
    def load(cls, data: dict[str, Any] | None = None) -> Model:
        """The packaged model, or one from ``data`` (as ``to_json`` writes it)."""
        if data is None:
            text = resources.files("healthid.matching").joinpath(MODEL_FILE).read_text("utf-8")
            return cls.load(json.loads(text))
        return cls(
            prior=float(data["prior"]),
            reference_size=int(data["reference_size"]),
            m=data["m"],
            u=data["u"],
            given_tf=data.get("given_tf", {}),
            match_threshold=float(data["thresholds"].get("match", cls.match_threshold)),
            review_threshold=float(data["thresholds"]["review"]),
            source=str(data.get("source", "")),
            population=int(data.get("population", NATIONAL_POPULATION)),
            names=Frequencies.from_json(data.get("frequencies")),
            identifier_u=float(data.get("identifier_u", IDENTIFIER_U)),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "prior": self.prior,
            "reference_size": self.reference_size,
            "population": self.population,
            "identifier_u": self.identifier_u,
            "thresholds": {"match": self.match_threshold, "review": self.review_threshold},
            "m": self.m,
            "u": self.u,
            "given_tf": self.given_tf,
            "frequencies": self.names.to_json(),
        }

    def for_population(self, population: int) -> Model:
        """This model for a registry that will hold ``population`` people (configurable)."""
        return replace(self, population=max(population, 2))

    def weight(self, comparison: str, level: str, value: str | None = None) -> float:
        """A level's weight; for an agreeing given name, weighed by how common ``value`` is."""
        if comparison == "given" and level in {"exact", "folded"} and value is not None:
            # A name not counted weighs as an average one (the exact level's u, for both
            # levels: a name with or without its marks is no rarer than the name).
            unknown = self.u["given"]["exact"]
            return math.log2(self.m["given"][level] / given_share(self.given_tf, value, unknown))
        return math.log2(self.m[comparison][level] / self.u[comparison][level])

    def judged_for(self, population: int | None = None) -> int:
        """The population a pair is judged for: the registry's, or the one it will hold.

        A registry still filling up is judged for the population it will hold
        (``self.population``, the national one by default): a merge made today
        must still be right when everyone is registered.
        """
        return max(population or 0, self.population)

    def prior_log_odds(self, population: int | None = None) -> float:
        """log2 of the prior odds for a registry of ``population`` records (default: the model's).

        Each person has about the same chance of a duplicate whatever the size,
        so the chance that a random pair is one person falls as 1/population.
        ``score`` takes it for ``judged_for(population)``; an estimate of the
        weights on the registry (EM) or a generous pre-filter takes it as given.
        """
        size = max(population or self.population, 2)
        prior = min(self.prior * self.reference_size / size, 0.5)
        return math.log2(prior / (1 - prior))

    @cached_property
    def _present(self) -> dict[str, dict[str, float]]:
        """m of each level among pairs where both records hold the value."""
        return {
            c: {level: m / (1 - levels.get("missing", 0.0)) for level, m in levels.items()}
            for c, levels in self.m.items()
        }

    @cached_property
    def _weights(self) -> dict[str, dict[str, float]]:
        """Every level's weight from the average u: what ``score`` uses unless a term's share."""
        return {c: {level: self.weight(c, level) for level in self.m[c]} for c in self.m}

    def _term(self, comparison: str, level: str, share: float) -> float:
        """The weight of agreeing on a value that ``share`` of people hold."""
        return math.log2(self._present[comparison][level] / share)

    def weights_of(
        self, a: MatchRecord, b: MatchRecord, levels: dict[str, str]
    ) -> dict[str, float]:
        """Each comparison's weight, the agreeing ones weighed by how common the value is."""
        names, average = self.names, self._weights
        weights = {name: average[name][level] for name, level in levels.items()}
        given = levels["given"]
        if given in {"exact", "folded"}:
            weights["given"] = self.weight("given", given, a.given_folded)
        if levels["family"] == "exact":
            weights["family"] = self._term("family", "exact", names.family_share(a.surname_group))
        if levels["middle"] == "exact":
            share = names.middle_share(fold_diacritics(a.middle), a.given_folded)
            weights["middle"] = self._term("middle", "exact", share)
        date = levels["birth_date"]
        if date in {"exact", "swap", "compatible"}:
            share = names.year_share(a.birth_date.year)
            if date != "compatible":
                share /= 365  # the same day of that year
            elif a.birth_date.month is not None and b.birth_date.month is not None:
                share /= 12  # the same month, one record without the day
            weights["birth_date"] = self._term("birth_date", date, share)
        if levels["birth_province"] == "equal" and a.birth_province:
            share = names.province_share(a.birth_province)
            weights["birth_province"] = self._term("birth_province", "equal", share)
        if levels["cccd"] == "equal":
            weights["cccd"] = self._term("cccd", "equal", self.identifier_u)
        return weights

    def _identifiers(
        self, a: MatchRecord, b: MatchRecord, levels: dict[str, str], weights: dict[str, float]
    ) -> None:
        """The BHYT card and the phone, compared and weighed when both records have them."""
        if a.bhyt and b.bhyt:
            levels["bhyt"] = "equal" if a.bhyt == b.bhyt else "else"
            # Two SI numbers mean two cards: a different card says nothing.
            weights["bhyt"] = self._bhyt_equal if a.bhyt == b.bhyt else 0.0
        if a.phone and b.phone:
            levels["phone"] = "equal" if a.phone == b.phone else "else"
            weights["phone"] = _PHONE_EQUAL if a.phone == b.phone else _PHONE_ELSE

    @cached_property
    def _bhyt_equal(self) -> float:
        return math.log2(1 / self.identifier_u)

    def namesakes(self, record: MatchRecord, population: int | None = None) -> float:
        """People of the population expected to share ``record``'s full name and birth year."""
        names = self.names
        share = names.family_share(record.surname_group) * given_share(
            self.given_tf, record.given_folded, self.u["given"]["exact"]
        )
        if record.middle:
            share *= names.middle_share(fold_diacritics(record.middle), record.given_folded)
        return self.judged_for(population) * share * names.year_share(record.birth_date.year)

    @cached_property
    def _best(self) -> dict[str, float]:
        """Each comparison's highest possible weight, shares of rare values included."""
        best = {c: max(levels.values()) for c, levels in self._weights.items()}
        floors, present = FLOORS, self._present
        rare = {
            "given": math.log2(
                max(self.m["given"]["exact"], self.m["given"]["folded"]) / floors["given"]
            ),
            "family": math.log2(present["family"]["exact"] / floors["family"]),
            "middle": math.log2(present["middle"]["exact"] / floors["middle"]),
            "birth_date": math.log2(
                max(present["birth_date"][d] for d in ("exact", "swap", "compatible"))
                * 365
                / floors["year"]
            ),
            "birth_province": math.log2(present["birth_province"]["equal"] / floors["province"]),
            "cccd": math.log2(present["cccd"]["equal"] / self.identifier_u),
        }
        for name, weight in rare.items():
            best[name] = max(best[name], weight)
        best["bhyt"] = self._bhyt_equal
        best["phone"] = _PHONE_EQUAL
        return best

    @cached_property
    def _best_total(self) -> float:
        return sum(self._best.values())

    @cached_property
    def _review_need(self) -> dict[int | None, float]:
        """Log-odds a pair must reach for review, less the prior, by population size."""
        return {}

    def may_review(self, a: MatchRecord, b: MatchRecord, population: int | None = None) -> bool:
        """False only when ``score`` is sure to decide NEW: an exact, cheap test first.

        The cheap comparisons are made one by one; as soon as even the best
        levels of all the others could not lift the pair to the review
        threshold, the pair is a different person and the names need no look.
        Each level counts with the most it can weigh, whatever the value.
        """
        need = self._review_need.get(population)
        if need is None:  # once per population size: this runs for every candidate
            threshold = self.review_threshold
            prior = self.prior_log_odds(self.judged_for(population))
            need = math.log2(threshold / (1 - threshold)) - prior
            need -= _EPSILON
            self._review_need[population] = need
        total = self._best_total
        # Unrolled, in the order of _CHEAP (compare_optional inlined): a sync of a million rows
        # runs this tens of millions of times, and a loop of calls costs twice as much.
        cccd, birth_date, family, province, ward, bhyt, phone = self._cheap_shortfalls
        x, y = a.cccd, b.cccd
        total += cccd["missing" if not x or not y else "equal" if x == y else "else"]
        if total < need:
            return False
        total += birth_date[compare_birth_date(a.birth_date, b.birth_date)]
        if total < need:
            return False
        total += family[compare_family(a, b)]
        if total < need:
            return False
        x, y = a.birth_province, b.birth_province
        total += province["missing" if not x or not y else "equal" if x == y else "else"]
        if total < need:
            return False
        x, y = a.ward, b.ward
        total += ward["missing" if not x or not y else "equal" if x == y else "else"]
        x, y = a.bhyt, b.bhyt
        total += bhyt["missing" if not x or not y else "equal" if x == y else "else"]
        x, y = a.phone, b.phone
        total += phone["missing" if not x or not y else "equal" if x == y else "else"]
        return total >= need

    @cached_property
    def _cheap_shortfalls(self) -> tuple[dict[str, float], ...]:
        """For each cheap comparison, by level: how far its most falls short of the best."""
        best = self._best
        bound = {
            name: {level: w - best[name] for level, w in self._weights[name].items()}
            for name in _CHEAP
        }
        # Levels weighed by a term's share can weigh up to the comparison's best.
        for name, level in (
            ("cccd", "equal"),
            ("birth_date", "exact"),
            ("birth_date", "swap"),
            ("birth_date", "compatible"),
            ("family", "exact"),
            ("birth_province", "equal"),
        ):
            bound[name][level] = 0.0
        bound["bhyt"] = {"missing": -best["bhyt"], "equal": 0.0, "else": -best["bhyt"]}
        bound["phone"] = {
            "missing": -best["phone"],
            "equal": 0.0,
            "else": _PHONE_ELSE - best["phone"],
        }
        return tuple(bound[name] for name in (*_CHEAP, "bhyt", "phone"))

    def score(self, a: MatchRecord, b: MatchRecord, population: int | None = None) -> Scored:
        levels = comparison_vector(a, b)
        weights = self.weights_of(a, b, levels)
        self._identifiers(a, b, levels, weights)
        judged_for = self.judged_for(population)
        prior = self.prior_log_odds(judged_for)
        total = prior + sum(weights.values())
        probability = 1 / (1 + 2 ** (-total))
        namesakes = 0.0
        if year_only(a, b, levels):
            namesakes = self.namesakes(a if a.middle else b, population)
        rule = hard_rule(a, b, levels, namesakes_of_year=namesakes)
        decision = self.decide(probability, rule)
        if decision == Decision.REVIEW and rule is not None:
            # Even odds for the registry's own size (given only by a whole-registry pass).
            now = population is not None and total - prior + self.prior_log_odds(population) >= 0
            if not reviewable(a, b, levels, rule, likely_now=now):
                decision = Decision.NEW
        return Scored(
            a.key,
            b.key,
            probability,
            weights,
            levels,
            decision,
            rule,
            namesakes,
            judged_for,
            prior,
        )

    def decide(self, probability: float, rule: str | None) -> Decision:
        if probability >= self.match_threshold and rule is None:
            return Decision.MATCH
        if probability >= self.review_threshold:
            return Decision.REVIEW
        return Decision.NEW


_PHONE_EQUAL = math.log2(PHONE_M / PHONE_U)
_PHONE_ELSE = math.log2(1 - PHONE_M)  # people change numbers: weak evidence against


# A record that scores as a sure match with two people cannot be both of them.
AMBIGUOUS = "ambiguous"


def settle_ambiguous(pairs: Iterable[Scored]) -> list[Scored]:
    """``pairs`` with every automatic match of an ambiguous record turned into a review.

    When one record matches two others above the threshold (two Nguyễn Văn Hùng
    born the same year in one ward, and a record without a middle name or full
    date), picking the likelier would be a guess: a person decides.
    """
    pairs = list(pairs)
    matches = Counter(key for p in pairs if p.decision == Decision.MATCH for key in (p.a, p.b))
    return [
        replace(p, decision=Decision.REVIEW, blocked_by=AMBIGUOUS)
        if p.decision == Decision.MATCH and (matches[p.a] > 1 or matches[p.b] > 1)
        else p
        for p in pairs
    ]


def best_of(scored: Iterable[Scored]) -> Scored | None:
    """The likeliest pair that is not NEW, after ``settle_ambiguous``; None if none is."""
    found = [s for s in scored if s.decision != Decision.NEW]
    if len(found) > 1:  # one pair alone cannot be ambiguous
        found = settle_ambiguous(found)
    return max(found, key=lambda s: s.probability, default=None)
