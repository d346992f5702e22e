"""The registry's tables. Personal fields are ciphertext (``*_ct``); lookups use blind indexes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so migrations read the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class PersonRow(Base):
    __tablename__ = "persons"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sex: Mapped[str] = mapped_column(String(8))
    full_name_ct: Mapped[bytes] = mapped_column(LargeBinary)
    birth_date_ct: Mapped[bytes] = mapped_column(LargeBinary)
    birthplace_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    address_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IdentifierRow(Base):
    """An identifier mapped to a person (Điều 3.6); unique per system, scope and value."""

    __tablename__ = "identifiers"
    __table_args__ = (
        UniqueConstraint("system", "scope", "value_index", name="uq_identifiers_value"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    system: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(16), default="")
    value_index: Mapped[str] = mapped_column(String(32))
    value_ct: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HealthIdRow(Base):
    """An issued Health ID: one per SI number, never deleted (a trigger forbids it)."""

    __tablename__ = "health_ids"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    si_index: Mapped[str] = mapped_column(String(32), unique=True)
    canonical_ct: Mapped[bytes] = mapped_column(LargeBinary)
    key_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    replaced_by: Mapped[str | None] = mapped_column(ForeignKey("health_ids.id"))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


Index("ix_health_ids_status", HealthIdRow.status)
