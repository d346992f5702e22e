"""Signing in: passwords and client secrets for tokens, and tokens back to callers."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from healthid.domain.accounts import (
    LOCKOUT_WINDOW,
    Role,
    locked_until,
)
from healthid.domain.audit import Action, Outcome
from healthid.domain.errors import DomainError
from healthid.services.access import (
    Principal,
    RequestContext,
)
from healthid.services.audit import event, record, record_alone
from healthid.services.ports import (
    Clock,
    InvalidTokenError,
    PasswordHasher,
    TokenSigner,
    UnitOfWorkFactory,
)

TOKEN_LIFETIME = timedelta(minutes=5)


class AuthenticationError(DomainError):
    """Wrong credentials, an unknown or disabled account, or a bad token. Says no more."""


class LockedOutError(AuthenticationError):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__("account locked after repeated failures")


@dataclass(frozen=True)
class Token:
    access_token: str
    expires_in: int
    token_type: str = "Bearer"  # noqa: S105 - the OAuth2 token type, not a secret


def _issue(signer: TokenSigner, clock: Clock, principal: Principal) -> Token:
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


def authenticate_user(
    *,
    uow_factory: UnitOfWorkFactory,
    hasher: PasswordHasher,
    clock: Clock,
    username: str,
    password: str,
    ctx: RequestContext | None = None,
) -> Principal:
    """Check a user's password: lockout after 5 failures in 15 minutes, failures audited."""
    name = username.strip().lower() if isinstance(username, str) else ""
    now = clock.now()
    with uow_factory() as uow:
        user = uow.accounts.get_user(name)
        failures = uow.accounts.login_failures_since(name, now - LOCKOUT_WINDOW)
    until = locked_until(failures, now)
    if until is not None:
        record_alone(
            uow_factory,
            event(
                clock=clock,
                action=Action.LOGIN,
                outcome=Outcome.DENIED,
                actor=name,
                ctx=ctx,
                detail="locked",
            ),
        )
        raise LockedOutError(max(1, int((until - now).total_seconds())))
    # Verify even for an unknown user, so timing does not reveal which names exist.
    valid = hasher.verify(user.password_hash if user else _DECOY_HASH.get(hasher), password)
    if user is None or not valid or user.disabled:
        record_failure(uow_factory=uow_factory, clock=clock, username=name, ctx=ctx)
        raise AuthenticationError("invalid credentials")
    return Principal("user", user.username, user.role, user.facility_code)


def record_failure(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    username: str,
    ctx: RequestContext | None = None,
    detail: str | None = None,
) -> None:
    """A failed sign-in step: counted towards the lockout and audited."""
    with uow_factory() as uow:
        uow.accounts.add_login_failure(username, clock.now())
        record(
            uow,
            clock=clock,
            action=Action.LOGIN,
            outcome=Outcome.FAILED,
            actor=username,
            ctx=ctx,
            detail=detail,
        )
        uow.commit()


def token_for_user(
    *,
    uow_factory: UnitOfWorkFactory,
    hasher: PasswordHasher,
    signer: TokenSigner,
    clock: Clock,
    username: str,
    password: str,
    ctx: RequestContext | None = None,
) -> Token:
    """Sign a user in for an API token; every attempt audited."""
    principal = authenticate_user(
        uow_factory=uow_factory,
        hasher=hasher,
        clock=clock,
        username=username,
        password=password,
        ctx=ctx,
    )
    token = _issue(signer, clock, principal)
    record_alone(uow_factory, event(clock=clock, action=Action.LOGIN, principal=principal, ctx=ctx))
    return token


def token_for_client(
    *,
    uow_factory: UnitOfWorkFactory,
    hasher: PasswordHasher,
    signer: TokenSigner,
    clock: Clock,
    client_id: str,
    client_secret: str,
    ctx: RequestContext | None = None,
) -> Token:
    with uow_factory() as uow:
        client = uow.accounts.get_client(client_id)
    valid = hasher.verify(client.secret_hash if client else _DECOY_HASH.get(hasher), client_secret)
    if client is None or not valid or client.disabled:
        record_alone(
            uow_factory,
            event(
                clock=clock,
                action=Action.TOKEN,
                outcome=Outcome.FAILED,
                actor=client_id[:64],
                ctx=ctx,
            ),
        )
        raise AuthenticationError("invalid client credentials")
    principal = Principal("client", client.client_id, Role.STAFF, client.facility_code)
    token = _issue(signer, clock, principal)
    record_alone(uow_factory, event(clock=clock, action=Action.TOKEN, principal=principal, ctx=ctx))
    return token


def principal_from_token(
    *, uow_factory: UnitOfWorkFactory, signer: TokenSigner, token: str
) -> Principal:
    """The caller behind a bearer token, checked against the accounts on every request."""
    try:
        claims = signer.read(token)
    except InvalidTokenError:
        raise AuthenticationError("invalid token") from None
    name, kind, jti = str(claims["sub"]), str(claims["kind"]), str(claims["jti"])
    with uow_factory() as uow:
        if uow.accounts.is_token_revoked(jti):
            raise AuthenticationError("token revoked")
        if kind == "client":
            client = uow.accounts.get_client(name)
            if client is None or client.disabled:
                raise AuthenticationError("client disabled")
            return Principal("client", name, Role.STAFF, client.facility_code, jti)
        user = uow.accounts.get_user(name)
    if user is None or user.disabled:
        raise AuthenticationError("user disabled")
    return Principal("user", name, user.role, user.facility_code, jti)


def revoke_token(
    *,
    uow_factory: UnitOfWorkFactory,
    signer: TokenSigner,
    clock: Clock,
    token: str,
    ctx: RequestContext | None = None,
) -> None:
    """Revoke a token before it expires (sign-out, or a token that may have leaked)."""
    try:
        claims = signer.read(token)
    except InvalidTokenError:
        return  # RFC 7009: an invalid token needs no revoking
    with uow_factory() as uow:
        exp = datetime.fromtimestamp(int(str(claims["exp"])), tz=UTC)
        uow.accounts.revoke_token(str(claims["jti"]), exp)
        record(uow, clock=clock, action=Action.TOKEN_REVOKE, actor=str(claims["sub"]), ctx=ctx)
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
