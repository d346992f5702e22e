"""Portal sessions and second factors."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, update
from sqlalchemy.orm import Session

from healthid.adapters.store import Sealer, as_utc
from healthid.adapters.web_tables import SecondFactorRow, WebSessionRow
from healthid.domain.web_session import WebSession
from healthid.services.ports import SecondFactor


class SqlWebSessionRepository:
    def __init__(self, session: Session, sealer: Sealer) -> None:
        self._session = session
        self._sealer = sealer

    def add(self, session: WebSession) -> None:
        self._session.add(
            WebSessionRow(
                token_hash=session.token_hash,
                username=session.username,
                created_at=session.created_at,
                last_seen_at=session.last_seen_at,
                second_factor_done=session.second_factor_done,
            )
        )

    def get(self, token_hash: str) -> WebSession | None:
        row = self._session.get(WebSessionRow, token_hash)
        if row is None:
            return None
        return WebSession(
            row.token_hash,
            row.username,
            as_utc(row.created_at),
            as_utc(row.last_seen_at),
            row.second_factor_done,
        )

    def touch(self, token_hash: str, at: datetime) -> None:
        self._session.execute(
            update(WebSessionRow)
            .where(WebSessionRow.token_hash == token_hash)
            .values(last_seen_at=at)
        )

    def mark_second_factor_done(self, token_hash: str) -> None:
        self._session.execute(
            update(WebSessionRow)
            .where(WebSessionRow.token_hash == token_hash)
            .values(second_factor_done=True)
        )

    def delete(self, token_hash: str) -> None:
        self._session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == token_hash))

    def second_factor(self, username: str) -> SecondFactor | None:
        row = self._session.get(SecondFactorRow, username)
        if row is None:
            return None
        secret = self._sealer.open("second_factors", username, "secret", row.secret_ct)
        return SecondFactor(secret, row.confirmed, row.last_step)

    def set_second_factor(self, username: str, factor: SecondFactor) -> None:
        row = self._session.get(SecondFactorRow, username)
        sealed = self._sealer.seal("second_factors", username, "secret", factor.secret)
        if row is None:
            self._session.add(
                SecondFactorRow(
                    username=username,
                    secret_ct=sealed,
                    confirmed=factor.confirmed,
                    last_step=factor.last_step,
                )
            )
        else:
            row.secret_ct, row.confirmed, row.last_step = sealed, factor.confirmed, factor.last_step
        self._session.flush()

    def use_step(self, username: str, step: int) -> bool:
        # One conditional UPDATE: of two requests presenting the same code, the second
        # waits for the first's row lock, then finds last_step already at the step.
        row = SecondFactorRow
        result = self._session.execute(
            update(row)
            .where(
                row.username == username,
                or_(row.last_step.is_(None), row.last_step < step),
            )
            .values(last_step=step, confirmed=True)
            .returning(row.username)  # a row back only if this update won
            .execution_options(synchronize_session=False)
        )
        return result.first() is not None
