"""What each BHXH source key last gave the registry, and the record of sync runs."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from healthid.adapters.repositories import Sealer, as_utc
from healthid.adapters.tables import SyncRejectRow, SyncRunRow, SyncSourceRow
from healthid.domain.sync import Reject, SourceState, SyncRun

REASON_LENGTH = 300


def _run(row: SyncRunRow) -> SyncRun:
    return SyncRun(
        row.id,
        row.file_name,
        row.checksum,
        as_utc(row.started_at),
        row.status,
        json.loads(row.counts),
        as_utc(row.finished_at) if row.finished_at else None,
    )


class SqlSyncRepository:
    def __init__(self, session: Session, sealer: Sealer) -> None:
        self._session = session
        self._sealer = sealer

    def _index(self, source_key: str) -> str:
        return self._sealer.index("bhxh-source", source_key)

    def source(self, source_key: str) -> SourceState | None:
        row = self._session.get(SyncSourceRow, self._index(source_key))
        return None if row is None else SourceState(row.person_id, as_utc(row.updated_at))

    def set_source(self, source_key: str, state: SourceState) -> None:
        row = self._session.get(SyncSourceRow, self._index(source_key))
        if row is None:
            self._session.add(
                SyncSourceRow(
                    source_index=self._index(source_key),
                    person_id=state.person_id,
                    updated_at=state.updated_at,
                )
            )
        else:
            row.person_id, row.updated_at = state.person_id, state.updated_at

    def add_run(self, run: SyncRun) -> None:
        self._session.add(
            SyncRunRow(
                id=run.id,
                file_name=run.file_name,
                checksum=run.checksum,
                started_at=run.started_at,
                status=run.status,
                counts=json.dumps(run.counts),
            )
        )

    def finish_run(self, run: SyncRun) -> None:
        row = self._session.get(SyncRunRow, run.id)
        if row is not None:
            row.finished_at, row.status = run.finished_at, run.status
            row.counts = json.dumps(run.counts)

    def runs(self, limit: int = 50, offset: int = 0) -> list[SyncRun]:
        rows = self._session.scalars(
            select(SyncRunRow)
            .order_by(SyncRunRow.started_at.desc(), SyncRunRow.id)
            .limit(limit)
            .offset(offset)
        )
        return [_run(r) for r in rows]

    def run(self, run_id: str) -> SyncRun | None:
        row = self._session.get(SyncRunRow, run_id)
        return None if row is None else _run(row)

    def add_rejects(self, run_id: str, rejects: list[Reject]) -> None:
        self._session.add_all(
            SyncRejectRow(
                run_id=run_id,
                seq=seq,
                line=r.line,
                column=r.column[:64],
                rule=r.rule[:64],
                reason=r.reason[:REASON_LENGTH],
            )
            for seq, r in enumerate(rejects)
        )

    def rejects(self, run_id: str, limit: int | None = None, offset: int = 0) -> list[Reject]:
        rows = self._session.scalars(
            select(SyncRejectRow)
            .where(SyncRejectRow.run_id == run_id)
            .order_by(SyncRejectRow.seq)
            .limit(limit)
            .offset(offset)
        )
        return [Reject(r.line, r.column, r.rule, r.reason) for r in rows]
