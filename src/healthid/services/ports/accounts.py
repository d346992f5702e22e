"""Accounts, the audit log, issuance requests and portal sessions; credentials."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from healthid.domain.accounts import ApiClient, Facility, Role, User
from healthid.domain.audit import AuditEvent, AuditFilter
from healthid.domain.issuance_request import IssuanceRequest
from healthid.domain.web_session import WebSession


@dataclass(frozen=True)
class Standing:
    """An account as a token's use must find it: role, facility, disabled, token revoked."""

    role: Role
    facility_code: str | None
    disabled: bool
    revoked: bool


class AccountRepository(Protocol):
    def standing(self, kind: str, name: str, token_id: str | None) -> Standing | None:
        """The user's or client's standing and the token's revocation, in one read."""

    def add_facility(self, facility: Facility) -> None: ...

    def get_facility(self, code: str) -> Facility | None: ...

    def list_facilities(self) -> list[Facility]: ...

    def lock_facility(self, code: str) -> Facility | None:
        """The facility, its row locked to the end of the transaction (FOR UPDATE where the
        database has it): concurrent additions to one facility count its accounts in turn."""

    def count_enabled(self, facility_code: str) -> tuple[int, int]:
        """The facility's enabled users and enabled API clients."""

    def set_facility_limits(self, code: str, max_users: int, max_clients: int) -> None: ...

    def add_user(self, user: User) -> None: ...

    def get_user(self, username: str) -> User | None: ...

    def list_users(self, facility_code: str | None = None) -> list[User]: ...

    def set_user_disabled(self, username: str, disabled: bool) -> None: ...

    def set_password_hash(self, username: str, password_hash: str) -> None: ...

    def add_client(self, client: ApiClient) -> None: ...

    def get_client(self, client_id: str) -> ApiClient | None: ...

    def list_clients(self, facility_code: str | None = None) -> list[ApiClient]: ...

    def set_client_disabled(self, client_id: str, disabled: bool) -> None: ...

    def use_client_assertion(self, key: str, expires_at: datetime, now: datetime) -> bool:
        """Record an assertion id as used until ``expires_at``; False if it was already.

        Atomic: of two concurrent uses of one key exactly one gets True. Ids expired by
        ``now`` are deleted on the way (an expired assertion is refused anyway).
        """

    def add_login_failure(self, username: str, at: datetime) -> None: ...

    def login_failures_since(self, username: str, since: datetime) -> list[datetime]: ...

    def revoke_token(self, jti: str, expires_at: datetime) -> None: ...

    def is_token_revoked(self, jti: str) -> bool: ...


@dataclass(frozen=True)
class BreakGlass:
    """Emergency access to one person for one member of staff, for a limited time."""

    id: str
    actor: str
    facility_code: str | None
    person_id: str
    reason: str
    justification: str  # sealed at rest
    granted_at: datetime
    expires_at: datetime


class CareRepository(Protocol):
    """Who may see a person's demographics: facilities in a care relationship with them,
    and members of staff holding a break-glass grant."""

    def relate(self, facility_code: str, person_id: str, basis: str, at: datetime,
               until: datetime) -> None:  # fmt: skip
        """Start or extend the facility's care relationship with the person."""

    def related(self, facility_code: str, person_id: str, at: datetime) -> bool: ...

    def grant(self, grant: BreakGlass) -> None: ...

    def granted(self, actor: str, person_id: str, at: datetime) -> BreakGlass | None:
        """The actor's break-glass grant on the person still running at ``at``."""


class QuotaRepository(Protocol):
    """Per-minute counters of identifiable reads, one row per subject and minute."""

    def increment(self, subject: str, bucket: datetime, since: datetime, by: int = 1) -> int:
        """Add ``by`` to ``bucket``'s count; the subject's total from ``since`` on, this included.

        Atomic: concurrent increments of one subject queue on its row.
        """

    def oldest(self, subject: str, since: datetime) -> datetime | None:
        """The earliest bucket from ``since`` on that holds a count."""


class AuditRepository(Protocol):
    def add(self, event: AuditEvent) -> None: ...

    def add_each(self, events: Sequence[AuditEvent]) -> None:
        """``add`` for many events, in one statement (the batch deduplication's merges)."""

    def query(
        self,
        where: AuditFilter,
        *,
        limit: int | None = 100,
        offset: int = 0,
        oldest_first: bool = False,
    ) -> list[AuditEvent]: ...

    def daily_counts(
        self, action: str, since: datetime, until: datetime, utc_offset_hours: int
    ) -> list[tuple[str | None, str, int]]:
        """(facility, local day as YYYY-MM-DD, events) for ``action`` in [since, until)."""


class IssuanceRequestRepository(Protocol):
    def add(self, request: IssuanceRequest) -> None: ...

    def get(self, request_id: str) -> IssuanceRequest | None: ...

    def update(self, request: IssuanceRequest) -> None: ...

    def list(self, status: str | None = None) -> list[IssuanceRequest]: ...


@dataclass(frozen=True)
class SecondFactor:
    """A user's TOTP secret (sealed at rest), whether it was confirmed, the last step used."""

    secret: str
    confirmed: bool
    last_step: int | None = None


class WebSessionRepository(Protocol):
    def add(self, session: WebSession) -> None: ...

    def get(self, token_hash: str) -> WebSession | None: ...

    def touch(self, token_hash: str, at: datetime) -> None: ...

    def mark_second_factor_done(self, token_hash: str) -> None: ...

    def delete(self, token_hash: str) -> None: ...

    def second_factor(self, username: str) -> SecondFactor | None: ...

    def set_second_factor(self, username: str, factor: SecondFactor) -> None: ...

    def use_step(self, username: str, step: int) -> bool:
        """Mark the factor confirmed with ``step`` its last used time step, if ``step`` is
        later than the last one used; False otherwise. Atomic: a code is accepted once,
        however many requests present it at once."""


class PasswordHasher(Protocol):
    def hash(self, secret: str) -> str: ...

    def verify(self, hashed: str, secret: str) -> bool:
        """Whether ``secret`` matches; never raises on a mismatch."""


class InvalidTokenError(Exception):
    """A token is malformed, tampered with, expired or signed by an unknown key."""


class TokenSigner(Protocol):
    def sign(self, claims: dict[str, object]) -> str: ...

    def read(self, token: str) -> dict[str, object]:
        """The verified claims; raises ``InvalidTokenError``."""


class OneTimeCodes(Protocol):
    """Time-based one-time codes (RFC 6238) for the portal's second factor."""

    def new_secret(self) -> str: ...

    def provisioning_uri(self, secret: str, username: str) -> str: ...

    def matching_step(self, secret: str, code: str, at: datetime) -> int | None:
        """The time step ``code`` is valid for at ``at`` (one step of drift allowed), else None."""


class ClientKeys(Protocol):
    """Connected systems' public keys (JWKS) and the assertions they sign (RFC 7523)."""

    def public_jwks(self, raw: str) -> str:
        """``raw`` as a JWKS of usable public signing keys, in canonical JSON.

        ``ValidationError`` (field ``jwks``) naming the rule otherwise: not JSON, no keys,
        a private or symmetric key, an unsupported key type or curve, a short RSA key.
        """

    def unverified_claims(self, assertion: str) -> dict[str, object]:
        """The claims, signature unchecked: only to find which client to check it with.

        ``AssertionRefusedError`` if it is not a JWT at all.
        """

    def verify(self, assertion: str, jwks: str) -> dict[str, object]:
        """The claims, its signature checked with a key of ``jwks`` (by ``kid``, else each)
        under an allowed algorithm; ``AssertionRefusedError`` with the reason otherwise."""
