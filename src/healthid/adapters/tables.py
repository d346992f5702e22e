"""The registry's tables. Personal fields are ciphertext (``*_ct``); lookups use blind indexes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
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
    # Keyed blind indexes of the BHXH household code (MA_HO_GD) and residence ward the
    # person was first recorded with, for matching only (twins share both): compared for
    # equality, never read back as values.
    household_index: Mapped[str | None] = mapped_column(String(32))
    ward_index: Mapped[str | None] = mapped_column(String(32))
    # Set when merged into another person: the row stays, so an unmerge can restore it.
    merged_into: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IdentifierRow(Base):
    """An identifier mapped to a person (Điều 3.6); unique per system, scope and value."""

    __tablename__ = "identifiers"
    __table_args__ = (
        UniqueConstraint("value_index", "system", "scope", name="uq_identifiers_value"),
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


class FacilityRow(Base):
    __tablename__ = "facilities"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    province_code: Mapped[str] = mapped_column(String(2))
    province_version: Mapped[str] = mapped_column(String(4), default="2025")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Enabled accounts the facility may hold; only an admin changes them (issue 14).
    max_users: Mapped[int] = mapped_column(Integer, default=50, server_default="50")
    max_clients: Mapped[int] = mapped_column(Integer, default=5, server_default="5")


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    facility_code: Mapped[str | None] = mapped_column(ForeignKey("facilities.code"))
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class ApiClientRow(Base):
    __tablename__ = "api_clients"

    client_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facilities.code"), index=True)
    # None for a client that signs assertions with its own key instead (RFC 7523).
    secret_hash: Mapped[str | None] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    jwks: Mapped[str | None] = mapped_column(Text)  # its public keys, a JWKS; never private


class UsedClientAssertionRow(Base):
    """A client assertion's id, kept until the assertion expires so it cannot be replayed.

    ``key`` is the SHA-256 of the client id and the jti: nothing of the assertion itself.
    """

    __tablename__ = "used_client_assertions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginFailureRow(Base):
    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


Index("ix_login_failures_username_at", LoginFailureRow.username, LoginFailureRow.at)


class RevokedTokenRow(Base):
    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(32), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CareRelationshipRow(Base):
    """A facility's care relationship with a person: it may see their demographics until."""

    __tablename__ = "care_relationships"

    facility_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    basis: Mapped[str] = mapped_column(String(16))  # match, registration, mrn
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    until: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BreakGlassRow(Base):
    """An emergency grant to one member of staff on one person; the justification sealed."""

    __tablename__ = "break_glass_grants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    actor: Mapped[str] = mapped_column(String(64))
    facility_code: Mapped[str | None] = mapped_column(String(5))
    person_id: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(16))
    justification_ct: Mapped[bytes] = mapped_column(LargeBinary)
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


Index("ix_break_glass_actor_person", BreakGlassRow.actor, BreakGlassRow.person_id)


class QuotaCounterRow(Base):
    """Identifiable reads per caller per minute: the hourly quotas' sliding window."""

    __tablename__ = "quota_counters"

    subject: Mapped[str] = mapped_column(String(80), primary_key=True)
    bucket: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class AuditEventRow(Base):
    """Append-only record of every access (Công văn 6827). Holds no personal data."""

    __tablename__ = "audit_events"

    # SQLite autoincrements only INTEGER PRIMARY KEY, hence the variant.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str | None] = mapped_column(String(64))
    facility_code: Mapped[str | None] = mapped_column(String(5))
    client_id: Mapped[str | None] = mapped_column(String(40))
    person_id: Mapped[str | None] = mapped_column(String(32))
    purpose: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(200))


Index("ix_audit_events_actor_at", AuditEventRow.actor, AuditEventRow.at)
Index("ix_audit_events_person_id", AuditEventRow.person_id)
Index("ix_audit_events_facility_at", AuditEventRow.facility_code, AuditEventRow.at)
Index("ix_audit_events_at", AuditEventRow.at)


class IssuanceRequestRow(Base):
    __tablename__ = "issuance_requests"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    payload_ct: Mapped[bytes] = mapped_column(LargeBinary)  # SI number, demographics, CCCD
    requested_by: Mapped[str] = mapped_column(String(64))
    facility_code: Mapped[str | None] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    person_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id"))


class BlockingKeyRow(Base):
    """A keyed blind index of a blocking key: candidates by index lookup, no names stored."""

    __tablename__ = "blocking_keys"

    key_index: Mapped[str] = mapped_column(String(32), primary_key=True)
    # No foreign key: derived data, always read with its person (migration 0011).
    person_id: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class ReviewPairRow(Base):
    """A candidate duplicate pair for a person to decide; a rejected one is never proposed again."""

    __tablename__ = "review_pairs"
    __table_args__ = (UniqueConstraint("person_a", "person_b", name="uq_review_pairs_pair"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    person_a: Mapped[str] = mapped_column(ForeignKey("persons.id"))
    person_b: Mapped[str] = mapped_column(ForeignKey("persons.id"))
    probability: Mapped[float] = mapped_column(Float)
    weights: Mapped[str] = mapped_column(Text)  # JSON: comparison -> [level, weight]
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MergeRow(Base):
    """A merge, with what it moved, so an unmerge restores both persons exactly."""

    __tablename__ = "merges"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    survivor_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    absorbed_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    review_id: Mapped[str | None] = mapped_column(ForeignKey("review_pairs.id"))
    moved_identifiers: Mapped[str] = mapped_column(Text)  # JSON list of identifier row ids
    replaced_health_ids: Mapped[str] = mapped_column(Text)  # JSON list of health_id row ids
    merged_by: Mapped[str] = mapped_column(String(64))
    merged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    unmerged_by: Mapped[str | None] = mapped_column(String(64))
    unmerged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Decided by the score alone (batch deduplication): the authority's audit list.
    automatic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


Index("ix_merges_automatic_merged_at", MergeRow.automatic, MergeRow.merged_at)


class SyncSourceRow(Base):
    """What the registry last took from BHXH for one source key (a blind index of it)."""

    __tablename__ = "sync_sources"

    source_index: Mapped[str] = mapped_column(String(32), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SyncRunRow(Base):
    __tablename__ = "sync_runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    checksum: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))
    counts: Mapped[str] = mapped_column(Text, default="{}")  # JSON


class SyncRejectRow(Base):
    """A row a sync run did not import: line, column, rule, reason — never the row's values."""

    __tablename__ = "sync_rejects"

    run_id: Mapped[str] = mapped_column(ForeignKey("sync_runs.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)  # order within the run
    line: Mapped[int] = mapped_column(Integer)
    column: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(300))


class InboxClaimRow(Base):
    """Which server imports an inbox file (by name and checksum), and until when.

    The database lock behind the periodic sync: see services/sync_inbox.py.
    """

    __tablename__ = "sync_inbox_claims"

    file_name: Mapped[str] = mapped_column(String(255), primary_key=True)
    checksum: Mapped[str] = mapped_column(String(64), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    owner: Mapped[str] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(String(16))
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    run_id: Mapped[str | None] = mapped_column(String(32))
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
