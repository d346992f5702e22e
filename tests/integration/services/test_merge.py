"""Merge and unmerge round trips, with Health ID resolution, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from healthid import bootstrap
from healthid.domain.errors import ConflictError
from healthid.domain.issuance import Verification
from healthid.domain.review import ReviewStatus
from healthid.matching.model import Decision, Scored
from healthid.services import matcher as matching
from healthid.services import patients, review
from healthid.services.access import operator
from tests.integration.services.support import establish, lookup

THUY = {
    "si_number": "0123456789",
    "full_name": "Nguyễn Thị Thuỷ",
    "birth_date": "1990-03-12",
    "sex": "female",
    "birthplace": "Hà Nội",
}
# Her namesake in every field, with a CCCD she lacks: at national scale half a namesake
# is expected to share all of it, so the pair is for a person to decide.
OTHER = {**THUY, "si_number": "0123456780", "cccd": "031190000001"}


OPERATOR = operator()


def verify(registry: bootstrap.Registry, health_id: object) -> Verification:
    checked = patients.verify(deps=registry.deps, caller=OPERATOR, health_id=str(health_id))
    return Verification(checked)


def snapshot(registry: bootstrap.Registry, *si_numbers: str) -> list[tuple[str, list[str]]]:
    views = [lookup(registry, "si", si) for si in si_numbers]
    return [
        (v.person.id, sorted(f"{i.system}:{i.value}" for i in v.person.identifiers)) for v in views
    ]


def test_merge_then_unmerge_restores_both_persons_exactly(registry: bootstrap.Registry) -> None:
    first = establish(registry, **THUY)
    second = establish(registry, **OTHER)
    assert second.decision == Decision.REVIEW
    before = snapshot(registry, "0123456789", "0123456780")
    [pair] = review.list_reviews(deps=registry.deps, caller=OPERATOR)

    done = review.merge(deps=registry.deps, caller=OPERATOR, review_id=pair.id)
    assert (done.survivor_id, done.absorbed_id) == (first.person_id, second.person_id)
    assert verify(registry, first.health_id) == Verification.VALID
    assert verify(registry, second.health_id) == Verification.REPLACED
    survivor = lookup(registry, "si", "0123456780")
    assert survivor.person.id == first.person_id  # the replaced ID resolves to the survivor
    assert survivor.masked_health_id == "0123456789.**********"
    by_cccd = lookup(registry, "cccd", "031190000001")
    assert by_cccd.person.id == first.person_id
    again = establish(registry, **OTHER)
    assert again.health_id == first.health_id
    with pytest.raises(ConflictError):
        review.merge(deps=registry.deps, caller=OPERATOR, review_id=pair.id)

    review.unmerge(deps=registry.deps, caller=OPERATOR, merge_id=done.id)
    assert snapshot(registry, "0123456789", "0123456780") == before
    assert verify(registry, second.health_id) == Verification.VALID
    assert review.list_reviews(deps=registry.deps, caller=OPERATOR) == []  # two people
    [decided] = review.list_reviews(
        deps=registry.deps, caller=OPERATOR, status=ReviewStatus.NOT_DUPLICATE
    )
    assert decided.id == pair.id


SCORED = Scored("a", "b", 0.9, {}, {}, Decision.REVIEW)


def test_not_a_duplicate_is_never_proposed_again(registry: bootstrap.Registry) -> None:
    establish(registry, **THUY)
    establish(registry, **OTHER)
    [pair] = review.list_reviews(deps=registry.deps, caller=OPERATOR)
    shown = review.show_review(deps=registry.deps, caller=OPERATOR, review_id=pair.id)
    assert shown.pair.weights["given"][0] == "exact"
    review.reject_review(deps=registry.deps, caller=OPERATOR, review_id=pair.id)
    with registry.uow() as uow:  # the batch deduplication proposes the same pair again
        matching.queue_review(uow, registry.clock, pair.person_b, pair.person_a, SCORED)
        uow.commit()
    assert review.list_reviews(deps=registry.deps, caller=OPERATOR) == []
