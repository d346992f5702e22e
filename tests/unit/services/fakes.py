"""In-memory stand-ins for the ports, so service rules are tested without a database."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from healthid.domain.admin_units import CodeVersion, Province
from healthid.domain.audit import AuditEvent
from healthid.domain.identifiers import Identifier, IdentifierSystem
from healthid.domain.issuance import IssuedHealthId
from healthid.domain.person import Person
from healthid.domain.review import ReviewPair
from healthid.services.ports import MatchInput, UniquenessError


@dataclass
class Store:
    """What the fake database holds between units of work."""

    persons: dict[str, Person] = field(default_factory=dict)
    owners: dict[tuple[str, str, str], str] = field(default_factory=dict)
    health_ids: dict[str, IssuedHealthId] = field(default_factory=dict)
    blocks: dict[str, set[str]] = field(default_factory=dict)
    reviews: dict[frozenset[str], ReviewPair] = field(default_factory=dict)
    events: list[AuditEvent] = field(default_factory=list)
    quota: dict[tuple[str, datetime], int] = field(default_factory=dict)
    homes: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


class FakePersons:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, person: Person) -> None:
        self.store.persons[person.id] = copy.deepcopy(person)
        for identifier in person.identifiers:
            self._claim(person.id, identifier)

    def _claim(self, person_id: str, identifier: Identifier) -> None:
        key = (str(identifier.system), identifier.scope, identifier.value)
        if key in self.store.owners:
            raise UniquenessError("identifier")
        self.store.owners[key] = person_id

    def get(self, person_id: str) -> Person | None:
        person = self.store.persons.get(person_id)
        return copy.deepcopy(person) if person else None

    def find_by_identifier(self, identifier: Identifier) -> Person | None:
        owner = self.store.owners.get((str(identifier.system), identifier.scope, identifier.value))
        return self.get(owner) if owner else None

    def update(self, person: Person) -> None:
        kept = self.store.persons[person.id].identifiers
        self.store.persons[person.id] = copy.deepcopy(person)
        self.store.persons[person.id].identifiers = kept

    def add_identifier(self, person_id: str, identifier: Identifier) -> None:
        self._claim(person_id, identifier)
        self.store.persons[person_id].identifiers.append(identifier)

    def iter_all(self) -> Iterator[Person]:
        yield from (copy.deepcopy(p) for p in self.store.persons.values())

    def set_blocking_keys(self, person_id: str, keys: set[str], *, new: bool = False) -> None:
        if new and any(person_id in members for members in self.store.blocks.values()):
            raise AssertionError("a new person already holds blocking keys")
        for members in self.store.blocks.values():
            members.discard(person_id)
        for key in keys:
            self.store.blocks.setdefault(key, set()).add(person_id)

    def estimated_count(self) -> int:
        return len(self.store.persons)

    def home_indexes(
        self, household: str | None, ward: str | None
    ) -> tuple[str | None, str | None]:
        return (household and f"h:{household}"), (ward and f"w:{ward}")

    def set_home(self, person_id: str, household: str | None, ward: str | None) -> None:
        self.store.homes[person_id] = (household, ward)

    def candidate_inputs(self, keys: set[str], *, limit: int) -> list[MatchInput]:
        ids = sorted({p for key in keys for p in self.store.blocks.get(key, set())})
        return [
            MatchInput(
                person_id=p.id,
                full_name=p.demographics.full_name,
                birth_date=p.demographics.birth_date,
                sex=str(p.demographics.sex),
                birthplace=p.demographics.birthplace,
                cccd=next(
                    (i.value for i in p.identifiers if i.system == IdentifierSystem.CCCD), None
                ),
                household=self.store.homes.get(p.id, (None, None))[0],
                ward=self.store.homes.get(p.id, (None, None))[1],
            )
            for p in (self.get(i) for i in ids[:limit])
            if p is not None
        ]


class FakeReviews:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, pair: ReviewPair) -> None:
        self.store.reviews[frozenset((pair.person_a, pair.person_b))] = pair

    def find(self, person_a: str, person_b: str) -> ReviewPair | None:
        return self.store.reviews.get(frozenset((person_a, person_b)))

    def list(self, status: str | None = None, *, limit: int = 100) -> list[ReviewPair]:
        pairs = [p for p in self.store.reviews.values() if status is None or p.status == status]
        return pairs[:limit]


class FakeHealthIds:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, issued: IssuedHealthId) -> None:
        if issued.si_number in self.store.health_ids:
            raise UniquenessError("health_id")
        self.store.health_ids[issued.si_number] = copy.deepcopy(issued)

    def get_by_si(self, si_number: str) -> IssuedHealthId | None:
        return copy.deepcopy(self.store.health_ids.get(si_number))

    def for_person(self, person_id: str) -> list[IssuedHealthId]:
        return [i for i in self.store.health_ids.values() if i.person_id == person_id]


class FakeAudit:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, event: AuditEvent) -> None:
        self.store.events.append(event)


class FakeQuotas:
    def __init__(self, store: Store) -> None:
        self.store = store

    def increment(self, subject: str, bucket: datetime, since: datetime, by: int = 1) -> int:
        self.store.quota[subject, bucket] = self.store.quota.get((subject, bucket), 0) + by
        return sum(n for (s, b), n in self.store.quota.items() if s == subject and b >= since)

    def oldest(self, subject: str, since: datetime) -> datetime | None:
        return min((b for s, b in self.store.quota if s == subject and b >= since), default=None)


class FakeUnitOfWork:
    """Works on a copy of the store and publishes it only on commit."""

    def __init__(self, store: Store) -> None:
        self.shared = store
        self.committed = False

    def __enter__(self) -> Self:
        self.working = copy.deepcopy(self.shared)
        self.persons = FakePersons(self.working)
        self.health_ids = FakeHealthIds(self.working)
        self.reviews = FakeReviews(self.working)
        self.audit = FakeAudit(self.working)
        self.quotas = FakeQuotas(self.working)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        self.shared.__dict__.update(copy.deepcopy(self.working).__dict__)
        self.committed = True

    def rollback(self) -> None:
        self.working = copy.deepcopy(self.shared)


class FakeKeyRing:
    def __init__(self) -> None:
        self.keys = {1: b"issuing-key-1".ljust(32, b".")}

    def issuing_key(self, version: int | None = None) -> tuple[int, bytes]:
        chosen = max(self.keys) if version is None else version
        return chosen, self.keys[chosen]

    def versions(self) -> dict[str, int]:
        return {"issuing": max(self.keys)}

    def rotate(self) -> dict[str, int]:
        new = max(self.keys) + 1
        self.keys[new] = f"issuing-key-{new}".encode().ljust(32, b".")
        return self.versions()


class FakePlaces:
    """Knows one birthplace: Hà Nội, province 01 since 2025."""

    def resolve_birthplace(self, text: str) -> Province | None:
        if text.strip().upper() in {"HÀ NỘI", "HA NOI"}:
            return Province("01", "Hà Nội", CodeVersion.V2025)
        return None


class FixedClock:
    def __init__(self, moment: datetime | None = None) -> None:
        self.moment = moment or datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment
