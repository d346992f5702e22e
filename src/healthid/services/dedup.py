"""Batch deduplication of the whole registry, through the same decisions as registration."""

from __future__ import annotations

from dataclasses import dataclass, field

from healthid.domain.errors import ConflictError
from healthid.matching.model import Decision
from healthid.services import matching, review
from healthid.services.ports import AdminUnits, Clock, PairFinder, UnitOfWorkFactory


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
    with uow_factory() as uow:
        records = {p.id: matching.person_record(p, places) for p in uow.persons.iter_all()}
    report.persons = len(records)
    model = matching.model()
    for a, b in finder.pairs(list(records.values()), model):
        report.pairs += 1
        scored = model.score(records[a], records[b], len(records))
        if scored.blocked_by:
            report.blocked[scored.blocked_by] = report.blocked.get(scored.blocked_by, 0) + 1
        if scored.decision == Decision.NEW:
            continue
        with uow_factory() as uow:
            if uow.reviews.find(a, b) is not None:
                report.already_known += 1
                continue
            matching.queue_review(uow, clock, a, b, scored)
            uow.commit()
            pair = uow.reviews.find(a, b)
        if scored.decision == Decision.MATCH and merge_matches and pair is not None:
            try:
                review.merge(uow_factory=uow_factory, places=places, clock=clock, review_id=pair.id)
            except ConflictError:
                report.queued += 1  # one side was merged meanwhile: a person decides
                continue
            report.merged += 1
        else:
            report.queued += 1
    return report
