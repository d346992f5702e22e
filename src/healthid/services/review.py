"""The duplicate review queue, merge and unmerge (Điều 3.7, 8.1a)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from healthid.domain.audit import Action, AuditEvent
from healthid.domain.errors import ConflictError, NotFoundError, ValidationError
from healthid.domain.ids import new_id
from healthid.domain.issuance import HealthIdStatus, IssuedHealthId
from healthid.domain.person import Person
from healthid.domain.review import AutomaticMerge, Merge, ReviewPair, ReviewStatus
from healthid.services import matcher
from healthid.services.access import Caller, Permission
from healthid.services.audit import event, record
from healthid.services.deps import Deps
from healthid.services.health_ids import current_health_id
from healthid.services.ports import Clock, UnitOfWork
from healthid.services.use_case import unit_of_work

# Who merges when no one asked: the batch deduplication, deciding sure pairs itself.
REGISTRY_ACTOR = "registry"


@dataclass(frozen=True)
class ReviewView:
    """A pair side by side, with the masked IDs and the weights that explain the score."""

    pair: ReviewPair
    a: Person
    b: Person
    a_health_id: str | None
    b_health_id: str | None
    merge_id: str | None = None  # the standing merge this pair decided: what unmerge undoes


def _actor(caller: Caller | None) -> str:
    return caller.principal.name if caller else REGISTRY_ACTOR


def list_reviews(
    *,
    deps: Deps,
    caller: Caller,
    status: str | None = ReviewStatus.PENDING,
    limit: int = 100,
) -> list[ReviewPair]:
    """The pairs waiting for a person's decision (``status`` None: every pair)."""
    if status is not None and status not in set(ReviewStatus):
        raise ValidationError(
            "status",
            "unknown_status",
            "must be pending, merged or not_duplicate",
            "phải là pending, merged hoặc not_duplicate",
        )
    with unit_of_work(deps, caller, Permission.REVIEW_DUPLICATES) as uow:
        pairs = uow.reviews.list(status, limit=limit)
        uow.commit()
    return pairs


def _pair(uow: UnitOfWork, review_id: str) -> ReviewPair:
    pair = uow.reviews.get(review_id)
    if pair is None:
        raise NotFoundError("review")
    return pair


def _person(uow: UnitOfWork, person_id: str) -> Person:
    person = uow.persons.get(person_id)
    if person is None:
        raise NotFoundError("person")
    return person


def show_review(*, deps: Deps, caller: Caller, review_id: str) -> ReviewView:
    """Both persons of a pair, in full: reading each is audited."""
    with unit_of_work(deps, caller, Permission.REVIEW_DUPLICATES) as uow:
        pair = _pair(uow, review_id)
        a, b = _person(uow, pair.person_a), _person(uow, pair.person_b)
        ids = [current_health_id(uow, p.id) for p in (a, b)]
        standing = uow.reviews.merge_of_review(pair.id)
        for person in (a, b):
            record(
                uow,
                clock=deps.clock,
                action=Action.REVIEW_READ,
                caller=caller,
                person_id=person.id,
            )
        uow.commit()
    a_id, b_id = (i.masked if i else None for i in ids)
    return ReviewView(pair, a, b, a_id, b_id, standing.id if standing else None)


def reject_review(*, deps: Deps, caller: Caller, review_id: str) -> None:
    """'Not a duplicate': remembered, and never proposed again."""
    with unit_of_work(deps, caller, Permission.REVIEW_DUPLICATES) as uow:
        pair = _pair(uow, review_id)
        if pair.status != ReviewStatus.PENDING:
            raise _already_decided()
        uow.reviews.decide(review_id, ReviewStatus.NOT_DUPLICATE, _actor(caller), deps.clock.now())
        record(uow, clock=deps.clock, action=Action.REVIEW_REJECT, caller=caller, detail=review_id)
        uow.commit()


def merge(*, deps: Deps, caller: Caller, review_id: str, survivor_id: str | None = None) -> Merge:
    """Make the pair one person. The other Health ID stays valid as 'replaced'."""
    with unit_of_work(deps, caller, Permission.REVIEW_DUPLICATES) as uow:
        done = merge_in(uow, deps, caller, review_id, survivor_id)
        uow.commit()
    return done


def merge_in(
    uow: UnitOfWork,
    deps: Deps,
    caller: Caller | None,
    review_id: str,
    survivor_id: str | None = None,
) -> Merge:
    """A merge and its audit event added to ``uow``, which the use case commits.

    The use case has authorised ``caller``; None is the batch deduplication, named
    "registry". Every check comes before the first write: on ConflictError or
    ValidationError the unit of work holds nothing of this merge.
    """
    pair = _pair(uow, review_id)
    if pair.status != ReviewStatus.PENDING:
        raise _already_decided()
    ids = {pair.person_a, pair.person_b}
    survivor = survivor_id or pair.person_a
    if survivor not in ids:
        raise ValidationError(
            "survivor",
            "not_in_pair",
            "must be one of the pair",
            "phải là một trong hai người của cặp",
        )
    absorbed = (ids - {survivor}).pop()
    for person_id in ids:
        _person(uow, person_id)
        if uow.persons.merged_into(person_id):
            raise ConflictError(
                "person",
                "already_merged",
                "already merged into another",
                "đã được gộp vào người khác",
            )
    now = deps.clock.now()
    retired = retired_on_merge(
        current_health_id(uow, survivor), uow.health_ids.for_person(absorbed)
    )
    for health_id_id, kept_id in retired.items():
        uow.health_ids.set_status(health_id_id, HealthIdStatus.REPLACED, kept_id, now)
    moved = uow.persons.move_identifiers(absorbed, survivor)
    uow.persons.set_merged_into(absorbed, survivor)
    uow.persons.set_blocking_keys(absorbed, set())
    matcher.index_person(uow, deps.places, _person(uow, survivor))
    uow.reviews.decide(review_id, ReviewStatus.MERGED, _actor(caller), now)
    done, audited = merge_record(
        clock=deps.clock,
        survivor=survivor,
        absorbed=absorbed,
        moved=moved,
        replaced=list(retired),
        review_id=review_id,
        caller=caller,
    )
    uow.reviews.add_merge(done)
    uow.audit.add(audited)
    return done


def retired_on_merge(
    kept: IssuedHealthId | None, absorbed_ids: list[IssuedHealthId]
) -> dict[str, str]:
    """The absorbed person's Health IDs a merge retires, each with the survivor's ID it leads to.

    ``kept`` is the survivor's current ID. A survivor without one retires nothing:
    a replaced ID must lead somewhere, so the absorbed person's stay active.
    """
    if kept is None:
        return {}
    return {i.id: kept.id for i in absorbed_ids if i.status == HealthIdStatus.ACTIVE}


def merge_record(
    *,
    clock: Clock,
    survivor: str,
    absorbed: str,
    moved: list[str],
    replaced: list[str],
    review_id: str,
    caller: Caller | None,
    automatic: bool = False,
) -> tuple[Merge, AuditEvent]:
    """The merge to store and its audit event: the caller adds both to the merge's unit of work.

    ``caller`` None: the batch deduplication, named "registry". ``automatic``: decided
    by the score, no person looking (the pair ``review_id`` keeps the evidence).
    """
    done = Merge(
        new_id(),
        survivor,
        absorbed,
        moved,
        replaced,
        _actor(caller),
        clock.now(),
        review_id,
        automatic=automatic,
    )
    audited = event(
        clock=clock,
        action=Action.MERGE,
        caller=caller,
        actor=_actor(caller),
        person_id=survivor,
        detail=done.id,
    )
    return done, audited


def list_automatic_merges(
    *, deps: Deps, caller: Caller, limit: int = 100
) -> Sequence[AutomaticMerge]:
    """The merges the batch deduplication made on the score alone, the latest first, for an
    authority to sample and audit: each with the pair and weights that decided it.

    No person's data is read here (the pair's side by side view is ``show_review``,
    audited per person); the listing itself is recorded.
    """
    with unit_of_work(deps, caller, Permission.REVIEW_DUPLICATES) as uow:
        merges = uow.reviews.automatic_merges(limit=limit)
        record(
            uow,
            clock=deps.clock,
            action=Action.REVIEW_READ,
            caller=caller,
            detail="automatic_merges",
        )
        uow.commit()
    return merges


def unmerge(*, deps: Deps, caller: Caller, merge_id: str) -> Merge:
    """Undo a merge exactly: identifiers and IDs go back; the pair is remembered as two people."""
    with unit_of_work(deps, caller, Permission.REVIEW_DUPLICATES) as uow:
        done = uow.reviews.get_merge(merge_id)
        if done is None:
            raise NotFoundError("merge")
        if done.unmerged_at is not None:
            raise ConflictError(
                "merge",
                "already_unmerged",
                "this merge was already undone",
                "lần gộp này đã được hoàn tác",
            )
        now, actor = deps.clock.now(), _actor(caller)
        uow.persons.move_identifier_rows(done.moved_identifiers, done.absorbed_id)
        for health_id_id in done.replaced_health_ids:
            uow.health_ids.set_status(health_id_id, HealthIdStatus.ACTIVE, None, now)
        uow.persons.set_merged_into(done.absorbed_id, None)
        for person_id in (done.survivor_id, done.absorbed_id):
            matcher.index_person(uow, deps.places, _person(uow, person_id))
        if done.review_id:
            uow.reviews.decide(done.review_id, ReviewStatus.NOT_DUPLICATE, actor, now)
        uow.reviews.mark_unmerged(merge_id, actor, now)
        record(
            uow,
            clock=deps.clock,
            action=Action.UNMERGE,
            caller=caller,
            person_id=done.survivor_id,
            detail=merge_id,
        )
        uow.commit()
    return done


def _already_decided() -> ConflictError:
    return ConflictError(
        "status", "already_decided", "the pair was already decided", "cặp này đã được xử lý"
    )
