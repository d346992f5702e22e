"""Exports the benchmarks and operators read: who each source record belongs to, and the queue."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from healthid.domain.audit import Action
from healthid.domain.identifiers import IdentifierSystem
from healthid.domain.review import ReviewStatus
from healthid.services.access import Caller, Permission
from healthid.services.audit import record
from healthid.services.deps import Deps
from healthid.services.health_ids import current_health_id
from healthid.services.ports import UnitOfWork
from healthid.services.use_case import unit_of_work


@dataclass(frozen=True)
class PersonRow:
    source_key: str  # the SI number a record came under, else its CCCD
    person: str  # the surviving person it belongs to now
    status: str  # the Health ID's status, or "no_id"


def export_persons(*, deps: Deps, caller: Caller) -> list[PersonRow]:
    """One row per source key: a person holding two SI numbers gives two rows, one PERSON.

    Read and audited in one unit of work: the rows are handed out only once the
    export's event is committed.
    """
    with unit_of_work(deps, caller, Permission.EXPORT_PERSONS) as uow:
        rows = list(_person_rows(uow))
        _audit(uow, deps, caller, f"persons {len(rows)} rows")
    return rows


def export_review(*, deps: Deps, caller: Caller) -> list[tuple[str, str, float]]:
    """Pending pairs as (source key A, source key B, probability), audited."""
    with unit_of_work(deps, caller, Permission.EXPORT_PERSONS) as uow:
        rows = list(_review_rows(uow))
        _audit(uow, deps, caller, f"review {len(rows)} pairs")
    return rows


def _audit(uow: UnitOfWork, deps: Deps, caller: Caller, detail: str) -> None:
    record(uow, clock=deps.clock, action=Action.PERSON_EXPORT, caller=caller, detail=detail)
    uow.commit()


def _person_rows(uow: UnitOfWork) -> Iterator[PersonRow]:
    for person in uow.persons.iter_all():
        issued = current_health_id(uow, person.id)
        keys = [i.value for i in person.identifiers if i.system == IdentifierSystem.SI]
        if not keys:
            keys = [i.value for i in person.identifiers if i.system == IdentifierSystem.CCCD]
        for key in keys:
            yield PersonRow(key, person.id, str(issued.status) if issued else "no_id")


def _review_rows(uow: UnitOfWork) -> Iterator[tuple[str, str, float]]:
    for pair in uow.reviews.list(ReviewStatus.PENDING, limit=10_000_000):
        keys = []
        for person_id in (pair.person_a, pair.person_b):
            person = uow.persons.get(person_id)
            ids = person.identifiers if person else []
            si = [i.value for i in ids if i.system == IdentifierSystem.SI]
            cccd = [i.value for i in ids if i.system == IdentifierSystem.CCCD]
            keys.append((si or cccd or [person_id])[0])
        yield keys[0], keys[1], pair.probability
