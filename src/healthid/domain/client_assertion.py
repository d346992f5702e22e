"""The claims of an RFC 7523 client assertion: what a connected system's signed JWT must say.

The signature is checked elsewhere (adapters/client_keys.py); these are the rules on
what it signed. A refusal carries a short reason code for the audit log, never any
part of the assertion.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from healthid.domain.errors import DomainError

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# Asymmetric algorithms only: "none" proves nothing, and an HMAC algorithm would let
# anyone holding the public key (which is not secret) sign.
ALGORITHMS = frozenset({"RS256", "RS384", "ES256", "ES384", "EdDSA"})
# An assertion is a one-off proof, not a credential to keep: it may live 5 minutes at
# most, so the ids kept against replay never pile up.
MAX_LIFETIME = timedelta(minutes=5)
# Facility systems' clocks drift: an assertion issued this far in the future is accepted.
CLOCK_SKEW = timedelta(seconds=60)
MAX_JTI_LENGTH = 256


class AssertionRefusedError(DomainError):
    """The assertion does not authenticate its client; ``reason`` is safe to audit."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"client assertion refused: {reason}")


@dataclass(frozen=True)
class AcceptedAssertion:
    jti: str
    expires_at: datetime


def _time(claims: Mapping[str, object], name: str) -> datetime | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AssertionRefusedError(f"{name}_malformed")
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise AssertionRefusedError(f"{name}_malformed") from None


def _normalise_url(url: str) -> str:
    return url.rstrip("/")


def check_claims(
    claims: Mapping[str, object],
    *,
    client_id: str,
    audiences: Collection[str],
    now: datetime,
) -> AcceptedAssertion:
    """The assertion's id and expiry if its claims authenticate ``client_id`` here and now.

    ``iss`` and ``sub`` name the client; ``aud`` names this registry's token URL (one of
    ``audiences``); ``exp`` is present, in the future and at most five minutes after
    ``iat`` and after now; ``jti`` is present (its single use is checked by the caller).
    """
    if claims.get("iss") != client_id:
        raise AssertionRefusedError("issuer")
    if claims.get("sub") != client_id:
        raise AssertionRefusedError("subject")
    aud = claims.get("aud")
    named = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    accepted = {_normalise_url(a) for a in audiences}
    if not any(isinstance(a, str) and _normalise_url(a) in accepted for a in named):
        raise AssertionRefusedError("audience")
    expires_at = _time(claims, "exp")
    if expires_at is None:
        raise AssertionRefusedError("exp_missing")
    if expires_at <= now:
        raise AssertionRefusedError("expired")
    issued_at = _time(claims, "iat")
    if issued_at is not None and issued_at > now + CLOCK_SKEW:
        raise AssertionRefusedError("issued_in_future")
    if expires_at - now > MAX_LIFETIME or (
        issued_at is not None and expires_at - issued_at > MAX_LIFETIME
    ):
        raise AssertionRefusedError("lifetime")
    not_before = _time(claims, "nbf")
    if not_before is not None and not_before > now + CLOCK_SKEW:
        raise AssertionRefusedError("not_yet_valid")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not 0 < len(jti) <= MAX_JTI_LENGTH:
        raise AssertionRefusedError("jti")
    return AcceptedAssertion(jti, expires_at)
