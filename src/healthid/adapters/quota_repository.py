"""The lookup quotas' counters: an upsert per read, atomic on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from healthid.adapters.store import as_utc
from healthid.adapters.tables import QuotaCounterRow

_T = cast(Table, QuotaCounterRow.__table__)


class SqlQuotaRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def increment(self, subject: str, bucket: datetime, since: datetime) -> int:
        dialect = self._session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        upsert = insert(_T).values(subject=subject, bucket=bucket, count=1)
        # The row lock taken here is held to commit: a concurrent increment of the
        # same minute waits, then adds to the committed count (no lost update).
        upsert = upsert.on_conflict_do_update(
            index_elements=[_T.c.subject, _T.c.bucket], set_={"count": _T.c.count + 1}
        )
        self._session.execute(upsert)
        total = self._session.scalar(
            select(func.coalesce(func.sum(_T.c.count), 0)).where(
                _T.c.subject == subject, _T.c.bucket >= since
            )
        )
        return int(total or 0)

    def oldest(self, subject: str, since: datetime) -> datetime | None:
        at = self._session.scalar(
            select(func.min(_T.c.bucket)).where(_T.c.subject == subject, _T.c.bucket >= since)
        )
        return None if at is None else as_utc(at)
