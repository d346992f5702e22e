"""The Spark engine (healthid dedup --engine spark) finds what the DuckDB engine finds.

Spark runs in local mode in a JVM of its own: the slowest test of the suite
(about 20 s), marked ``spark``. It skips on a developer's machine without
pyspark or Java, and fails instead in CI (CI installs both).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from healthid import bootstrap
from healthid.matching.model import Decision, Model
from healthid.matching.normalise import MatchRecord
from healthid.services import dedup
from healthid.services import matcher as matching
from healthid.services.access import operator
from healthid.services.ports import PairFinder
from healthid.synth.bhxh import write
from tests.integration.services.support import load_without_matching

pytestmark = pytest.mark.spark


class Recording:
    """A pair finder that remembers what the finder it wraps returned."""

    def __init__(self, inner: PairFinder) -> None:
        self.inner = inner
        self.seen: list[tuple[str, str]] = []

    def pairs(self, records: list[MatchRecord], model: Model) -> Iterator[tuple[str, str]]:
        for pair in self.inner.pairs(records, model):
            self.seen.append(pair)
            yield pair


@pytest.fixture
def spark_engine(registry: bootstrap.Registry) -> bootstrap.Registry:
    try:
        registry.pair_finder_for("spark")
    except bootstrap.EngineUnavailableError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"the Spark test must run in CI: {exc}")
        pytest.skip(str(exc))
    return registry


def test_spark_finds_the_same_pairs_and_decisions_as_duckdb(
    spark_engine: bootstrap.Registry, tmp_path: Path
) -> None:
    registry = spark_engine
    write(tmp_path, persons=200, dup_rate=0.2, seed=21)  # all three decisions occur
    load_without_matching(registry, tmp_path)
    with registry.uow() as uow:
        records = {p.id: matching.person_record(p, registry.places) for p in uow.persons.iter_all()}
    model = registry.model
    by_duckdb = list(registry.pair_finder_for("duckdb").pairs(list(records.values()), model))
    decisions = {
        frozenset((a, b)): model.score(records[a], records[b], len(records)).decision
        for a, b in by_duckdb
    }
    assert Decision.MATCH in decisions.values()  # the set is worth comparing on
    assert Decision.REVIEW in decisions.values()
    assert Decision.NEW in decisions.values()

    # The whole path with Spark: find, rescore, queue. No merging, so every pair
    # the decisions keep stays visible in the review queue.
    spark = Recording(registry.pair_finder_for("spark"))
    report = dedup.deduplicate(
        deps=registry.deps,
        caller=operator(),
        finder=spark,
        merge_matches=False,
    )
    assert spark.seen == by_duckdb  # same pairs, same sides, same order
    assert report.pairs == len(by_duckdb)
    with registry.uow() as uow:
        queued = {frozenset((r.person_a, r.person_b)) for r in uow.reviews.list(limit=10_000)}
    assert queued == {pair for pair, decision in decisions.items() if decision != Decision.NEW}
    assert report.queued == len(queued)
