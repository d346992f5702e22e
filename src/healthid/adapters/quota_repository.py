"""The lookup quotas' counters: an upsert per read, atomic on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, func, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from healthid.adapters.store import as_utc
from healthid.adapters.tables import QuotaCounterRow

_T = cast(Table, QuotaCounterRow.__table__)

# The other minutes of the window are settled: only this minute's row is contended.
_EARLIER = select(func.coalesce(func.sum(_T.c.count), 0)).where(
    _T.c.subject == bindparam("subject"),
    _T.c.bucket >= bindparam("since"),
    _T.c.bucket < bindparam("bucket"),
)
# PostgreSQL: the upsert in a CTE beside the sum, one round trip. Written as text, so it
# is compiled once (SQLAlchemy does not cache a CTE over an ON CONFLICT insert). The row
# lock the upsert takes is held to commit: a concurrent increment of the same minute
# waits, then adds to the committed count (no lost update).
_COUNT_POSTGRES = text(
    """
    WITH this_minute AS (
        INSERT INTO quota_counters (subject, bucket, count) VALUES (:subject, :bucket, :by)
        ON CONFLICT (subject, bucket) DO UPDATE SET count = quota_counters.count + :by
        RETURNING count
    )
    SELECT this_minute.count + (
        SELECT coalesce(sum(count), 0) FROM quota_counters
        WHERE subject = :subject AND bucket >= :since AND bucket < :bucket
    ) FROM this_minute
    """
)
_UPSERT_SQLITE = (
    sqlite_insert(_T)
    .values(subject=bindparam("subject"), bucket=bindparam("bucket"), count=bindparam("by"))
    .on_conflict_do_update(
        index_elements=[_T.c.subject, _T.c.bucket], set_={"count": _T.c.count + bindparam("by")}
    )
    .returning(_T.c.count)
)


class SqlQuotaRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def increment(self, subject: str, bucket: datetime, since: datetime, by: int = 1) -> int:
        params = {"subject": subject, "bucket": bucket, "since": since, "by": by}
        if self._session.get_bind().dialect.name == "postgresql":
            return int(self._session.execute(_COUNT_POSTGRES, params).scalar_one())
        # SQLite: the whole database is locked for the transaction (BEGIN IMMEDIATE).
        this_minute = self._session.execute(_UPSERT_SQLITE, params).scalar_one()
        return int(this_minute) + int(self._session.scalar(_EARLIER, params) or 0)

    def oldest(self, subject: str, since: datetime) -> datetime | None:
        at = self._session.scalar(
            select(func.min(_T.c.bucket)).where(_T.c.subject == subject, _T.c.bucket >= since)
        )
        return None if at is None else as_utc(at)
