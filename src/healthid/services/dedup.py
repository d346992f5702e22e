"""Batch deduplication of the whole registry, through the same decisions as registration."""

from __future__ import annotations

from dataclasses import dataclass, field

from healthid.domain.errors import ConflictError
from healthid.matching.model import AMBIGUOUS, Decision, Scored, settle_ambiguous
from healthid.services import matching, review
from healthid.services.ports import AdminUnits, Clock, PairFinder, UnitOfWork, UnitOfWorkFactory

WRITE_BATCH = 500  # pairs a unit of work


@dataclass
class DedupReport:
    persons: int = 0
    pairs: int = 0
    merged: int = 0
    queued: int = 0
    already_known: int = 0  # decided or queued before: never proposed again
    blocked: dict[str, int] = field(default_factory=dict)  # hard rule -> pairs it held back


def deduplicate(
    *,
    uow_factory: UnitOfWorkFactory,
    places: AdminUnits,
    clock: Clock,
    finder: PairFinder,
    merge_matches: bool = True,
) -> DedupReport:
    """Score every candidate pair; merge 'match' pairs, queue 'review' pairs."""
    report = DedupReport()
    records = {r.key: r for r in matching.registry_records(uow_factory, places)}
    report.persons = len(records)
    model = matching.model()
    to_write: list[Scored] = []
    for a, b in finder.pairs(list(records.values()), model):
        report.pairs += 1
        scored = model.score(records[a], records[b], len(records))
        if scored.blocked_by:
            report.blocked[scored.blocked_by] = report.blocked.get(scored.blocked_by, 0) + 1
        if scored.decision != Decision.NEW:
            to_write.append(scored)
    to_write = settle_ambiguous(to_write)
    ambiguous = sum(1 for s in to_write if s.blocked_by == AMBIGUOUS)
    if ambiguous:
        report.blocked[AMBIGUOUS] = ambiguous
    absorbed: set[str] = set()  # merged away by this run: their later pairs go to a person
    # A commit per batch, not per pair: at a million persons tens of thousands of pairs
    # are written, and a commit waits for the disk. A run stopped midway loses at most
    # the batch in progress; running again picks it up (known pairs are skipped).
    for start in range(0, len(to_write), WRITE_BATCH):
        with uow_factory() as uow:
            counts = _write(
                uow,
                to_write[start : start + WRITE_BATCH],
                places=places,
                clock=clock,
                merge_matches=merge_matches,
                absorbed=absorbed,
            )
            uow.commit()
        report.merged += counts[0]
        report.queued += counts[1]
        report.already_known += counts[2]
    return report


def _write(
    uow: UnitOfWork,
    batch: list[Scored],
    *,
    places: AdminUnits,
    clock: Clock,
    merge_matches: bool,
    absorbed: set[str],
) -> tuple[int, int, int]:
    """Queue each pair and merge the sure ones; (merged, queued, already known)."""
    merged = queued = known = 0
    newly_absorbed: set[str] = set()
    for scored in batch:
        a, b = scored.a, scored.b
        pair = matching.queue_review(uow, clock, a, b, scored)
        if pair is None:  # decided or queued before: never proposed again
            known += 1
            continue
        gone = absorbed | newly_absorbed
        if scored.decision == Decision.MATCH and merge_matches and not {a, b} & gone:
            try:
                done = review.merge_in(uow, places=places, clock=clock, review_id=pair.id)
            except ConflictError:
                pass  # checked before any write: one side was merged elsewhere meanwhile
            else:
                newly_absorbed.add(done.absorbed_id)
                merged += 1
                continue
        queued += 1  # a person decides
    absorbed |= newly_absorbed
    return merged, queued, known
