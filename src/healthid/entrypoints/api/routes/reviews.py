"""The duplicate review queue, merge and unmerge — for the authority."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from healthid.domain.person import Person
from healthid.domain.review import Merge, ReviewPair
from healthid.entrypoints.api.deps import CallerDep, DepsDep
from healthid.services import review

router = APIRouter(tags=["review"])


class ReviewOut(BaseModel):
    id: str
    person_a: str
    person_b: str
    probability: float
    status: str
    weights: dict[str, tuple[str, float]]


class SideOut(BaseModel):
    id: str
    health_id: str | None
    full_name: str
    birth_date: str
    sex: str
    birthplace: str | None


class ReviewDetailOut(ReviewOut):
    a: SideOut
    b: SideOut


class MergeIn(BaseModel):
    survivor_id: str | None = None


class MergeOut(BaseModel):
    id: str
    survivor_id: str
    absorbed_id: str


def _out(pair: ReviewPair) -> ReviewOut:
    return ReviewOut(
        id=pair.id,
        person_a=pair.person_a,
        person_b=pair.person_b,
        probability=pair.probability,
        status=pair.status,
        weights=pair.weights,
    )


def _side(person: Person, health_id: str | None) -> SideOut:
    d = person.demographics
    return SideOut(
        id=person.id,
        health_id=health_id,
        full_name=d.full_name,
        birth_date=str(d.birth_date),
        sex=d.sex,
        birthplace=d.birthplace,
    )


def _merge_out(done: Merge) -> MergeOut:
    return MergeOut(id=done.id, survivor_id=done.survivor_id, absorbed_id=done.absorbed_id)


@router.get("/reviews", response_model=list[ReviewOut])
def list_reviews(
    deps: DepsDep,
    caller: CallerDep,
    status: Annotated[Literal["pending", "merged", "not_duplicate"], Query()] = "pending",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[ReviewOut]:
    pairs = review.list_reviews(deps=deps, caller=caller, status=status, limit=limit)
    return [_out(p) for p in pairs]


@router.get("/reviews/{review_id}", response_model=ReviewDetailOut)
def show_review(review_id: str, deps: DepsDep, caller: CallerDep) -> ReviewDetailOut:
    """Both persons side by side, and the match weight of each comparison."""
    view = review.show_review(deps=deps, caller=caller, review_id=review_id)
    return ReviewDetailOut(
        **_out(view.pair).model_dump(),
        a=_side(view.a, view.a_health_id),
        b=_side(view.b, view.b_health_id),
    )


@router.post("/reviews/{review_id}/merge", response_model=MergeOut)
def merge(review_id: str, body: MergeIn, deps: DepsDep, caller: CallerDep) -> MergeOut:
    done = review.merge(deps=deps, caller=caller, review_id=review_id, survivor_id=body.survivor_id)
    return _merge_out(done)


@router.post("/reviews/{review_id}/reject", status_code=204)
def reject(review_id: str, deps: DepsDep, caller: CallerDep) -> None:
    """Not a duplicate: remembered, never proposed again."""
    review.reject_review(deps=deps, caller=caller, review_id=review_id)


@router.post("/merges/{merge_id}/unmerge", response_model=MergeOut)
def unmerge(merge_id: str, deps: DepsDep, caller: CallerDep) -> MergeOut:
    return _merge_out(review.unmerge(deps=deps, caller=caller, merge_id=merge_id))
