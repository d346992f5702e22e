"""Sync with the BHXH household database (Điều 7.3): source state, runs, rejects, inbox claims."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True)
class SourceState:
    """The person a BHXH source key maps to, and the NGAY_CAP_NHAT last applied."""

    person_id: str
    updated_at: datetime


@dataclass
class SyncRun:
    id: str
    file_name: str
    checksum: str
    started_at: datetime
    status: str  # running, finished, refused, interrupted
    counts: dict[str, int] = field(default_factory=dict)
    finished_at: datetime | None = None


@dataclass(frozen=True)
class Reject:
    """A row the sync did not import: where it is and which rule it broke.

    Never the row's values: ``reason`` is the rule's fixed English message (or,
    for a line that could not be read as CSV, what was wrong with its shape),
    so rejects can be stored, served and exported without personal data.
    """

    line: int
    column: str
    rule: str
    reason: str


class ClaimState(StrEnum):
    CLAIMED = "claimed"  # a server is importing the file (until the lease expires)
    IMPORTED = "imported"
    REFUSED = "refused"


@dataclass(frozen=True)
class InboxClaim:
    """A server's claim on one inbox file (by name and checksum), held for a lease.

    ``token`` changes with every claim and take-over, so renewing or settling a
    claim that another server has since taken over matches nothing.
    """

    file_name: str
    checksum: str
    token: str
    owner: str  # host and process, for the operator; never used to decide
    state: ClaimState
    claimed_at: datetime
    expires_at: datetime
    run_id: str | None = None
    settled_at: datetime | None = None
