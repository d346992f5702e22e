"""Batch deduplication of the whole registry, through the same decisions as registration."""

from __future__ import annotations

from dataclasses import dataclass, field

from healthid.matching.model import AMBIGUOUS, Decision, Scored, settle_ambiguous
from healthid.services import dedup_batch
from healthid.services import matcher as matching
from healthid.services.ports import AdminUnits, Clock, PairFinder, UnitOfWorkFactory

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
    to_write = pairs_to_write(uow_factory=uow_factory, places=places, finder=finder, report=report)
    report.merged, report.queued, report.already_known = write_pairs(
        uow_factory=uow_factory,
        places=places,
        clock=clock,
        pairs=to_write,
        merge_matches=merge_matches,
    )
    return report


def pairs_to_write(
    *, uow_factory: UnitOfWorkFactory, places: AdminUnits, finder: PairFinder, report: DedupReport
) -> list[Scored]:
    """Every candidate pair scored as registration scores it; those not 'new', in order.

    Counts the persons, the pairs and the hard rules' verdicts into ``report``.
    """
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
    return to_write


def write_pairs(
    *,
    uow_factory: UnitOfWorkFactory,
    places: AdminUnits,
    clock: Clock,
    pairs: list[Scored],
    merge_matches: bool = True,
) -> tuple[int, int, int]:
    """Queue the pairs and merge the sure ones, in order; (merged, queued, already known)."""
    merged = queued = known = 0
    absorbed: set[str] = set()  # merged away by this run: their later pairs go to a person
    # A commit per batch, not per pair: at a million persons tens of thousands of pairs
    # are written, and a commit waits for the disk. A run stopped midway loses at most
    # the batch in progress; running again picks it up (known pairs are skipped).
    for start in range(0, len(pairs), WRITE_BATCH):
        with uow_factory() as uow:
            counts = dedup_batch.write(
                uow,
                pairs[start : start + WRITE_BATCH],
                places=places,
                clock=clock,
                merge_matches=merge_matches,
                absorbed=absorbed,
            )
            uow.commit()
        merged += counts[0]
        queued += counts[1]
        known += counts[2]
    return merged, queued, known
