"""Batch deduplication of the whole registry, through the same decisions as registration."""

from __future__ import annotations

from dataclasses import dataclass, field

from healthid.domain.audit import Action
from healthid.matching.model import AMBIGUOUS, Decision, Model, Scored, settle_ambiguous
from healthid.matching.normalise import MatchRecord
from healthid.services import dedup_batch, matcher
from healthid.services.access import Caller, Permission
from healthid.services.audit import record
from healthid.services.deps import Deps
from healthid.services.ports import ModelTrainer, PairFinder
from healthid.services.use_case import unit_of_work

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
    *, deps: Deps, caller: Caller, finder: PairFinder, merge_matches: bool = True
) -> DedupReport:
    """Score every candidate pair; merge 'match' pairs, queue 'review' pairs.

    A unit of work per batch of pairs, each merge audited in it: a run stopped midway
    keeps the batches it committed, and running again picks up the rest.
    """
    report = DedupReport()
    with unit_of_work(deps, caller, Permission.DEDUPLICATE) as uow:
        records = matcher.registry_records(uow, deps.places)
    to_write = pairs_to_write(records=records, deps=deps, finder=finder, report=report)
    report.merged, report.queued, report.already_known = write_pairs(
        deps=deps, caller=caller, pairs=to_write, merge_matches=merge_matches
    )
    return report


def pairs_to_write(
    *, records: list[MatchRecord], deps: Deps, finder: PairFinder, report: DedupReport
) -> list[Scored]:
    """Every candidate pair scored as registration scores it; those not 'new', in order.

    Counts the persons, the pairs and the hard rules' verdicts into ``report``.
    """
    by_key = {r.key: r for r in records}
    report.persons = len(by_key)
    model = deps.model
    to_write: list[Scored] = []
    for a, b in finder.pairs(list(by_key.values()), model):
        report.pairs += 1
        scored = model.score(by_key[a], by_key[b], len(by_key))
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
    *, deps: Deps, caller: Caller, pairs: list[Scored], merge_matches: bool = True
) -> tuple[int, int, int]:
    """Queue the pairs and merge the sure ones, in order; (merged, queued, already known)."""
    merged = queued = known = 0
    absorbed: set[str] = set()  # merged away by this run: their later pairs go to a person
    # A commit per batch, not per pair: at a million persons tens of thousands of pairs
    # are written, and a commit waits for the disk. A run stopped midway loses at most
    # the batch in progress; running again picks it up (known pairs are skipped).
    for start in range(0, len(pairs), WRITE_BATCH):
        with unit_of_work(deps, caller, Permission.DEDUPLICATE) as uow:
            counts = dedup_batch.write(
                uow,
                pairs[start : start + WRITE_BATCH],
                deps=deps,
                caller=caller,
                merge_matches=merge_matches,
                absorbed=absorbed,
            )
            uow.commit()
        merged += counts[0]
        queued += counts[1]
        known += counts[2]
    return merged, queued, known


def reindex(*, deps: Deps, caller: Caller) -> int:
    """Recompute every person's blocking keys in one unit of work, audited."""
    with unit_of_work(deps, caller, Permission.DEDUPLICATE) as uow:
        count = matcher.reindex(uow, deps.places)
        record(uow, clock=deps.clock, action=Action.ADMIN, caller=caller, detail="reindex")
        uow.commit()
    return count


def train(*, deps: Deps, caller: Caller, trainer: ModelTrainer) -> Model:
    """Re-estimate the match weights on the registry's records (read and audited together)."""
    with unit_of_work(deps, caller, Permission.DEDUPLICATE) as uow:
        trained = matcher.train(uow, deps, trainer)
        record(uow, clock=deps.clock, action=Action.ADMIN, caller=caller, detail="train")
        uow.commit()
    return trained
