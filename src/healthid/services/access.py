"""Who is calling, and what each role may do (authorisation by role and facility)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from healthid.domain.accounts import Role
from healthid.domain.errors import DomainError


class Permission(StrEnum):
    REGISTER_PERSON = "register_person"
    LOOKUP_PERSON = "lookup_person"
    VERIFY_HEALTH_ID = "verify_health_id"
    LINK_FACILITY = "link_facility"
    LIST_FACILITY_PATIENTS = "list_facility_patients"
    REQUEST_ISSUANCE = "request_issuance"
    LIST_ISSUANCE = "list_issuance"
    DECIDE_ISSUANCE = "decide_issuance"
    REVIEW_DUPLICATES = "review_duplicates"
    MANAGE_FACILITIES = "manage_facilities"
    MANAGE_ACCOUNTS = "manage_accounts"
    READ_AUDIT = "read_audit"
    READ_SYNC_RUNS = "read_sync_runs"


_FACILITY = frozenset({Role.STAFF, Role.FACILITY_ADMIN})
POLICY: dict[Permission, frozenset[Role]] = {
    Permission.REGISTER_PERSON: _FACILITY,
    Permission.LOOKUP_PERSON: _FACILITY,
    Permission.VERIFY_HEALTH_ID: _FACILITY | {Role.AUTHORITY},
    Permission.LINK_FACILITY: _FACILITY,
    Permission.LIST_FACILITY_PATIENTS: _FACILITY,
    Permission.REQUEST_ISSUANCE: _FACILITY,
    Permission.LIST_ISSUANCE: frozenset({Role.AUTHORITY, Role.ADMIN}),
    Permission.DECIDE_ISSUANCE: frozenset({Role.AUTHORITY}),
    Permission.REVIEW_DUPLICATES: frozenset({Role.AUTHORITY}),
    Permission.MANAGE_FACILITIES: frozenset({Role.ADMIN}),
    Permission.MANAGE_ACCOUNTS: frozenset({Role.ADMIN, Role.FACILITY_ADMIN}),
    Permission.READ_AUDIT: frozenset({Role.ADMIN, Role.AUDITOR}),
    # Runs and rejects hold no personal data (line, column, rule), but say what BHXH sent.
    Permission.READ_SYNC_RUNS: frozenset({Role.ADMIN, Role.AUDITOR}),
}


class ForbiddenError(DomainError):
    """The caller is authenticated but may not do this."""


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: a person (user) or a connected system (client).

    A client acts as staff of its facility and nothing more.
    """

    kind: str  # "user" or "client"
    name: str
    role: Role
    facility_code: str | None
    token_id: str | None = None

    @property
    def client_id(self) -> str | None:
        return self.name if self.kind == "client" else None


@dataclass(frozen=True)
class RequestContext:
    """Where a request came from and why: recorded with every audit event."""

    source: str | None = None
    purpose: str | None = None


def authorize(principal: Principal, permission: Permission, *, facility: str | None = None) -> None:
    """Raise ``ForbiddenError`` unless the role allows it, within the caller's own facility."""
    if principal.role not in POLICY[permission]:
        raise ForbiddenError(permission.value)
    if facility is not None and principal.role in _FACILITY and principal.facility_code != facility:
        raise ForbiddenError(permission.value)
