"""One batch of the batch deduplication's pairs, written set at a time.

The end state is the one ``matcher.queue_review`` and ``review.merge_in`` leave
when called pair by pair, in order: every pair not known before is queued, and
each sure one whose persons may still merge is merged, its first person
surviving. But where that costs about twenty statements a pair (three whole
persons loaded a merge), this reads what the batch's merges need in four
queries, plays the merges through in memory — a person absorbed earlier in the
batch cannot merge again; a survivor absorbed later hands on what it took — and
writes the outcome with a few statements a table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from healthid.domain.audit import AuditEvent
from healthid.domain.review import Merge, ReviewPair, ReviewStatus
from healthid.matching.blocking import blocking_keys
from healthid.matching.model import Decision, Scored
from healthid.services import matcher, review
from healthid.services.access import Caller
from healthid.services.deps import Deps
from healthid.services.health_ids import current_of
from healthid.services.ports import AdminUnits, MatchInput, UnitOfWork


@dataclass
class _Merges:
    """The batch's merges as played through, and what they change."""

    done: dict[str, Merge] = field(default_factory=dict)  # by review id
    owners: dict[str, str] = field(default_factory=dict)  # identifier row -> its last holder
    replaced_by: dict[str, str] = field(default_factory=dict)  # Health ID -> the one it leads to
    merged_into: dict[str, str] = field(default_factory=dict)  # absorbed -> survivor
    survivors: set[str] = field(default_factory=set)
    events: list[AuditEvent] = field(default_factory=list)  # one a merge


def write(
    uow: UnitOfWork,
    batch: list[Scored],
    *,
    deps: Deps,
    caller: Caller,
    merge_matches: bool,
    absorbed: set[str],
) -> tuple[int, int, int]:
    """Queue each pair and merge the sure ones; (merged, queued, already known).

    ``absorbed``: persons merged away by the run's earlier batches; this batch's
    are added to it.
    """
    known = uow.reviews.known([(s.a, s.b) for s in batch])
    now = deps.clock.now()
    pairs: list[ReviewPair] = []
    sure: list[ReviewPair] = []
    for scored in batch:
        key = frozenset((scored.a, scored.b))
        if key in known:  # decided or queued before: never proposed again
            continue
        known.add(key)  # the same pair twice in a batch: the second is known
        pair = matcher.review_pair(scored.a, scored.b, scored, now)
        pairs.append(pair)
        if scored.decision == Decision.MATCH and merge_matches:
            sure.append(pair)
    merges = _play(uow, sure, deps=deps, caller=caller, absorbed=absorbed) if sure else _Merges()
    uow.reviews.add_each([_decided(p, merges.done.get(p.id)) for p in pairs])
    if merges.done:
        _store(uow, merges, deps=deps)
    absorbed |= set(merges.merged_into)
    return len(merges.done), len(pairs) - len(merges.done), len(batch) - len(pairs)


def _play(
    uow: UnitOfWork, sure: list[ReviewPair], *, deps: Deps, caller: Caller, absorbed: set[str]
) -> _Merges:
    """The merges ``merge_in`` would make of these pairs, in order, from four reads."""
    people = {p for pair in sure for p in (pair.person_a, pair.person_b)}
    states = uow.persons.merge_states(people)
    issued = uow.health_ids.for_persons(people)
    held = uow.persons.identifier_rows(people)
    merges = _Merges()
    gone = set(absorbed)
    for pair in sure:
        survivor, lost = pair.person_a, pair.person_b
        # merge_in's checks: both persons exist and neither is merged into another
        # (by an earlier run, or someone meanwhile); else the pair waits for a person.
        # (A pair of one person, which no finder proposes, would make merge_in fail.)
        if survivor == lost or {survivor, lost} & gone or not _unmerged(states, survivor, lost):
            continue
        # Health IDs change only for the person absorbed, who merges no more after:
        # what was read before the batch is what merge_in would read now.
        kept = current_of(issued.get(survivor, []))
        retired = review.retired_on_merge(kept, issued.get(lost, []))
        moved = held.pop(lost, [])  # with what it took from persons it absorbed before
        held.setdefault(survivor, []).extend(moved)
        merges.owners.update(dict.fromkeys(moved, survivor))
        merges.replaced_by.update(retired)
        merges.merged_into[lost] = survivor
        merges.survivors.add(survivor)
        gone.add(lost)
        merges.done[pair.id], audited = review.merge_record(
            clock=deps.clock,
            caller=caller,
            survivor=survivor,
            absorbed=lost,
            moved=moved,
            replaced=list(retired),
            review_id=pair.id,
            automatic=True,  # the score decided: listed for the authority's audit
        )
        merges.events.append(audited)
    return merges


def _unmerged(states: dict[str, str | None], *person_ids: str) -> bool:
    return all(p in states and states[p] is None for p in person_ids)


def _decided(pair: ReviewPair, done: Merge | None) -> ReviewPair:
    if done is None:
        return pair
    return replace(
        pair, status=ReviewStatus.MERGED, decided_by=done.merged_by, decided_at=done.merged_at
    )


def _store(uow: UnitOfWork, merges: _Merges, *, deps: Deps) -> None:
    uow.health_ids.mark_replaced(merges.replaced_by, deps.clock.now())
    uow.persons.assign_identifier_rows(merges.owners)
    uow.persons.set_merged_into_each(merges.merged_into)
    # Read after the moves: each survivor's keys from their demographics and the
    # first CCCD they now hold, as index_person computes them from the whole person.
    standing = merges.survivors - set(merges.merged_into)
    keys: dict[str, set[str]] = {person_id: set() for person_id in merges.merged_into}
    keys.update(_keys(uow.persons.match_inputs(standing), deps.places))
    uow.persons.replace_blocking_keys(keys)
    uow.reviews.add_merges(list(merges.done.values()))
    uow.audit.add_each(merges.events)


def _keys(items: Iterable[MatchInput], places: AdminUnits) -> dict[str, set[str]]:
    return {item.person_id: blocking_keys(matcher.input_record(item, places)) for item in items}
