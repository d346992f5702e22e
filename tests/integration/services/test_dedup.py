"""Batch deduplication with Splink on DuckDB, through the same decisions and hard rules."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest

from healthid import bootstrap
from healthid.domain.audit import Action, AuditFilter
from healthid.domain.review import ReviewStatus
from healthid.services import dedup, exports, review
from healthid.services import matcher as matching
from healthid.services.access import operator
from healthid.synth.bhxh import write
from tests.integration.services.support import load_without_matching, small_population

OPERATOR = operator()


def test_dedup_merges_sure_pairs_and_queues_the_rest(
    registry: bootstrap.Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches and idempotence: sure pairs are needed, as a small registry has them.
    registry = small_population(registry)
    monkeypatch.setattr(dedup, "WRITE_BATCH", 7)  # many units of work: pairs cross batches
    write(tmp_path, persons=400, dup_rate=0.15, seed=5)
    truth = load_without_matching(registry, tmp_path)
    report = dedup.deduplicate(
        deps=registry.deps,
        caller=operator(),
        finder=registry.pair_finder,
    )
    assert report.persons > 400
    assert report.merged > 20
    people: dict[str, set[str]] = defaultdict(set)
    for row in exports.export_persons(deps=registry.deps, caller=operator()):
        people[row.person].add(truth[row.source_key])
    assert all(len(humans) == 1 for humans in people.values())  # no false merge
    with registry.uow() as uow:
        pending = uow.reviews.list(str(ReviewStatus.PENDING))
    assert report.queued == len(pending)

    again = dedup.deduplicate(
        deps=registry.deps,
        caller=operator(),
        finder=registry.pair_finder,
    )
    assert (again.merged, again.queued) == (0, 0)  # nothing is proposed twice


def test_training_re_estimates_the_weights_on_the_registry(
    registry: bootstrap.Registry, tmp_path: Path
) -> None:
    write(tmp_path, persons=1500, dup_rate=0.1, seed=8)
    load_without_matching(registry, tmp_path)
    packaged = registry.model
    trained = dedup.train(deps=registry.deps, caller=operator(), trainer=registry.trainer)
    assert trained.source.startswith("Splink EM")
    assert trained.m != packaged.m
    assert trained.weight("given", "exact") > 0 > trained.weight("given", "else")
    assert trained.weight("birth_date", "exact") > trained.weight("birth_date", "year_close")
    # The model travels in Deps: a registry wired with the trained one uses it, and
    # nothing global changed for the others.
    assert replace(registry, model=trained).deps.model is trained
    assert registry.deps.model == packaged


def test_registry_records_read_as_the_person_by_person_path(
    registry: bootstrap.Registry, tmp_path: Path
) -> None:
    """The bulk read (only the fields matching uses) gives the records iter_all gives."""
    registry = small_population(registry)  # merges needed, as a small registry makes them
    write(tmp_path, persons=120, dup_rate=0.2, seed=3)
    load_without_matching(registry, tmp_path)
    report = dedup.deduplicate(
        deps=registry.deps,
        caller=operator(),
        finder=registry.pair_finder,
    )
    assert report.merged > 0  # persons merged away: both paths must leave them out
    with registry.uow() as uow:
        expected = [matching.person_record(p, registry.places) for p in uow.persons.iter_all()]
    with registry.uow() as uow:
        records = matching.registry_records(uow, registry.places)
    assert records == expected
    assert any(r.cccd for r in records)
    assert any(r.cccd is None for r in records)
    assert any(r.birth_province for r in records)


def test_every_automatic_merge_keeps_its_evidence_and_is_listed_for_audit(
    registry: bootstrap.Registry, tmp_path: Path
) -> None:
    registry = small_population(registry)  # sure pairs on name, date and birthplace
    write(tmp_path, persons=120, dup_rate=0.2, seed=3)
    load_without_matching(registry, tmp_path)
    report = dedup.deduplicate(deps=registry.deps, caller=operator(), finder=registry.pair_finder)
    assert report.merged > 0
    listed = review.list_automatic_merges(deps=registry.deps, caller=OPERATOR)
    assert len(listed) == report.merged
    with registry.uow() as uow:
        standing = {r.key for r in matching.registry_records(uow, registry.places)}
    for automatic in listed:
        assert automatic.merge.automatic
        pair = automatic.pair
        assert pair is not None
        assert pair.status == ReviewStatus.MERGED
        assert pair.probability >= registry.model.match_threshold
        # What decided it: each comparison's level and weight.
        assert {"given", "family", "birth_date"} <= pair.weights.keys()
        assert automatic.merge.survivor_id in standing
        assert automatic.merge.absorbed_id not in standing
    # A merge a person decided is not listed; an automatic one undone stays listed, undone.
    first = listed[0].merge
    review.unmerge(deps=registry.deps, caller=OPERATOR, merge_id=first.id)
    again = review.list_automatic_merges(deps=registry.deps, caller=OPERATOR)
    assert [m.merge.id for m in again] == [m.merge.id for m in listed]
    assert {m.merge.id for m in again if m.merge.unmerged_at is not None} == {first.id}
    with registry.uow() as uow:
        events = uow.audit.query(AuditFilter(action=Action.REVIEW_READ))
    assert sum(e.detail == "automatic_merges" for e in events) == 2  # each listing recorded


def test_a_merge_a_person_decided_is_not_listed_as_automatic(
    registry: bootstrap.Registry, tmp_path: Path
) -> None:
    registry = small_population(registry)
    write(tmp_path, persons=120, dup_rate=0.2, seed=3)
    load_without_matching(registry, tmp_path)
    report = dedup.deduplicate(
        deps=registry.deps, caller=operator(), finder=registry.pair_finder, merge_matches=False
    )
    assert report.queued > 0
    [pair, *_] = review.list_reviews(deps=registry.deps, caller=OPERATOR)
    review.merge(deps=registry.deps, caller=OPERATOR, review_id=pair.id)
    assert review.list_automatic_merges(deps=registry.deps, caller=OPERATOR) == []
