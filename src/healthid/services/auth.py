"""Signing in: passwords and client secrets for tokens, and tokens back to callers."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from healthid.domain.accounts import (
    LOCKOUT_WINDOW,
    Role,
    locked_until,
)
from healthid.domain.audit import Action, AuditEvent, Outcome
from healthid.domain.web_session import needs_second_factor
from healthid.services.access import (
    AuthenticationError,
    Caller,
    Principal,
    RequestContext,
)
from healthid.services.audit import event, record
from healthid.services.deps import Deps
from healthid.services.ports import (
    Clock,
    InvalidTokenError,
    OneTimeCodes,
    PasswordHasher,
    SecondFactor,
    TokenSigner,
    UnitOfWork,
)

__all__ = [  # AuthenticationError lives in services.access; re-exported for the entry points
    "TOKEN_LIFETIME",
    "AuthenticationError",
    "LockedOutError",
    "SecondFactorNotEnrolledError",
    "SecondFactorRequiredError",
    "Token",
    "accept_code",
    "check_password",
    "issue_token",
    "principal_from_token",
    "record_failure",
    "refusal",
    "revoke_token",
    "token_for_client",
    "token_for_user",
]

TOKEN_LIFETIME = timedelta(minutes=5)


class LockedOutError(AuthenticationError):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__("account locked after repeated failures")


class SecondFactorRequiredError(AuthenticationError):
    """The password was right, but the role needs the TOTP code too."""


class SecondFactorNotEnrolledError(AuthenticationError):
    """The role needs a second factor and the user has not enrolled one on the portal yet.

    The API cannot enrol one: enrolment shows the secret, which needs the portal's
    signed-in session, not a password alone.
    """


@dataclass(frozen=True)
class Token:
    access_token: str
    expires_in: int
    token_type: str = "Bearer"  # noqa: S105 - the OAuth2 token type, not a secret


def issue_token(signer: TokenSigner, clock: Clock, principal: Principal) -> Token:
    now = clock.now()
    claims: dict[str, object] = {
        "sub": principal.name,
        "kind": principal.kind,
        "role": str(principal.role),
        "fac": principal.facility_code,
        "iat": int(now.timestamp()),
        "exp": int((now + TOKEN_LIFETIME).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return Token(signer.sign(claims), int(TOKEN_LIFETIME.total_seconds()))


def check_password(
    uow: UnitOfWork,
    *,
    deps: Deps,
    hasher: PasswordHasher,
    ctx: RequestContext,
    username: str,
    password: str,
) -> Principal:
    """The user a password signs in, in the sign-in's unit of work.

    Lockout after 5 failures in 15 minutes. A refusal is recorded in ``uow`` (a failure
    counted towards the lockout, and its audit event) before ``AuthenticationError``
    is raised: the use case commits the refusal, then lets the error through.
    """
    name = username.strip().lower() if isinstance(username, str) else ""
    now = deps.clock.now()
    user = uow.accounts.get_user(name)
    until = locked_until(uow.accounts.login_failures_since(name, now - LOCKOUT_WINDOW), now)
    if until is not None:
        uow.audit.add(
            refusal(deps.clock, ctx, Action.LOGIN, Outcome.DENIED, actor=name, detail="locked")
        )
        raise LockedOutError(max(1, int((until - now).total_seconds())))
    # Verify even for an unknown user, so timing does not reveal which names exist.
    valid = hasher.verify(user.password_hash if user else _DECOY_HASH.get(hasher), password)
    if user is None or not valid or user.disabled:
        record_failure(uow, deps=deps, ctx=ctx, username=name)
        raise AuthenticationError("invalid credentials")
    return Principal("user", user.username, user.role, user.facility_code)


def record_failure(
    uow: UnitOfWork, *, deps: Deps, ctx: RequestContext, username: str, detail: str | None = None
) -> None:
    """A failed sign-in step, added to ``uow``: counted towards the lockout and audited."""
    uow.accounts.add_login_failure(username, deps.clock.now())
    uow.audit.add(
        refusal(deps.clock, ctx, Action.LOGIN, Outcome.FAILED, actor=username, detail=detail)
    )


def accept_code(
    uow: UnitOfWork,
    *,
    deps: Deps,
    codes: OneTimeCodes,
    ctx: RequestContext,
    username: str,
    factor: SecondFactor,
    code: str,
) -> None:
    """Accept a TOTP code for ``username``, once: the portal and the API's password grant.

    A code whose time step is not later than the last one used is refused (a code seen
    over a shoulder or in a proxy log cannot be used again). A refusal is recorded in
    ``uow`` like a wrong password (it counts towards the lockout), then raised as the same
    ``AuthenticationError``; the use case commits the refusal.
    """
    step = codes.matching_step(factor.secret, code, deps.clock.now())
    if (
        step is None
        or (factor.last_step is not None and step <= factor.last_step)
        or not uow.web_sessions.use_step(username, step)
    ):
        record_failure(uow, deps=deps, ctx=ctx, username=username, detail="totp")
        raise AuthenticationError("invalid code")


def refusal(
    clock: Clock,
    ctx: RequestContext,
    action: Action,
    outcome: Outcome,
    *,
    actor: str,
    detail: str | None = None,
) -> AuditEvent:
    """An event before anyone is authenticated: the name that was tried, and where from."""
    anonymous = event(
        clock=clock, action=action, caller=None, outcome=outcome, actor=actor, detail=detail
    )
    return replace(anonymous, source=ctx.source, purpose=ctx.purpose)


def token_for_user(
    *,
    deps: Deps,
    hasher: PasswordHasher,
    signer: TokenSigner,
    codes: OneTimeCodes,
    ctx: RequestContext,
    username: str,
    password: str,
    totp: str | None = None,
) -> Token:
    """Sign a user in for an API token; every attempt audited, in the sign-in's one unit
    of work (a refusal is committed there too, then raised).

    ``admin``, ``authority`` and ``auditor`` also give a TOTP code from the second factor
    they enrolled on the portal: a password alone must not open the registry's widest
    doors. A wrong code counts towards the lockout like a wrong password.
    """
    with deps.uow() as uow:
        try:
            principal = check_password(
                uow, deps=deps, hasher=hasher, ctx=ctx, username=username, password=password
            )
            if needs_second_factor(principal.role):
                _second_factor(uow, deps=deps, codes=codes, ctx=ctx, principal=principal, totp=totp)
        except AuthenticationError:
            uow.commit()  # the refusal check_password or _second_factor recorded
            raise
        token = issue_token(signer, deps.clock, principal)
        detail = "second factor" if needs_second_factor(principal.role) else None
        record(
            uow, clock=deps.clock, action=Action.LOGIN, caller=Caller(principal, ctx), detail=detail
        )
        uow.commit()
    return token


def _second_factor(
    uow: UnitOfWork,
    *,
    deps: Deps,
    codes: OneTimeCodes,
    ctx: RequestContext,
    principal: Principal,
    totp: str | None,
) -> None:
    """The password grant's second step; a refusal is recorded in ``uow``, then raised."""
    factor = uow.web_sessions.second_factor(principal.name)
    if factor is None or not factor.confirmed:
        _deny(uow, deps, ctx, principal, "second factor not enrolled")
        raise SecondFactorNotEnrolledError("enrol a second factor on the portal first")
    if not totp:
        _deny(uow, deps, ctx, principal, "second factor required")
        raise SecondFactorRequiredError("second factor required")
    accept_code(
        uow, deps=deps, codes=codes, ctx=ctx, username=principal.name, factor=factor, code=totp
    )


def token_for_client(
    *,
    deps: Deps,
    hasher: PasswordHasher,
    signer: TokenSigner,
    ctx: RequestContext,
    client_id: str,
    client_secret: str,
) -> Token:
    """A connected system's token (client credentials); every attempt audited."""
    with deps.uow() as uow:
        client = uow.accounts.get_client(client_id)
        # A client that signs assertions has no secret: the decoy spends the same time.
        secret_hash = client.secret_hash if client else None
        valid = hasher.verify(secret_hash or _DECOY_HASH.get(hasher), client_secret)
        valid = valid and secret_hash is not None
        if client is None or not valid or client.disabled:
            uow.audit.add(
                refusal(deps.clock, ctx, Action.TOKEN, Outcome.FAILED, actor=client_id[:64])
            )
            uow.commit()
            raise AuthenticationError("invalid client credentials")
        principal = Principal("client", client.client_id, Role.STAFF, client.facility_code)
        token = issue_token(signer, deps.clock, principal)
        record(uow, clock=deps.clock, action=Action.TOKEN, caller=Caller(principal, ctx))
        uow.commit()
    return token


def principal_from_token(*, signer: TokenSigner, token: str) -> Principal:
    """The caller a bearer token names, its signature and expiry checked.

    Not yet confirmed: the use case's unit of work checks, in the same transaction
    as its work, that the account is enabled and unchanged and the token not revoked
    (``use_case.confirm``).
    """
    try:
        claims = signer.read(token)
    except InvalidTokenError:
        raise AuthenticationError("invalid token") from None
    try:
        kind, name, jti = str(claims["kind"]), str(claims["sub"]), str(claims["jti"])
        role = Role(str(claims["role"]))
        facility = claims.get("fac")
    except (KeyError, ValueError):
        raise AuthenticationError("invalid token") from None
    if kind not in ("user", "client") or role == Role.OPERATOR:
        raise AuthenticationError("invalid token")
    return Principal(
        kind, name, role, str(facility) if facility else None, token_id=jti, confirmed=False
    )


def revoke_token(*, deps: Deps, signer: TokenSigner, ctx: RequestContext, token: str) -> None:
    """Revoke a token before it expires (sign-out, or a token that may have leaked).

    Whoever holds a token may revoke it, even one whose account was disabled since.
    """
    try:
        principal = principal_from_token(signer=signer, token=token)
        claims = signer.read(token)
    except (AuthenticationError, InvalidTokenError):
        return  # RFC 7009: an invalid token needs no revoking
    with deps.uow() as uow:
        exp = datetime.fromtimestamp(int(str(claims["exp"])), tz=UTC)
        uow.accounts.revoke_token(str(claims["jti"]), exp)
        record(uow, clock=deps.clock, action=Action.TOKEN_REVOKE, caller=Caller(principal, ctx))
        uow.commit()


class _DecoyHashes:
    """One hash per hasher of a random secret, to spend the same time on unknown names."""

    def __init__(self) -> None:
        self._hashes: dict[int, str] = {}

    def get(self, hasher: PasswordHasher) -> str:
        key = id(hasher)
        if key not in self._hashes:
            self._hashes[key] = hasher.hash(secrets.token_urlsafe(16))
        return self._hashes[key]


_DECOY_HASH = _DecoyHashes()


def _deny(uow: UnitOfWork, deps: Deps, ctx: RequestContext, principal: Principal, why: str) -> None:
    """Record a sign-in refused at the second factor (the caller commits it, then raises)."""
    uow.audit.add(
        refusal(deps.clock, ctx, Action.LOGIN, Outcome.DENIED, actor=principal.name, detail=why)
    )
