"""Exports the benchmarks and operators read: who each source record belongs to, and the queue."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from healthid.domain.identifiers import IdentifierSystem
from healthid.domain.review import ReviewStatus
from healthid.services.health_ids import current_health_id
from healthid.services.ports import UnitOfWorkFactory


@dataclass(frozen=True)
class PersonRow:
    source_key: str  # the SI number a record came under, else its CCCD
    person: str  # the surviving person it belongs to now
    status: str  # the Health ID's status, or "no_id"


def export_persons(*, uow_factory: UnitOfWorkFactory) -> Iterator[PersonRow]:
    """One row per source key: a person holding two SI numbers gives two rows, one PERSON."""
    with uow_factory() as uow:
        for person in uow.persons.iter_all():
            issued = current_health_id(uow, person.id)
            keys = [i.value for i in person.identifiers if i.system == IdentifierSystem.SI]
            if not keys:
                keys = [i.value for i in person.identifiers if i.system == IdentifierSystem.CCCD]
            for key in keys:
                yield PersonRow(key, person.id, str(issued.status) if issued else "no_id")


def export_review(*, uow_factory: UnitOfWorkFactory) -> Iterator[tuple[str, str, float]]:
    """Pending pairs as (source key A, source key B, probability)."""
    with uow_factory() as uow:
        for pair in uow.reviews.list(ReviewStatus.PENDING, limit=10_000_000):
            keys = []
            for person_id in (pair.person_a, pair.person_b):
                person = uow.persons.get(person_id)
                ids = person.identifiers if person else []
                si = [i.value for i in ids if i.system == IdentifierSystem.SI]
                cccd = [i.value for i in ids if i.system == IdentifierSystem.CCCD]
                keys.append((si or cccd or [person_id])[0])
            yield keys[0], keys[1], pair.probability
