"""The packaged model on a synthetic population it was not fitted on."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from healthid.matching.blocking import blocking_keys
from healthid.matching.estimate import candidate_pairs
from healthid.matching.model import Decision, Model
from healthid.synth.bhxh import write
from healthid.synth.records import load


def test_precision_and_recall_on_unseen_synthetic_data(tmp_path: Path) -> None:
    write(tmp_path, persons=6000, dup_rate=0.08, seed=2024)
    records, truth = load(tmp_path)
    model = Model.load()
    keys = {r.key: blocking_keys(r) for r in records}
    people: dict[str, list[str]] = defaultdict(list)
    for record in records:
        people[truth[record.key]].append(record.key)
    true_pairs = {frozenset(keys_) for keys_ in people.values() if len(keys_) == 2}
    matched, flagged = set(), set()
    for i, j in candidate_pairs(records, keys):
        scored = model.score(records[i], records[j], len(records))
        pair = frozenset((records[i].key, records[j].key))
        if scored.decision == Decision.MATCH:
            matched.add(pair)
        if scored.decision != Decision.NEW:
            flagged.add(pair)
    precision = len(matched & true_pairs) / len(matched)
    recall = len(flagged & true_pairs) / len(true_pairs)
    assert len(true_pairs) > 300
    assert precision >= 0.995
    assert recall >= 0.95
    # Those with a CCCD on both records (about half) go through without a person; at
    # the national prior a common name, a date and a province alone do not.
    assert len(matched & true_pairs) / len(true_pairs) > 0.5


@pytest.mark.parametrize("population", [1_000, 1_000_000])
def test_a_bigger_registry_needs_more_evidence(population: int) -> None:
    model = Model.load()
    assert model.prior_log_odds(population) < model.prior_log_odds(population // 10)
