"""Tables for the web portal: sessions (by token hash) and users' sealed TOTP secrets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from healthid.adapters.tables import Base


class WebSessionRow(Base):
    """A signed-in browser; the cookie's token is never stored, only its SHA-256."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    second_factor_done: Mapped[bool] = mapped_column(Boolean, default=False)


class SecondFactorRow(Base):
    """A user's TOTP secret, sealed with the data key (which lives outside the database)."""

    __tablename__ = "second_factors"

    username: Mapped[str] = mapped_column(String(32), primary_key=True)
    secret_ct: Mapped[bytes] = mapped_column(LargeBinary)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    last_step: Mapped[int | None] = mapped_column(Integer)
