"""An issued Health ID as the registry keeps it, and what verification answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from healthid.domain.health_id import HealthId, compute_check, masked_health_id


class HealthIdStatus(StrEnum):
    """Lifecycle of an ID. IDs are never deleted or reused, only retired."""

    ACTIVE = "active"
    REVOKED = "revoked"
    REPLACED = "replaced"


class Verification(StrEnum):
    """What verification answers: a status, never demographics (Điều 3.8)."""

    VALID = "valid"
    INVALID = "invalid"
    REVOKED = "revoked"
    REPLACED = "replaced"


@dataclass
class IssuedHealthId:
    """A Health ID with the issuance snapshot its check characters were computed from.

    ``canonical`` is frozen at issuance: later corrections of the person's name
    or birthplace never change an issued ID. ``key_version`` names the issuing
    key used, so rotation never invalidates an ID.
    """

    id: str
    person_id: str
    si_number: str
    canonical: str
    key_version: int
    status: HealthIdStatus
    issued_at: datetime
    replaced_by: str | None = None

    def full(self, issuing_key: bytes) -> HealthId:
        """The full ID, recomputed from the snapshot under the key it was issued with."""
        return HealthId(self.si_number, compute_check(issuing_key, self.canonical))

    @property
    def masked(self) -> str:
        return masked_health_id(self.si_number)

    def verification(self) -> Verification:
        """The answer for a caller whose check characters matched this ID."""
        return {
            HealthIdStatus.ACTIVE: Verification.VALID,
            HealthIdStatus.REVOKED: Verification.REVOKED,
            HealthIdStatus.REPLACED: Verification.REPLACED,
        }[self.status]
