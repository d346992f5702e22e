"""Repositories for accounts, the audit log and issuance requests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from healthid.adapters.row_encoding import AUDIT_COLUMNS, as_dict, audit_row
from healthid.adapters.store import Sealer, as_utc
from healthid.adapters.tables import (
    ApiClientRow,
    AuditEventRow,
    FacilityRow,
    IssuanceRequestRow,
    LoginFailureRow,
    RevokedTokenRow,
    UsedClientAssertionRow,
    UserRow,
)
from healthid.domain.accounts import ApiClient, Facility, Role, User
from healthid.domain.audit import Action, AuditEvent, AuditFilter, Outcome
from healthid.domain.birth_date import parse_birth_date
from healthid.domain.issuance_request import IssuanceRequest, RequestStatus
from healthid.domain.person import Demographics
from healthid.domain.sex import Sex
from healthid.services.ports import Standing

_AUDIT = cast(Table, AuditEventRow.__table__)


class SqlAccountRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def standing(self, kind: str, name: str, token_id: str | None) -> Standing | None:
        revoked = (
            select(RevokedTokenRow.jti).where(RevokedTokenRow.jti == token_id).exists()
            if token_id
            else literal(False)
        )
        if kind == "client":
            c = ApiClientRow
            row = self._session.execute(
                select(c.facility_code, c.disabled, revoked).where(c.client_id == name)
            ).first()
            return None if row is None else Standing(Role.STAFF, row[0], row[1], bool(row[2]))
        u = UserRow
        found = self._session.execute(
            select(u.role, u.facility_code, u.disabled, revoked).where(u.username == name)
        ).first()
        if found is None:
            return None
        return Standing(Role(found[0]), found[1], found[2], bool(found[3]))

    def add_facility(self, facility: Facility) -> None:
        self._session.add(
            FacilityRow(
                code=facility.code,
                name=facility.name,
                province_code=facility.province_code,
                active=facility.active,
                max_users=facility.max_users,
                max_clients=facility.max_clients,
            )
        )
        self._session.flush()

    @staticmethod
    def _facility(row: FacilityRow) -> Facility:
        return Facility(
            row.code, row.name, row.province_code, row.active, row.max_users, row.max_clients
        )

    def get_facility(self, code: str) -> Facility | None:
        row = self._session.get(FacilityRow, code)
        return None if row is None else self._facility(row)

    def list_facilities(self) -> list[Facility]:
        rows = self._session.scalars(select(FacilityRow).order_by(FacilityRow.code))
        return [self._facility(r) for r in rows]

    def lock_facility(self, code: str) -> Facility | None:
        # SQLite ignores FOR UPDATE: its transactions take the write lock at BEGIN IMMEDIATE.
        row = self._session.scalar(
            select(FacilityRow)
            .where(FacilityRow.code == code)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return None if row is None else self._facility(row)

    def count_enabled(self, facility_code: str) -> tuple[int, int]:
        users = (
            select(func.count())
            .select_from(UserRow)
            .where(UserRow.facility_code == facility_code, UserRow.disabled.is_(False))
            .scalar_subquery()
        )
        clients = (
            select(func.count())
            .select_from(ApiClientRow)
            .where(ApiClientRow.facility_code == facility_code, ApiClientRow.disabled.is_(False))
            .scalar_subquery()
        )
        row = self._session.execute(select(users, clients)).one()
        return int(row[0]), int(row[1])

    def set_facility_limits(self, code: str, max_users: int, max_clients: int) -> None:
        self._session.execute(
            update(FacilityRow)
            .where(FacilityRow.code == code)
            .values(max_users=max_users, max_clients=max_clients)
        )

    def add_user(self, user: User) -> None:
        self._session.add(
            UserRow(
                id=user.id,
                username=user.username,
                role=str(user.role),
                facility_code=user.facility_code,
                password_hash=user.password_hash,
                disabled=user.disabled,
            )
        )
        self._session.flush()

    @staticmethod
    def _user(row: UserRow) -> User:
        return User(
            row.id, row.username, Role(row.role), row.facility_code, row.password_hash, row.disabled
        )

    def get_user(self, username: str) -> User | None:
        row = self._session.scalar(select(UserRow).where(UserRow.username == username))
        return None if row is None else self._user(row)

    def list_users(self, facility_code: str | None = None) -> list[User]:
        query = select(UserRow).order_by(UserRow.username)
        if facility_code is not None:
            query = query.where(UserRow.facility_code == facility_code)
        return [self._user(r) for r in self._session.scalars(query)]

    def set_user_disabled(self, username: str, disabled: bool) -> None:
        self._session.execute(
            update(UserRow).where(UserRow.username == username).values(disabled=disabled)
        )

    def set_password_hash(self, username: str, password_hash: str) -> None:
        self._session.execute(
            update(UserRow).where(UserRow.username == username).values(password_hash=password_hash)
        )

    def add_client(self, client: ApiClient) -> None:
        self._session.add(
            ApiClientRow(
                client_id=client.client_id,
                facility_code=client.facility_code,
                secret_hash=client.secret_hash,
                disabled=client.disabled,
                jwks=client.jwks,
            )
        )
        self._session.flush()

    @staticmethod
    def _client(row: ApiClientRow) -> ApiClient:
        return ApiClient(row.client_id, row.facility_code, row.secret_hash, row.disabled, row.jwks)

    def get_client(self, client_id: str) -> ApiClient | None:
        row = self._session.get(ApiClientRow, client_id)
        return None if row is None else self._client(row)

    def list_clients(self, facility_code: str | None = None) -> list[ApiClient]:
        query = select(ApiClientRow).order_by(ApiClientRow.client_id)
        if facility_code is not None:
            query = query.where(ApiClientRow.facility_code == facility_code)
        return [self._client(r) for r in self._session.scalars(query)]

    def set_client_disabled(self, client_id: str, disabled: bool) -> None:
        self._session.execute(
            update(ApiClientRow)
            .where(ApiClientRow.client_id == client_id)
            .values(disabled=disabled)
        )

    def use_client_assertion(self, key: str, expires_at: datetime, now: datetime) -> bool:
        used = UsedClientAssertionRow
        self._session.execute(delete(used).where(used.expires_at < now))
        # ON CONFLICT DO NOTHING: a concurrent insert of the same key waits for the other
        # transaction and then inserts nothing, so exactly one use counts.
        dialect = self._session.get_bind().dialect.name
        dialect_insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = (
            dialect_insert(used)
            .values(key=key, expires_at=expires_at)
            .on_conflict_do_nothing(index_elements=[used.key])
            .returning(used.key)  # a row back only if this insert made it (rowcount is -1)
        )
        return self._session.execute(statement).first() is not None

    def add_login_failure(self, username: str, at: datetime) -> None:
        self._session.add(LoginFailureRow(username=username[:64], at=at))

    def login_failures_since(self, username: str, since: datetime) -> list[datetime]:
        rows = self._session.scalars(
            select(LoginFailureRow.at).where(
                LoginFailureRow.username == username, LoginFailureRow.at >= since
            )
        )
        return [as_utc(at) for at in rows]

    def revoke_token(self, jti: str, expires_at: datetime) -> None:
        if self._session.get(RevokedTokenRow, jti) is None:
            self._session.add(RevokedTokenRow(jti=jti, expires_at=expires_at))

    def is_token_revoked(self, jti: str) -> bool:
        return self._session.get(RevokedTokenRow, jti) is not None


_AUDIT_EVENTS = cast(Table, AuditEventRow.__table__)


def _event_row(event: AuditEvent) -> dict[str, Any]:
    return as_dict(AUDIT_COLUMNS, audit_row(event))


class SqlAuditRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, event: AuditEvent) -> None:
        # A Core insert: one statement, no ORM flush (every request writes one).
        self._session.execute(insert(_AUDIT), [_event_row(event)])

    def add_each(self, events: Sequence[AuditEvent]) -> None:
        # One executemany: the ORM inserts rows with a generated key one by one.
        if events:
            self._session.execute(insert(_AUDIT_EVENTS), [_event_row(e) for e in events])

    def query(
        self,
        where: AuditFilter,
        *,
        limit: int | None = 100,
        offset: int = 0,
        oldest_first: bool = False,
    ) -> list[AuditEvent]:
        query = select(AuditEventRow)
        for column, value in (
            (AuditEventRow.facility_code, where.facility_code),
            (AuditEventRow.actor, where.actor),
            (AuditEventRow.person_id, where.person_id),
            (AuditEventRow.action, where.action),
        ):
            if value is not None:
                query = query.where(column == value)
        if where.since is not None:
            query = query.where(AuditEventRow.at >= where.since)
        if where.until is not None:
            query = query.where(AuditEventRow.at < where.until)
        order = AuditEventRow.id.asc() if oldest_first else AuditEventRow.id.desc()
        query = query.order_by(order).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return [
            AuditEvent(
                at=as_utc(r.at),
                action=Action(r.action),
                outcome=Outcome(r.outcome),
                actor=r.actor,
                facility_code=r.facility_code,
                client_id=r.client_id,
                person_id=r.person_id,
                purpose=r.purpose,
                source=r.source,
                detail=r.detail,
                id=r.id,
            )
            for r in self._session.scalars(query)
        ]

    def daily_counts(
        self, action: str, since: datetime, until: datetime, utc_offset_hours: int
    ) -> list[tuple[str | None, str, int]]:
        # Days in the registry's time zone, computed by the database: no row leaves it.
        if self._session.get_bind().dialect.name == "sqlite":
            day = func.date(AuditEventRow.at, f"{utc_offset_hours:+d} hours")
        else:
            local = func.timezone("UTC", AuditEventRow.at) + timedelta(hours=utc_offset_hours)
            day = func.to_char(local, "YYYY-MM-DD")
        rows = self._session.execute(
            select(AuditEventRow.facility_code, day, func.count())
            .where(
                AuditEventRow.action == action,
                AuditEventRow.at >= since,
                AuditEventRow.at < until,
            )
            .group_by(AuditEventRow.facility_code, day)
            .order_by(day, AuditEventRow.facility_code)
        )
        return [(facility, str(d), int(n)) for facility, d, n in rows]


class SqlIssuanceRequestRepository:
    def __init__(self, session: Session, sealer: Sealer) -> None:
        self._session = session
        self._sealer = sealer

    def _payload(self, request: IssuanceRequest) -> bytes:
        d = request.demographics
        data = {
            "si_number": request.si_number,
            "cccd": request.cccd,
            "full_name": d.full_name,
            "birth_date": d.birth_date.compact(),
            "sex": str(d.sex),
            "birthplace": d.birthplace,
            "address": d.address,
            "phone": d.phone,
        }
        return self._sealer.seal("issuance_requests", request.id, "payload", json.dumps(data))

    def add(self, request: IssuanceRequest) -> None:
        self._session.add(
            IssuanceRequestRow(
                id=request.id,
                payload_ct=self._payload(request),
                requested_by=request.requested_by,
                facility_code=request.facility_code,
                status=str(request.status),
                created_at=request.created_at,
                reason_ct=self._sealer.seal_optional(
                    "issuance_requests", request.id, "reason", request.reason
                ),
            )
        )
        self._session.flush()

    def update(self, request: IssuanceRequest) -> None:
        row = self._session.get(IssuanceRequestRow, request.id)
        if row is None:
            raise LookupError("issuance request row vanished inside its transaction")
        row.status = str(request.status)
        row.decided_by = request.decided_by
        row.decided_at = request.decided_at
        row.person_id = request.person_id
        row.reason_ct = self._sealer.seal_optional(
            "issuance_requests", request.id, "reason", request.reason
        )

    def get(self, request_id: str) -> IssuanceRequest | None:
        row = self._session.get(IssuanceRequestRow, request_id)
        return None if row is None else self._to_request(row)

    def list(self, status: str | None = None) -> list[IssuanceRequest]:
        query = select(IssuanceRequestRow).order_by(IssuanceRequestRow.created_at)
        if status is not None:
            query = query.where(IssuanceRequestRow.status == status)
        return [self._to_request(r) for r in self._session.scalars(query)]

    def _to_request(self, row: IssuanceRequestRow) -> IssuanceRequest:
        data = json.loads(self._sealer.open("issuance_requests", row.id, "payload", row.payload_ct))
        demographics = Demographics(
            full_name=data["full_name"],
            birth_date=parse_birth_date(data["birth_date"]),
            sex=Sex(data["sex"]),
            birthplace=data["birthplace"],
            address=data["address"],
            phone=data["phone"],
        )
        return IssuanceRequest(
            id=row.id,
            si_number=data["si_number"],
            demographics=demographics,
            cccd=data["cccd"],
            requested_by=row.requested_by,
            facility_code=row.facility_code,
            created_at=as_utc(row.created_at),
            status=RequestStatus(row.status),
            decided_by=row.decided_by,
            decided_at=as_utc(row.decided_at) if row.decided_at else None,
            reason=self._sealer.open_optional("issuance_requests", row.id, "reason", row.reason_ct),
            person_id=row.person_id,
        )
