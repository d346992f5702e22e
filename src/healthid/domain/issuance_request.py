"""A request to establish an ID the registry cannot establish on its own (Điều 3.2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from healthid.domain.person import Demographics


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class IssuanceRequest:
    id: str
    si_number: str
    demographics: Demographics
    cccd: str | None
    requested_by: str
    facility_code: str | None
    created_at: datetime
    status: RequestStatus = RequestStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    person_id: str | None = None
