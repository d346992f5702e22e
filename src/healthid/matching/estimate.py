"""Estimate a model's m and u from labelled records (synthetic truth), and find candidates.

m: among pairs of records of the same person, how often each level occurs.
u: among random pairs of different people, the same. ``prior`` is the chance
that a random pair is one person. This bootstraps the packaged model; an EM
re-estimation on the registry's own unlabelled data replaces it in production.

A value missing on one record says nothing about whether two records are one
person, whatever the synthetic duplicates' errors suggest (they drop the CCCD
and the middle name more often than first records do): each "missing" level
gets m = u, a weight of zero, and the other levels keep their shares among
pairs where both records hold the value. The shares of names, birth years and
birth provinces (``frequencies``) come from a population of distinct people.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from healthid.matching.comparisons import comparison_vector
from healthid.matching.frequencies import Frequencies, count
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


# The least share of pairs with a value missing: a field the reference population
# always fills (the ward, the birthplace) is often empty in a registry, and an EM
# re-estimation (``healthid train``) cannot move a level from nothing.
MISSING_FLOOR = 0.001


def neutral_missing(
    m: dict[str, dict[str, float]], u: dict[str, dict[str, float]]
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """``m`` and ``u`` with every "missing" level equally likely in both (weight 0)."""
    out_m, out_u = {}, {}
    for name, levels in m.items():
        if "missing" not in levels:
            out_m[name], out_u[name] = dict(levels), dict(u[name])
            continue
        missing = max(u[name]["missing"], MISSING_FLOOR)
        for source, target in ((levels, out_m), (u[name], out_u)):
            scale = (1 - missing) / (1 - source["missing"])
            target[name] = {
                level: missing if level == "missing" else p * scale for level, p in source.items()
            }
    return out_m, out_u


# How often one person's two records name different birth provinces: the synthetic
# duplicates never do, real ones do now and then (a clerk's slip, the hospital's
# province for the home's, a name the old/new mapping does not know). Evidence
# against, not a verdict: a CCCD that agrees must still be able to outweigh it.
BIRTH_PROVINCE_SLIPS = 0.01


def realistic_slips(m: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """``m`` with the birth province disagreeing at least ``BIRTH_PROVINCE_SLIPS`` of the time."""
    province = dict(m["birth_province"])
    present = 1 - province["missing"]
    if province["else"] < BIRTH_PROVINCE_SLIPS * present:
        province["equal"] -= BIRTH_PROVINCE_SLIPS * present - province["else"]
        province["else"] = BIRTH_PROVINCE_SLIPS * present
    return {**m, "birth_province": province}


def distinct_people(records: list[MatchRecord], person_of: dict[str, str]) -> list[MatchRecord]:
    """One record of each person: the shares are of people, not of rows."""
    seen: set[str] = set()
    first = []
    for record in records:
        person = person_of[record.key]
        if person not in seen:
            seen.add(person)
            first.append(record)
    return first


def estimate(
    records: list[MatchRecord],
    person_of: dict[str, str],
    *,
    seed: int = 1,
    random_pairs: int = 200_000,
    source: str = "",
    population: tuple[Frequencies, dict[str, float]] | None = None,
) -> Model:
    """m and u from ``records`` and their truth; the shares from ``population``
    (``frequencies.count`` of a larger set of distinct people) or from ``records``."""
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
    m, u = neutral_missing(
        _frequencies(comparison_vector(a, b) for a, b in true_pairs),
        _frequencies(comparison_vector(a, b) for a, b in others),
    )
    m = realistic_slips(m)
    n = len(records)
    if population is None:
        tables, given_tf = count(distinct_people(records, person_of))
    else:
        tables, given_tf = population
    return Model(
        prior=len(true_pairs) / (n * (n - 1) / 2),
        reference_size=n,
        m=m,
        u=u,
        given_tf=given_tf,
        source=source,
        names=tables,
    )
