"""What the services need from the outside world, as Protocols the adapters implement."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from healthid.domain.admin_units import Province
from healthid.domain.identifiers import Identifier
from healthid.domain.issuance import IssuedHealthId
from healthid.domain.person import Person


class UniquenessError(Exception):
    """A write lost a race against another that claimed the same unique value."""


class PersonRepository(Protocol):
    def add(self, person: Person) -> None: ...

    def get(self, person_id: str) -> Person | None: ...

    def find_by_identifier(self, identifier: Identifier) -> Person | None: ...

    def update(self, person: Person) -> None: ...

    def add_identifier(self, person_id: str, identifier: Identifier) -> None: ...

    def iter_all(self) -> Iterator[Person]: ...


class HealthIdRepository(Protocol):
    def add(self, issued: IssuedHealthId) -> None: ...

    def get_by_si(self, si_number: str) -> IssuedHealthId | None: ...

    def for_person(self, person_id: str) -> list[IssuedHealthId]: ...


class UnitOfWork(Protocol):
    """One transaction: everything done inside is committed together or not at all."""

    persons: PersonRepository
    health_ids: HealthIdRepository

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make the work durable; raises ``UniquenessError`` if a race was lost."""

    def rollback(self) -> None: ...


class KeyRing(Protocol):
    """The secrets that live outside the database, each versioned so it can rotate."""

    def issuing_key(self, version: int | None = None) -> tuple[int, bytes]:
        """The issuing key ``version`` (default: the current one) and its version."""

    def versions(self) -> dict[str, int]:
        """Current version of each kind of key."""

    def rotate(self) -> dict[str, int]:
        """Add a new current version of the issuing, data and signing keys."""


class AdminUnits(Protocol):
    def resolve_birthplace(self, text: str) -> Province | None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...
