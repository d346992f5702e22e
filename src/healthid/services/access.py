"""Who is calling, and what each role may do (authorisation by role and facility)."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from datetime import timedelta
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
    SET_ACCOUNT_LIMITS = "set_account_limits"  # how many accounts a facility may hold
    READ_AUDIT = "read_audit"
    READ_SYNC_RUNS = "read_sync_runs"

    BREAK_GLASS = "break_glass"  # emergency access to one person, for a few hours
    READ_PERSON = "read_person"  # a whole record by SI number or CCCD (the operator's show)
    CORRECT_PERSON = "correct_person"
    EXPORT_PERSONS = "export_persons"
    APPLY_SYNC = "apply_sync"  # import a BHXH extract
    DEDUPLICATE = "deduplicate"  # the whole registry, or its model


_FACILITY = frozenset({Role.STAFF, Role.FACILITY_ADMIN})
# The operator is at the registry's console with the database and the key ring in hand:
# the command line may do everything, but it is named as the caller, and audited.
_OPERATOR = frozenset({Role.OPERATOR})
POLICY: dict[Permission, frozenset[Role]] = {
    Permission.REGISTER_PERSON: _FACILITY | _OPERATOR,
    Permission.LOOKUP_PERSON: _FACILITY | _OPERATOR,
    Permission.VERIFY_HEALTH_ID: _FACILITY | {Role.AUTHORITY} | _OPERATOR,
    Permission.LINK_FACILITY: _FACILITY,
    Permission.LIST_FACILITY_PATIENTS: _FACILITY,
    Permission.REQUEST_ISSUANCE: _FACILITY,
    Permission.LIST_ISSUANCE: frozenset({Role.AUTHORITY, Role.ADMIN}),
    Permission.DECIDE_ISSUANCE: frozenset({Role.AUTHORITY}),
    Permission.REVIEW_DUPLICATES: frozenset({Role.AUTHORITY}) | _OPERATOR,
    Permission.MANAGE_FACILITIES: frozenset({Role.ADMIN}) | _OPERATOR,
    Permission.MANAGE_ACCOUNTS: frozenset({Role.ADMIN, Role.FACILITY_ADMIN}) | _OPERATOR,
    # Not a facility admin: the cap is what bounds how many accounts they can make.
    Permission.SET_ACCOUNT_LIMITS: frozenset({Role.ADMIN}) | _OPERATOR,
    Permission.READ_AUDIT: frozenset({Role.ADMIN, Role.AUDITOR}) | _OPERATOR,
    # Runs and rejects hold no personal data (line, column, rule), but say what BHXH sent.
    Permission.READ_SYNC_RUNS: frozenset({Role.ADMIN, Role.AUDITOR}) | _OPERATOR,
    Permission.BREAK_GLASS: _FACILITY,
    Permission.READ_PERSON: _OPERATOR,
    Permission.CORRECT_PERSON: _OPERATOR,
    Permission.EXPORT_PERSONS: _OPERATOR,
    Permission.APPLY_SYNC: _OPERATOR,
    Permission.DEDUPLICATE: _OPERATOR,
}


class ForbiddenError(DomainError):
    """The caller is authenticated but may not do this."""


class AuthenticationError(DomainError):
    """Wrong credentials, an unknown or disabled account, or a bad token. Says no more."""


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: a person (user) or a connected system (client).

    A client acts as staff of its facility and nothing more.
    """

    kind: str  # "user", "client" or "operator"
    name: str
    role: Role
    facility_code: str | None
    token_id: str | None = None
    # False when read from a token's claims alone: the use case checks the account and
    # the token's revocation in its own transaction before it does anything.
    confirmed: bool = True

    @property
    def client_id(self) -> str | None:
        return self.name if self.kind == "client" else None


@dataclass(frozen=True)
class RequestContext:
    """Where a request came from and why: recorded with every audit event."""

    source: str | None = None
    purpose: str | None = None


@dataclass(frozen=True)
class CarePolicy:
    """How long a care relationship and a break-glass grant give sight of a person."""

    relationship: timedelta = timedelta(days=365)
    break_glass: timedelta = timedelta(hours=4)


@dataclass(frozen=True)
class Caller:
    """Who is calling and from where: every use case takes one, and audits it."""

    principal: Principal
    ctx: RequestContext = field(default_factory=RequestContext)


def operator(*, source: str = "cli", purpose: str | None = None) -> Caller:
    """The operator at the command line, named by their operating-system account."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers): still named
        name = "unknown"
    return Caller(
        Principal("operator", f"os:{name}"[:64], Role.OPERATOR, None),
        RequestContext(source=source, purpose=purpose),
    )


def registry_itself(task: str) -> Caller:
    """The registry acting on its own schedule (the inbox sync): named, audited, no account."""
    return Caller(Principal("registry", f"registry:{task}"[:64], Role.OPERATOR, None))


def authorize(principal: Principal, permission: Permission, *, facility: str | None = None) -> None:
    """Raise ``ForbiddenError`` unless the role allows it, within the caller's own facility."""
    if principal.role not in POLICY[permission]:
        raise ForbiddenError(permission.value)
    if facility is not None and principal.role in _FACILITY and principal.facility_code != facility:
        raise ForbiddenError(permission.value)
