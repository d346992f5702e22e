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

from healthid.matching.comparisons import (
    compare_birth_date,
    compare_family,
    comparison_vector,
)
from healthid.matching.normalise import MatchRecord

MODEL_FILE = "model.json"


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


@dataclass(frozen=True)
class Model:
    prior: float  # probability that two random records are one person, at reference_size
    reference_size: int
    m: dict[str, dict[str, float]]
    u: dict[str, dict[str, float]]
    given_tf: dict[str, float] = field(default_factory=dict)
    match_threshold: float = 0.995
    review_threshold: float = 0.5
    source: str = ""

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
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "prior": self.prior,
            "reference_size": self.reference_size,
            "thresholds": {"match": self.match_threshold, "review": self.review_threshold},
            "m": self.m,
            "u": self.u,
            "given_tf": self.given_tf,
        }

    def weight(self, comparison: str, level: str, value: str | None = None) -> float:
        m = self.m[comparison][level]
        u = self.u[comparison][level]
        if comparison == "given" and level in {"exact", "folded"} and value in self.given_tf:
            u = max(self.given_tf[value], 1e-6)
        return math.log2(m / u)

    def prior_log_odds(self, population: int | None = None) -> float:
        """log2 of the prior odds for a registry of ``population`` records.

        Each person has about the same chance of a duplicate whatever the size,
        so the chance that a random pair is one person falls as 1/population.
        """
        scale = self.reference_size / max(population or self.reference_size, 2)
        prior = min(self.prior * scale, 0.5)
        return math.log2(prior / (1 - prior))

    @cached_property
    def _weights(self) -> dict[str, dict[str, float]]:
        return {c: {level: self.weight(c, level) for level in self.m[c]} for c in self.m}

    @cached_property
    def _best(self) -> dict[str, float]:
        """Each comparison's highest weight, name frequencies included."""
        best = {c: max(levels.values()) for c, levels in self._weights.items()}
        rare = [
            self.weight("given", level, v) for level in ("exact", "folded") for v in self.given_tf
        ]
        best["given"] = max([best["given"], *rare])
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
        """
        need = self._review_need.get(population)
        if need is None:  # once per population size: this runs for every candidate
            threshold = self.review_threshold
            need = math.log2(threshold / (1 - threshold)) - self.prior_log_odds(population)
            need -= _EPSILON
            self._review_need[population] = need
        total = self._best_total
        # Unrolled, in the order of _CHEAP (compare_optional inlined): a sync of a million rows
        # runs this tens of millions of times, and a loop of calls costs twice as much.
        cccd, birth_date, family, province, ward = self._cheap_shortfalls
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
        return total >= need

    @cached_property
    def _cheap_shortfalls(self) -> tuple[dict[str, float], ...]:
        """For each cheap comparison, by level: how far its weight falls short of the best."""
        return tuple(
            {level: w - self._best[name] for level, w in self._weights[name].items()}
            for name in _CHEAP
        )

    def score(self, a: MatchRecord, b: MatchRecord, population: int | None = None) -> Scored:
        levels = comparison_vector(a, b)
        weights = {
            name: self.weight(name, level, a.given_folded if name == "given" else None)
            for name, level in levels.items()
        }
        total = self.prior_log_odds(population) + sum(weights.values())
        probability = 1 / (1 + 2 ** (-total))
        rule = hard_rule(a, b, levels)
        return Scored(
            a.key, b.key, probability, weights, levels, self.decide(probability, rule), rule
        )

    def decide(self, probability: float, rule: str | None) -> Decision:
        if probability >= self.match_threshold and rule is None:
            return Decision.MATCH
        if probability >= self.review_threshold:
            return Decision.REVIEW
        return Decision.NEW


def hard_rule(a: MatchRecord, b: MatchRecord, levels: dict[str, str]) -> str | None:
    """A reason no score may merge these two automatically, or None.

    A false merge (two people sharing one ID) is the worst outcome, so these
    hold whatever the weights say.
    """
    if levels["cccd"] == "else":
        return "different_cccd"
    if {a.sex, b.sex} == {"male", "female"}:
        return "different_sex"
    if levels["family"] == "else":
        # Family names do not change at marriage in Vietnam; beyond the regional
        # variants, a different one is a different person or a typo to look at.
        return "different_family_name"
    if (
        a.household
        and a.household == b.household
        and a.birth_date == b.birth_date
        and levels["given"] not in {"exact", "folded"}
    ):
        return "twins"
    return None


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
