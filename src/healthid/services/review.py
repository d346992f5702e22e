"""The duplicate review queue, merge and unmerge (Điều 3.7, 8.1a)."""

from __future__ import annotations

from dataclasses import dataclass

from healthid.domain.audit import Action, AuditEvent
from healthid.domain.errors import ConflictError, NotFoundError, ValidationError
from healthid.domain.ids import new_id
from healthid.domain.issuance import HealthIdStatus, IssuedHealthId
from healthid.domain.person import Person
from healthid.domain.review import Merge, ReviewPair, ReviewStatus
from healthid.services import matcher as matching
from healthid.services.access import Permission, Principal, RequestContext, authorize
from healthid.services.audit import event, record
from healthid.services.health_ids import current_health_id
from healthid.services.ports import AdminUnits, Clock, UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True)
class ReviewView:
    """A pair side by side, with the masked IDs and the weights that explain the score."""

    pair: ReviewPair
    a: Person
    b: Person
    a_health_id: str | None
    b_health_id: str | None
    merge_id: str | None = None  # the standing merge this pair decided: what unmerge undoes


def _allowed(principal: Principal | None) -> None:
    if principal is not None:  # None: the operator's command line
        authorize(principal, Permission.REVIEW_DUPLICATES)


def _actor(principal: Principal | None) -> str:
    return principal.name if principal else "cli"


def list_reviews(
    *,
    uow_factory: UnitOfWorkFactory,
    status: str | None = ReviewStatus.PENDING,
    limit: int = 100,
    principal: Principal | None = None,
) -> list[ReviewPair]:
    _allowed(principal)
    if status is not None and status not in set(ReviewStatus):
        raise ValidationError(
            "status",
            "unknown_status",
            "must be pending, merged or not_duplicate",
            "phải là pending, merged hoặc not_duplicate",
        )
    with uow_factory() as uow:
        return uow.reviews.list(status, limit=limit)


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


def show_review(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    review_id: str,
    principal: Principal | None = None,
    ctx: RequestContext | None = None,
) -> ReviewView:
    _allowed(principal)
    with uow_factory() as uow:
        pair = _pair(uow, review_id)
        a, b = _person(uow, pair.person_a), _person(uow, pair.person_b)
        ids = [current_health_id(uow, p.id) for p in (a, b)]
        standing = uow.reviews.merge_of_review(pair.id)
        for person in (a, b):
            record(
                uow,
                clock=clock,
                action=Action.REVIEW_READ,
                principal=principal,
                ctx=ctx,
                person_id=person.id,
                actor=_actor(principal),
            )
        uow.commit()
    a_id, b_id = (i.masked if i else None for i in ids)
    return ReviewView(pair, a, b, a_id, b_id, standing.id if standing else None)


def reject_review(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    review_id: str,
    principal: Principal | None = None,
    ctx: RequestContext | None = None,
) -> None:
    """'Not a duplicate': remembered, and never proposed again."""
    _allowed(principal)
    with uow_factory() as uow:
        pair = _pair(uow, review_id)
        if pair.status != ReviewStatus.PENDING:
            raise ConflictError(
                "status", "already_decided", "the pair was already decided", "cặp này đã được xử lý"
            )
        uow.reviews.decide(review_id, ReviewStatus.NOT_DUPLICATE, _actor(principal), clock.now())
        record(
            uow,
            clock=clock,
            action=Action.REVIEW_REJECT,
            principal=principal,
            ctx=ctx,
            actor=_actor(principal),
            detail=review_id,
        )
        uow.commit()


def merge(
    *,
    uow_factory: UnitOfWorkFactory,
    places: AdminUnits,
    clock: Clock,
    review_id: str,
    survivor_id: str | None = None,
    principal: Principal | None = None,
    ctx: RequestContext | None = None,
) -> Merge:
    """Make the pair one person. The other Health ID stays valid as 'replaced'."""
    with uow_factory() as uow:
        done = merge_in(
            uow,
            places=places,
            clock=clock,
            review_id=review_id,
            survivor_id=survivor_id,
            principal=principal,
            ctx=ctx,
        )
        uow.commit()
    return done


def merge_in(
    uow: UnitOfWork,
    *,
    places: AdminUnits,
    clock: Clock,
    review_id: str,
    survivor_id: str | None = None,
    principal: Principal | None = None,
    ctx: RequestContext | None = None,
) -> Merge:
    """merge() inside the caller's unit of work, which commits (the batch deduplication).

    Every check comes before the first write: on ConflictError or ValidationError
    the unit of work holds nothing of this merge.
    """
    _allowed(principal)
    pair = _pair(uow, review_id)
    if pair.status != ReviewStatus.PENDING:
        raise ConflictError(
            "status", "already_decided", "the pair was already decided", "cặp này đã được xử lý"
        )
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
    retired = retired_on_merge(
        current_health_id(uow, survivor), uow.health_ids.for_person(absorbed)
    )
    for health_id_id, kept_id in retired.items():
        uow.health_ids.set_status(health_id_id, HealthIdStatus.REPLACED, kept_id, clock.now())
    moved = uow.persons.move_identifiers(absorbed, survivor)
    uow.persons.set_merged_into(absorbed, survivor)
    uow.persons.set_blocking_keys(absorbed, set())
    matching.index_person(uow, places, _person(uow, survivor))
    uow.reviews.decide(review_id, ReviewStatus.MERGED, _actor(principal), clock.now())
    done, audited = merge_record(
        clock=clock,
        survivor=survivor,
        absorbed=absorbed,
        moved=moved,
        replaced=list(retired),
        review_id=review_id,
        principal=principal,
        ctx=ctx,
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
    principal: Principal | None = None,
    ctx: RequestContext | None = None,
) -> tuple[Merge, AuditEvent]:
    """The merge to store and its audit event: the caller adds both to the merge's unit of work."""
    done = Merge(
        new_id(),
        survivor,
        absorbed,
        moved,
        replaced,
        _actor(principal),
        clock.now(),
        review_id,
    )
    audited = event(
        clock=clock,
        action=Action.MERGE,
        principal=principal,
        ctx=ctx,
        actor=_actor(principal),
        person_id=survivor,
        detail=done.id,
    )
    return done, audited


def unmerge(
    *,
    uow_factory: UnitOfWorkFactory,
    places: AdminUnits,
    clock: Clock,
    merge_id: str,
    principal: Principal | None = None,
    ctx: RequestContext | None = None,
) -> Merge:
    """Undo a merge exactly: identifiers and IDs go back; the pair is remembered as two people."""
    _allowed(principal)
    with uow_factory() as uow:
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
        uow.persons.move_identifier_rows(done.moved_identifiers, done.absorbed_id)
        for health_id_id in done.replaced_health_ids:
            uow.health_ids.set_status(health_id_id, HealthIdStatus.ACTIVE, None, clock.now())
        uow.persons.set_merged_into(done.absorbed_id, None)
        for person_id in (done.survivor_id, done.absorbed_id):
            matching.index_person(uow, places, _person(uow, person_id))
        if done.review_id:
            uow.reviews.decide(
                done.review_id, ReviewStatus.NOT_DUPLICATE, _actor(principal), clock.now()
            )
        uow.reviews.mark_unmerged(merge_id, _actor(principal), clock.now())
        record(
            uow,
            clock=clock,
            action=Action.UNMERGE,
            principal=principal,
            ctx=ctx,
            actor=_actor(principal),
            person_id=done.survivor_id,
            detail=merge_id,
        )
        uow.commit()
    return done
