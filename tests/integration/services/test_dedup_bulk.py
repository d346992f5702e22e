"""The batch deduplication's set-based write phase leaves what merging pair by pair left.

Two registries are loaded from one synthetic extract under the same ids and key
ring. One is written the way ``healthid dedup`` wrote before its write phase
went set-based: each pair through ``matching.queue_review`` and, if sure,
``review.merge_in``. The other through ``dedup.write_pairs``. Their rows must
agree (ids generated on the way and timestamps aside).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from healthid import bootstrap
from healthid.domain.errors import ConflictError
from healthid.domain.identifiers import IdentifierSystem
from healthid.domain.person import Person
from healthid.matching.model import Decision, Model, Scored
from healthid.matching.normalise import MatchRecord
from healthid.services import dedup, review
from healthid.services import matcher as matching
from healthid.services.access import operator
from healthid.synth.bhxh import write
from tests.integration.services.support import load_with_health_ids, small_population

CALLER = operator()  # one caller for both paths: their audit events compare equal


# The write phase's mechanics need sure pairs in a 400-person file: the model judges
# for a small registry, in both registries alike (tests/.../support.small_population).
@pytest.fixture
def registry(registry: bootstrap.Registry, database_url: str) -> bootstrap.Registry:
    # database_url named again: an overriding fixture loses the backend's parameters.
    return small_population(registry)


@pytest.fixture
def twin_registry(twin_registry: bootstrap.Registry, database_url: str) -> bootstrap.Registry:
    # database_url named again: an overriding fixture loses the backend's parameters.
    return small_population(twin_registry)


def write_pair_by_pair(registry: bootstrap.Registry, pairs: list[Scored]) -> tuple[int, int, int]:
    """The write phase as it was: a pair at a time, merges through ``review.merge_in``."""
    merged = queued = known = 0
    absorbed: set[str] = set()
    for start in range(0, len(pairs), dedup.WRITE_BATCH):
        with registry.uow() as uow:
            for scored in pairs[start : start + dedup.WRITE_BATCH]:
                pair = matching.queue_review(uow, registry.clock, scored.a, scored.b, scored)
                if pair is None:
                    known += 1
                    continue
                if scored.decision == Decision.MATCH and not {scored.a, scored.b} & absorbed:
                    try:
                        done = review.merge_in(uow, registry.deps, CALLER, pair.id)
                    except ConflictError:
                        pass
                    else:
                        absorbed.add(done.absorbed_id)
                        merged += 1
                        continue
                queued += 1
            uow.commit()
    return merged, queued, known


def write_in_bulk(
    registry: bootstrap.Registry, pairs: list[Scored], *, merge_matches: bool = True
) -> tuple[int, int, int]:
    return dedup.write_pairs(
        deps=registry.deps,
        caller=CALLER,
        pairs=pairs,
        merge_matches=merge_matches,
    )


def end_state(registry: bootstrap.Registry) -> dict[str, Any]:
    """Every row the write phase touches, with generated ids replaced by what they name."""
    with registry.engine.connect() as conn:

        def rows(sql: str) -> list[Any]:
            return list(conn.execute(sa.text(sql)).all())

        identifier = {
            row_id: (system, scope, index)
            for row_id, system, scope, index in rows(
                "SELECT id, system, scope, value_index FROM identifiers"
            )
        }
        pair_of = {
            row_id: (a, b)
            for row_id, a, b in rows("SELECT id, person_a, person_b FROM review_pairs")
        }
        merges = rows(
            "SELECT id, survivor_id, absorbed_id, review_id, moved_identifiers,"
            " replaced_health_ids, merged_by, unmerged_by FROM merges"
        )
        named = {**pair_of, **{m[0]: (m[1], m[2]) for m in merges}}  # what details refer to
        return {
            "persons": sorted(rows("SELECT id, merged_into FROM persons")),
            "identifiers": sorted(
                (*identifier[row_id], person_id)
                for row_id, person_id in rows("SELECT id, person_id FROM identifiers")
            ),
            "health_ids": sorted(rows("SELECT id, person_id, status, replaced_by FROM health_ids")),
            "blocking_keys": sorted(rows("SELECT person_id, key_index FROM blocking_keys")),
            "reviews": sorted(
                rows(
                    "SELECT person_a, person_b, status, probability, weights, decided_by"
                    " FROM review_pairs"
                )
            ),
            "merges": sorted(
                (
                    survivor,
                    absorbed,
                    pair_of[review_id],
                    sorted(identifier[i] for i in json.loads(moved)),
                    sorted(json.loads(replaced)),
                    by,
                    unmerged_by,
                )
                for _, survivor, absorbed, review_id, moved, replaced, by, unmerged_by in merges
            ),
            "audit": Counter(
                (action, outcome, actor, person_id, named.get(detail, detail))
                for action, outcome, actor, person_id, detail in rows(
                    "SELECT action, outcome, actor, person_id, detail FROM audit_events"
                )
            ),
        }


def persons_state(registry: bootstrap.Registry) -> dict[str, Any]:
    """What an unmerge must give back: persons, identifier rows, Health IDs, blocking keys."""
    with registry.engine.connect() as conn:

        def rows(sql: str) -> list[Any]:
            return sorted(conn.execute(sa.text(sql)).all())

        return {
            "persons": rows("SELECT id, merged_into FROM persons"),
            "identifiers": rows("SELECT id, person_id FROM identifiers"),
            "health_ids": rows("SELECT id, person_id, status, replaced_by FROM health_ids"),
            "blocking_keys": rows("SELECT person_id, key_index FROM blocking_keys"),
        }


def sure(records: dict[str, MatchRecord], a: str, b: str) -> Scored:
    """The pair scored as matching scores it, and decided a sure match whatever the score."""
    return replace(Model.load().score(records[a], records[b]), decision=Decision.MATCH)


def records_of(registry: bootstrap.Registry) -> dict[str, MatchRecord]:
    with registry.uow() as uow:
        return {r.key: r for r in matching.registry_records(uow, registry.places)}


class Crafted:
    """Pairs no real run proposes (matching never pairs one record twice as a sure match),
    to walk every path of the write phase: chains of merges within a batch and across
    batches, a pair twice, pairs decided or merged before the run, survivors without a
    Health ID or with a revoked one, a survivor's first CCCD coming from the absorbed.
    """

    def __init__(self, registry: bootstrap.Registry, persons: list[Person], busy: set[str]):
        self.records = records_of(registry)
        spare = [(n, p) for n, p in enumerate(persons) if p.id not in busy]

        def has(p: Person, system: IdentifierSystem) -> bool:
            return p.identifier(system) is not None

        # The latest loaded first: a survivor's own CCCD is then often not its first.
        with_cccd = [p.id for _, p in reversed(spare) if has(p, IdentifierSystem.CCCD)]
        self.no_si = [p.id for _, p in spare if not has(p, IdentifierSystem.SI)]
        self.revoked = [p.id for n, p in spare if has(p, IdentifierSystem.SI) and n % 17 == 16]
        used = set(self.no_si[:1] + self.revoked[:1])
        self.u = [p for p in with_cccd if p not in used]
        assert len(self.u) >= 20
        assert self.no_si
        assert self.revoked

    def pair(self, a: str, b: str, decision: Decision = Decision.MATCH) -> Scored:
        return replace(sure(self.records, a, b), decision=decision)

    def before_the_run(self, registry: bootstrap.Registry) -> None:
        """A pair someone called two people, and a merge someone made."""
        u = self.u
        with registry.uow() as uow:
            rejected = matching.queue_review(uow, registry.clock, u[6], u[7], self.pair(u[6], u[7]))
            merged = matching.queue_review(uow, registry.clock, u[8], u[9], self.pair(u[8], u[9]))
            uow.commit()
        assert rejected is not None
        assert merged is not None
        review.reject_review(deps=registry.deps, caller=CALLER, review_id=rejected.id)
        review.merge(deps=registry.deps, caller=CALLER, review_id=merged.id)

    def around(self, real: list[Scored]) -> list[Scored]:
        u, pair = self.u, self.pair
        head = [
            pair(u[3], u[4]),  # merged; u[3] is absorbed by u[5] batches later
            pair(u[0], u[1]),  # merged; then u[0] is absorbed by u[2] in the same batch
            pair(u[2], u[0]),
            pair(u[1], u[10]),  # u[1] was absorbed: queued
            pair(u[11], u[12]),
            pair(u[12], u[11]),  # the same pair again: known
        ]
        middle = [
            pair(u[7], u[6]),  # called two people before the run: known
            pair(u[13], u[9]),  # u[9] was merged before the run: queued
            pair(u[8], u[14]),  # u[8] absorbed u[9] before the run, now u[14]
            pair(self.no_si[0], u[15]),  # a survivor without a Health ID
            pair(self.revoked[0], u[16]),  # a survivor whose only ID is revoked
            pair(u[17], u[18], Decision.REVIEW),
        ]
        tail = [pair(u[5], u[3]), pair(u[19], u[4])]  # u[4] was absorbed in an earlier batch
        half = len(real) // 2
        return head + real[:half] + middle + real[half:] + tail

    def check(self, state: dict[str, Any]) -> None:
        """What ``around``'s comments say, checked by hand on an end state."""
        u, no_si, revoked = self.u, self.no_si[0], self.revoked[0]
        merged = {(m[0], m[1]): m for m in state["merges"]}
        assert {(u[3], u[4]), (u[0], u[1]), (u[2], u[0]), (u[11], u[12]), (u[5], u[3])} <= set(
            merged
        )
        assert {(u[8], u[14]), (no_si, u[15]), (revoked, u[16])} <= set(merged)
        for a, b in [(u[1], u[10]), (u[13], u[9]), (u[19], u[4]), (u[17], u[18])]:
            assert (a, b) not in merged
            assert (a, b, "pending") in {r[:3] for r in state["reviews"]}
        moved = {m[1]: len(m[3]) for m in merged.values()}
        assert moved[u[0]] == moved[u[1]] + 2  # u[0]'s own SI and CCCD, and what it took
        ids = {h[0]: h for h in state["health_ids"]}
        of = {h[1]: h for h in state["health_ids"]}
        assert of[u[15]][2:] == ("active", None)  # no ID of the survivor's to lead to
        assert of[u[16]][2:] == ("replaced", of[revoked][0])
        assert ids[of[revoked][0]][2] == "revoked"


def real_pairs(registry: bootstrap.Registry) -> list[Scored]:
    """The pairs a run of ``healthid dedup`` writes, as its first phase finds them."""
    report = dedup.DedupReport()
    with registry.uow() as uow:
        records = matching.registry_records(uow, registry.places)
    return dedup.pairs_to_write(
        records=records, deps=registry.deps, finder=registry.pair_finder, report=report
    )


def loaded_twins(
    registry: bootstrap.Registry, twin: bootstrap.Registry, folder: Path
) -> list[Person]:
    persons = load_with_health_ids(registry, folder)
    twins = load_with_health_ids(twin, folder)
    assert [replace(p, created_at=None, updated_at=None) for p in twins] == [
        replace(p, created_at=None, updated_at=None) for p in persons
    ]
    return persons


def test_bulk_writes_what_merging_pair_by_pair_wrote(
    registry: bootstrap.Registry,
    twin_registry: bootstrap.Registry,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dedup, "WRITE_BATCH", 7)  # many batches: merges across them
    write(tmp_path, persons=400, dup_rate=0.15, seed=5)
    persons = loaded_twins(registry, twin_registry, tmp_path)
    real = real_pairs(registry)
    assert sum(s.decision == Decision.MATCH for s in real) > 20  # reviews: crafted below
    crafted = Crafted(registry, persons, {p for s in real for p in (s.a, s.b)})
    for reg in (registry, twin_registry):
        crafted.before_the_run(reg)
    pairs = crafted.around(real)
    assert end_state(registry) == end_state(twin_registry)

    old = write_pair_by_pair(registry, pairs)
    new = write_in_bulk(twin_registry, pairs)

    assert new == old
    merged, queued, known = new
    assert (len(pairs), known) == (merged + queued + known, 2)
    crafted.check(end_state(registry))
    assert end_state(twin_registry) == end_state(registry)
    # Written again, every pair is known.
    assert write_in_bulk(twin_registry, pairs) == (0, 0, len(pairs))
    assert end_state(twin_registry) == end_state(registry)


def test_without_merging_every_new_pair_is_queued_as_before(
    registry: bootstrap.Registry, twin_registry: bootstrap.Registry, tmp_path: Path
) -> None:
    write(tmp_path, persons=200, dup_rate=0.1, seed=4)
    persons = loaded_twins(registry, twin_registry, tmp_path)
    crafted = Crafted(registry, persons, set())
    for reg in (registry, twin_registry):
        crafted.before_the_run(reg)
    pairs = crafted.around([])
    with registry.uow() as uow:  # the old path's --no-merge: queue_review alone
        old = [matching.queue_review(uow, registry.clock, s.a, s.b, s) for s in pairs]
        uow.commit()

    new = write_in_bulk(twin_registry, pairs, merge_matches=False)

    assert new == (0, sum(p is not None for p in old), sum(p is None for p in old))
    assert end_state(twin_registry) == end_state(registry)


def test_survivors_keys_are_what_index_person_computes(
    registry: bootstrap.Registry, tmp_path: Path
) -> None:
    """Computed from bulk reads after the moves; recomputing from whole persons changes nothing."""
    write(tmp_path, persons=200, dup_rate=0.1, seed=4)
    persons = load_with_health_ids(registry, tmp_path)
    crafted = Crafted(registry, persons, set())
    u = crafted.u
    # Survivors loaded after the persons they absorb (u runs from the latest loaded
    # back): their first CCCD is then the absorbed's, and u[0] takes u[4]'s through u[3].
    pairs = [crafted.pair(u[1], u[2]), crafted.pair(u[3], u[4]), crafted.pair(u[0], u[3])]
    before = persons_state(registry)["blocking_keys"]
    assert write_in_bulk(registry, pairs) == (3, 0, 0)
    after = persons_state(registry)["blocking_keys"]
    assert after != before
    survivors = [u[1], u[0]]
    with registry.uow() as uow:
        for survivor in survivors:
            person = uow.persons.get(survivor)
            assert person is not None
            cccds = [i.value for i in person.identifiers if i.system == IdentifierSystem.CCCD]
            assert len(cccds) >= 2
            assert crafted.records[survivor].cccd != cccds[0]  # the keys had to change
            matching.index_person(uow, registry.places, person)
        uow.commit()
    assert persons_state(registry)["blocking_keys"] == after
    assert {p for p, _ in after} == {p for p, _ in before} - {u[2], u[3], u[4]}


def test_unmerge_after_a_bulk_merge_restores_both_persons_exactly(
    registry: bootstrap.Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dedup, "WRITE_BATCH", 7)
    write(tmp_path, persons=400, dup_rate=0.15, seed=5)
    persons = load_with_health_ids(registry, tmp_path)
    real = real_pairs(registry)
    crafted = Crafted(registry, persons, {p for s in real for p in (s.a, s.b)})
    crafted.before_the_run(registry)
    before = persons_state(registry)

    merged, _, _ = write_in_bulk(registry, crafted.around(real))

    assert persons_state(registry) != before
    with registry.engine.connect() as conn:
        merges = conn.execute(
            sa.text(
                "SELECT id FROM merges WHERE unmerged_at IS NULL ORDER BY merged_at DESC, id DESC"
            )
        ).scalars()
        run = list(merges)[:merged]  # the run's, the latest first (the one before stays)
    for merge_id in run:
        review.unmerge(deps=registry.deps, caller=CALLER, merge_id=merge_id)
    assert persons_state(registry) == before


def test_a_batch_is_a_few_statements_whatever_its_merges(
    registry: bootstrap.Registry, tmp_path: Path
) -> None:
    write(tmp_path, persons=300, dup_rate=0.0, seed=6)
    load_with_health_ids(registry, tmp_path)
    records = records_of(registry)
    ids = sorted(records)
    half = (len(ids) - 20) // 2
    rest = ids[20 : 20 + 2 * half]
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    sa.event.listen(registry.engine, "before_cursor_execute", count)
    try:
        few = write_in_bulk(
            registry, [sure(records, a, b) for a, b in zip(ids[:10], ids[10:20], strict=True)]
        )
        at_few = len(statements)
        statements.clear()
        many = write_in_bulk(
            registry,
            [sure(records, a, b) for a, b in zip(rest[:half], rest[half:], strict=True)],
        )
    finally:
        sa.event.remove(registry.engine, "before_cursor_execute", count)
    assert few == (10, 0, 0)
    assert many == (half, 0, 0)
    assert half > 100
    # Pair by pair this was about twenty statements a merge: 2,000 for a hundred.
    assert at_few <= 16
    assert len(statements) <= 16
