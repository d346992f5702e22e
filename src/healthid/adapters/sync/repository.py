"""What each BHXH source key last gave the registry, and the record of sync runs."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from healthid.adapters.store import Sealer, as_utc
from healthid.adapters.tables import InboxClaimRow, SyncRejectRow, SyncRunRow, SyncSourceRow
from healthid.domain.sync import ClaimState, InboxClaim, Reject, SourceState, SyncRun

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

    def runs_for_file(self, file_name: str, checksum: str) -> list[SyncRun]:
        rows = self._session.scalars(
            select(SyncRunRow)
            .where(SyncRunRow.file_name == file_name, SyncRunRow.checksum == checksum)
            .order_by(SyncRunRow.started_at)
        )
        return [_run(r) for r in rows]

    # Inbox claims. Every change is one conditional UPDATE on the claim's token, so
    # whichever server's statement the database applies first wins, on SQLite (one
    # writer at a time) and PostgreSQL (the row lock, then the WHERE re-checked).

    def claim(self, file_name: str, checksum: str) -> InboxClaim | None:
        row = self._session.get(InboxClaimRow, (file_name, checksum))
        if row is None:
            return None
        return InboxClaim(
            row.file_name,
            row.checksum,
            row.token,
            row.owner,
            ClaimState(row.state),
            as_utc(row.claimed_at),
            as_utc(row.expires_at),
            row.run_id,
            as_utc(row.settled_at) if row.settled_at else None,
        )

    def add_claim(self, claim: InboxClaim) -> None:
        self._session.add(
            InboxClaimRow(
                file_name=claim.file_name,
                checksum=claim.checksum,
                token=claim.token,
                owner=claim.owner,
                state=str(claim.state),
                claimed_at=claim.claimed_at,
                expires_at=claim.expires_at,
            )
        )
        self._session.flush()  # a claim lost to another server surfaces here

    def _update(self, claim: InboxClaim, token: str, **values: Any) -> bool:
        result = self._session.execute(
            update(InboxClaimRow)
            .where(
                InboxClaimRow.file_name == claim.file_name,
                InboxClaimRow.checksum == claim.checksum,
                InboxClaimRow.token == token,
                InboxClaimRow.state == str(ClaimState.CLAIMED),
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return cast(CursorResult[Any], result).rowcount == 1

    def take_over(self, claim: InboxClaim, expired_token: str) -> bool:
        """Replace an expired claim by ``claim``; false if it was renewed or taken meanwhile."""
        result = self._session.execute(
            update(InboxClaimRow)
            .where(
                InboxClaimRow.file_name == claim.file_name,
                InboxClaimRow.checksum == claim.checksum,
                InboxClaimRow.token == expired_token,
                InboxClaimRow.state == str(ClaimState.CLAIMED),
                InboxClaimRow.expires_at <= claim.claimed_at,
            )
            .values(
                token=claim.token,
                owner=claim.owner,
                claimed_at=claim.claimed_at,
                expires_at=claim.expires_at,
            )
            .execution_options(synchronize_session=False)
        )
        return cast(CursorResult[Any], result).rowcount == 1

    def renew_claim(self, claim: InboxClaim, expires_at: datetime) -> bool:
        return self._update(claim, claim.token, expires_at=expires_at)

    def settle_claim(
        self, claim: InboxClaim, state: ClaimState, run_id: str | None, at: datetime
    ) -> bool:
        return self._update(claim, claim.token, state=str(state), run_id=run_id, settled_at=at)
