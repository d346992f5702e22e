"""The SQLAlchemy unit of work: the only place a transaction is committed."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from healthid.adapters.account_repositories import (
    SqlAccountRepository,
    SqlAuditRepository,
    SqlIssuanceRequestRepository,
)
from healthid.adapters.care_repository import SqlCareRepository
from healthid.adapters.health_id_repository import SqlHealthIdRepository
from healthid.adapters.quota_repository import SqlQuotaRepository
from healthid.adapters.repositories import SqlPersonRepository
from healthid.adapters.review_repository import SqlReviewRepository
from healthid.adapters.store import Sealer
from healthid.adapters.sync.bulk import SqlSyncBulkRepository
from healthid.adapters.sync.repository import SqlSyncRepository
from healthid.adapters.web_repository import SqlWebSessionRepository
from healthid.services.ports import (
    AccountRepository,
    AuditRepository,
    CareRepository,
    HealthIdRepository,
    IssuanceRequestRepository,
    PersonRepository,
    QuotaRepository,
    ReviewRepository,
    SyncBulkRepository,
    SyncRepository,
    UniquenessError,
    WebSessionRepository,
)


class SqlAlchemyUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session], sealer: Sealer) -> None:
        self._session_factory = session_factory
        self._sealer = sealer

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        self.persons: PersonRepository = SqlPersonRepository(self.session, self._sealer)
        self.health_ids: HealthIdRepository = SqlHealthIdRepository(self.session, self._sealer)
        self.accounts: AccountRepository = SqlAccountRepository(self.session)
        self.audit: AuditRepository = SqlAuditRepository(self.session)
        self.issuance_requests: IssuanceRequestRepository = SqlIssuanceRequestRepository(
            self.session, self._sealer
        )
        self.reviews: ReviewRepository = SqlReviewRepository(self.session)
        self.sync: SyncRepository = SqlSyncRepository(self.session, self._sealer)
        self.web_sessions: WebSessionRepository = SqlWebSessionRepository(
            self.session, self._sealer
        )
        self.bulk: SyncBulkRepository = SqlSyncBulkRepository(self.session, self._sealer)
        self.quotas: QuotaRepository = SqlQuotaRepository(self.session)
        self.care: CareRepository = SqlCareRepository(self.session, self._sealer)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Anything not committed explicitly is rolled back: nothing is half-written.
        self.rollback()
        self.session.close()
        if isinstance(exc, IntegrityError) and is_unique_violation(exc):
            raise UniquenessError(type(exc.orig).__name__) from None

    def commit(self) -> None:
        try:
            self.session.commit()
        except IntegrityError as exc:
            if not is_unique_violation(exc):
                raise
            raise UniquenessError(type(exc.orig).__name__) from None

    def rollback(self) -> None:
        self.session.rollback()


def is_unique_violation(exc: IntegrityError) -> bool:
    # PostgreSQL says so with SQLSTATE 23505; SQLite only in its message.
    sqlstate = getattr(exc.orig, "sqlstate", None)
    return sqlstate == "23505" or "UNIQUE constraint failed" in str(exc.orig)
