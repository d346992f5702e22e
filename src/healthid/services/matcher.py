"""One person, one ID (Điều 3.7): find the person a registration may already be.

Candidates come from the blocking-key index, are scored in process by the
model ``Deps`` carries (``healthid.matching``), and lead to a decision: link (match), ask a
person (review), or a new person.
"""

from __future__ import annotations

from datetime import datetime

from healthid.domain.errors import ValidationError
from healthid.domain.identifiers import Identifier, IdentifierSystem
from healthid.domain.ids import new_id
from healthid.domain.person import Demographics, Person
from healthid.domain.review import ReviewPair, ReviewStatus
from healthid.matching.blocking import blocking_keys
from healthid.matching.model import Model, Scored
from healthid.matching.normalise import MatchRecord, match_record
from healthid.services.deps import Deps
from healthid.services.ports import AdminUnits, Clock, MatchInput, ModelTrainer, UnitOfWork


def train(uow: UnitOfWork, deps: Deps, trainer: ModelTrainer) -> Model:
    """Re-estimate the model's weights on every person in the registry."""
    records = registry_records(uow, deps.places)
    if len(records) < 100:
        raise ValidationError(
            "registry",
            "too_small",
            "training needs at least 100 persons",
            "cần ít nhất 100 người để huấn luyện",
        )
    return trainer.train(records, deps.model)


def record_of(
    *,
    key: str,
    demographics: Demographics,
    identifiers: list[Identifier],
    places: AdminUnits,
    household: str | None = None,
    ward: str | None = None,
) -> MatchRecord:
    """``household``, ``ward``: their blind indexes (``PersonRepository.home_indexes``)."""
    cccd = next((i.value for i in identifiers if i.system == IdentifierSystem.CCCD), None)
    place = places.resolve_birthplace(demographics.birthplace) if demographics.birthplace else None
    return match_record(
        key=key,
        full_name=demographics.full_name,
        birth_date=demographics.birth_date,
        sex=str(demographics.sex),
        cccd=cccd,
        birth_province=place.code if place else None,
        household=household,
        ward=ward,
    )


def registry_records(uow: UnitOfWork, places: AdminUnits) -> list[MatchRecord]:
    """Every person not merged into another, as the matcher sees them (whole-registry passes)."""
    return [input_record(item, places) for item in uow.persons.iter_match_inputs()]


def input_record(item: MatchInput, places: AdminUnits) -> MatchRecord:
    """A stored person's match inputs as the matcher sees them."""
    place = places.resolve_birthplace(item.birthplace) if item.birthplace else None
    return match_record(
        key=item.person_id,
        full_name=item.full_name,
        birth_date=item.birth_date,
        sex=item.sex,
        cccd=item.cccd,
        birth_province=place.code if place else None,
        household=item.household,
        ward=item.ward,
    )


def person_record(person: Person, places: AdminUnits) -> MatchRecord:
    return record_of(
        key=person.id,
        demographics=person.demographics,
        identifiers=person.identifiers,
        places=places,
    )


def index_person(uow: UnitOfWork, places: AdminUnits, person: Person, *, new: bool = False) -> None:
    """Store the person's blocking keys (as blind indexes) so later registrations find them.

    ``new``: the person was added in this unit of work (no stored keys to replace).
    """
    keys = blocking_keys(person_record(person, places))
    uow.persons.set_blocking_keys(person.id, keys, new=new)


def reindex(uow: UnitOfWork, places: AdminUnits) -> int:
    """Recompute every person's blocking keys; the number of persons indexed.

    Needed once after an upgrade that changes what the keys are made of: persons
    stored under the old keys would not be found by new registrations. Persons
    merged into another keep none.
    """
    records = registry_records(uow, places)
    uow.persons.replace_blocking_keys({r.key: blocking_keys(r) for r in records})
    return len(records)


def queue_review(
    uow: UnitOfWork, clock: Clock, a: str, b: str, scored: Scored
) -> ReviewPair | None:
    """Ask a person about this pair, unless someone already said they are two people.

    The pair queued, or None if the pair was already known.
    """
    if uow.reviews.find(a, b) is not None:
        return None
    pair = review_pair(a, b, scored, clock.now())
    uow.reviews.add(pair)
    return pair


def review_pair(a: str, b: str, scored: Scored, at: datetime) -> ReviewPair:
    """The pending pair ``queue_review`` stores: the score and the weights that explain it."""
    return ReviewPair(
        id=new_id(),
        person_a=a,
        person_b=b,
        probability=scored.probability,
        # The evidence that decides the pair, kept with it: a reviewer's view, and for a
        # pair the batch deduplication merges on its own, the record of why.
        weights=scored.evidence(),
        created_at=at,
        status=ReviewStatus.PENDING,
    )
