"""Audit events: who touched what, why, from where, and how it ended (Công văn 6827)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Action(StrEnum):
    LOGIN = "auth.login"
    TOKEN = "auth.token"  # noqa: S105 - an action name, not a secret
    TOKEN_REVOKE = "auth.revoke"  # noqa: S105 - an action name, not a secret
    LOGOUT = "auth.logout"
    PERSON_REGISTER = "person.register"
    PERSON_LOOKUP = "person.lookup"
    PERSON_READ = "person.read"  # a whole record: the operator's show, a facility's read
    PERSON_MATCH = "person.match"  # an identifier with stated demographics
    BREAK_GLASS = "person.break_glass"  # emergency access: every one is reviewed
    PERSON_CORRECT = "person.correct"
    PERSON_EXPORT = "person.export"  # a file of persons or review pairs
    SYNC_APPLY = "sync.apply"  # a person written by a BHXH extract's row
    HEALTH_ID_VERIFY = "health_id.verify"
    FACILITY_LINK = "person.facility_link"
    FACILITY_PATIENTS = "facility.patients"
    ISSUANCE_REQUEST = "issuance.request"
    ISSUANCE_DECIDE = "issuance.decide"
    REVIEW_READ = "review.read"
    REVIEW_REJECT = "review.not_duplicate"
    MERGE = "person.merge"
    UNMERGE = "person.unmerge"
    ADMIN = "admin"
    AUDIT_READ = "audit.read"
    SYNC_READ = "sync.read"
    QUOTA_EXCEEDED = "quota.exceeded"


class Outcome(StrEnum):
    SUCCESS = "success"
    DENIED = "denied"
    NOT_FOUND = "not_found"
    FAILED = "failed"


# Reads that reveal who a person is, or whether they are known: these count against
# the quotas (services/quotas.py) and are what a patient's access history lists.
IDENTIFIABLE_READS = frozenset(
    {
        Action.PERSON_LOOKUP,
        Action.PERSON_MATCH,
        Action.PERSON_READ,
        Action.PERSON_REGISTER,
        Action.BREAK_GLASS,
        Action.FACILITY_PATIENTS,
    }
)


@dataclass(frozen=True)
class AuditEvent:
    at: datetime
    action: Action
    outcome: Outcome
    actor: str | None = None  # user name or client id
    facility_code: str | None = None
    client_id: str | None = None
    person_id: str | None = None
    purpose: str | None = None
    source: str | None = None  # the caller's network address
    detail: str | None = None  # never personal data
    id: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class AuditFilter:
    facility_code: str | None = None
    actor: str | None = None
    person_id: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
