"""One transaction over every repository."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from healthid.services.ports.accounts import (
    AccountRepository,
    AuditRepository,
    CareRepository,
    IssuanceRequestRepository,
    QuotaRepository,
    WebSessionRepository,
)
from healthid.services.ports.persons import HealthIdRepository, PersonRepository, ReviewRepository
from healthid.services.ports.sync import SyncBulkRepository, SyncRepository


class UniquenessError(Exception):
    """A write lost a race against another that claimed the same unique value."""


class UnitOfWork(Protocol):
    """One transaction: everything done inside is committed together or not at all."""

    persons: PersonRepository
    health_ids: HealthIdRepository
    accounts: AccountRepository
    audit: AuditRepository
    issuance_requests: IssuanceRequestRepository
    reviews: ReviewRepository
    sync: SyncRepository
    web_sessions: WebSessionRepository
    bulk: SyncBulkRepository
    quotas: QuotaRepository
    care: CareRepository

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


UnitOfWorkFactory = Callable[[], UnitOfWork]
