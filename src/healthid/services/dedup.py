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
    records = {r.key: r for r in matching.registry_records(uow_factory, places)}
    report.persons = len(records)
    model = matching.model()
    absorbed: set[str] = set()  # merged away by this run: their later pairs go to a person
    for a, b in finder.pairs(list(records.values()), model):
        report.pairs += 1
        scored = model.score(records[a], records[b], len(records))
        if scored.blocked_by:
            report.blocked[scored.blocked_by] = report.blocked.get(scored.blocked_by, 0) + 1
        if scored.decision == Decision.NEW:
            continue
        # One unit of work a pair: the pair is queued and, if sure, merged in one commit.
        with uow_factory() as uow:
            pair = matching.queue_review(uow, clock, a, b, scored)
            if pair is None:  # decided or queued before: never proposed again
                report.already_known += 1
                continue
            merged = False
            if scored.decision == Decision.MATCH and merge_matches and not {a, b} & absorbed:
                try:
                    done = review.merge_in(uow, places=places, clock=clock, review_id=pair.id)
                except ConflictError:
                    pass  # one side was merged meanwhile, elsewhere: a person decides
                else:
                    absorbed.add(done.absorbed_id)
                    merged = True
            uow.commit()
        if merged:
            report.merged += 1
        else:
            report.queued += 1
    return report
