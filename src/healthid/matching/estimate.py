"""Estimate a model's m and u from labelled records (synthetic truth), and find candidates.

m: among pairs of records of the same person, how often each level occurs.
u: among random pairs of different people, the same. ``prior`` is the chance
that a random pair is one person. This bootstraps the packaged model; an EM
re-estimation on the registry's own unlabelled data replaces it in production.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from healthid.matching.comparisons import comparison_vector
from healthid.matching.model import Model
from healthid.matching.normalise import MatchRecord

LEVELS = {
    "given": ["exact", "folded", "similar", "else"],
    "family": ["exact", "variant", "else"],
    "middle": ["exact", "similar", "missing", "else"],
    "birth_date": ["exact", "swap", "compatible", "year", "year_close", "else"],
    "cccd": ["equal", "missing", "else"],
    "birth_province": ["equal", "missing", "else"],
    "ward": ["equal", "missing", "else"],
}


def candidate_pairs(
    records: list[MatchRecord], keys: dict[str, set[str]]
) -> Iterator[tuple[int, int]]:
    """Every pair of records sharing a blocking key, once."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        for key in keys[record.key]:
            blocks[key].append(i)
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                pair = (members[x], members[y])
                if pair not in seen:
                    seen.add(pair)
                    yield pair


def _frequencies(vectors: Iterable[dict[str, str]]) -> dict[str, dict[str, float]]:
    counts: dict[str, Counter[str]] = {name: Counter() for name in LEVELS}
    total = 0
    for vector in vectors:
        total += 1
        for name, level in vector.items():
            counts[name][level] += 1
    # Add-one smoothing: no level is impossible, so no weight is infinite.
    return {
        name: {level: (counts[name][level] + 1) / (total + len(levels)) for level in levels}
        for name, levels in LEVELS.items()
    }


def estimate(
    records: list[MatchRecord],
    person_of: dict[str, str],
    *,
    seed: int = 1,
    random_pairs: int = 200_000,
    source: str = "",
) -> Model:
    by_person: dict[str, list[MatchRecord]] = defaultdict(list)
    for record in records:
        by_person[person_of[record.key]].append(record)
    true_pairs = [
        (group[i], group[j])
        for group in by_person.values()
        for i in range(len(group))
        for j in range(i + 1, len(group))
    ]
    rng = random.Random(seed)  # noqa: S311 - sampling pairs, not making secrets
    others: list[tuple[MatchRecord, MatchRecord]] = []
    while len(others) < random_pairs:
        a, b = rng.choice(records), rng.choice(records)
        if person_of[a.key] != person_of[b.key]:
            others.append((a, b))
    m = _frequencies(comparison_vector(a, b) for a, b in true_pairs)
    u = _frequencies(comparison_vector(a, b) for a, b in others)
    n = len(records)
    given = Counter(r.given_folded for r in records)
    return Model(
        prior=len(true_pairs) / (n * (n - 1) / 2),
        reference_size=n,
        m=m,
        u=u,
        given_tf={name: count / n for name, count in given.items() if count / n > 0.001},
        source=source,
    )
