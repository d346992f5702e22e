"""Signing in to the web portal: sessions, CSRF tokens, and the TOTP second factor.

The browser holds a random token in an HttpOnly cookie; the database holds only its
SHA-256, so a copy of the database cannot be used to take over a session. The CSRF
token is derived from the session token, so it is never stored either.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from healthid.domain.accounts import LOCKOUT_WINDOW, locked_until
from healthid.domain.audit import Action
from healthid.domain.web_session import IDLE_TIMEOUT, WebSession, needs_second_factor
from healthid.services.access import AuthenticationError, Caller, Principal, RequestContext
from healthid.services.audit import record
from healthid.services.auth import (
    LockedOutError,
    SecondFactorRequiredError,
    accept_code,
    check_password,
)
from healthid.services.deps import Deps
from healthid.services.ports import OneTimeCodes, PasswordHasher, SecondFactor
from healthid.services.use_case import unit_of_work


class SessionExpiredError(AuthenticationError):
    """No session, an unknown one, or one idle or old beyond its limits."""


__all__ = [  # SecondFactorRequiredError lives in services.auth (the API raises it too)
    "Current",
    "SecondFactorRequiredError",
    "SessionExpiredError",
    "SignedIn",
    "confirm_second_factor",
    "csrf_matches",
    "csrf_token",
    "current",
    "enrollment_secret",
    "sign_in",
    "sign_out",
]


@dataclass(frozen=True)
class SignedIn:
    token: str
    principal: Principal
    second_factor: str  # "none", "verify" (enter a code) or "enroll" (set up the app first)


@dataclass(frozen=True)
class Current:
    principal: Principal
    session: WebSession
    csrf_token: str


def _hash(token: str) -> str:
    return hashlib.sha256(b"session:" + token.encode()).hexdigest()


def csrf_token(token: str) -> str:
    """The CSRF token of the session whose cookie holds ``token``."""
    return hashlib.sha256(b"csrf:" + token.encode()).hexdigest()


def csrf_matches(token: str, submitted: str) -> bool:
    return hmac.compare_digest(csrf_token(token), submitted)


def sign_in(
    *, deps: Deps, hasher: PasswordHasher, ctx: RequestContext, username: str, password: str
) -> SignedIn:
    """Check the password (lockout applies) and open a session, in one unit of work.

    A refusal is committed there too (a failure counted, and audited), then raised.
    """
    token, now = secrets.token_urlsafe(32), deps.clock.now()
    with deps.uow() as uow:
        try:
            principal = check_password(
                uow, deps=deps, hasher=hasher, ctx=ctx, username=username, password=password
            )
        except AuthenticationError:
            uow.commit()  # the refusal check_password recorded
            raise
        step = "none"
        if needs_second_factor(principal.role):
            factor = uow.web_sessions.second_factor(principal.name)
            step = "verify" if factor is not None and factor.confirmed else "enroll"
        uow.web_sessions.add(WebSession(_hash(token), principal.name, now, now, step == "none"))
        record(
            uow,
            clock=deps.clock,
            action=Action.LOGIN,
            caller=Caller(principal, ctx),
            detail="web" if step == "none" else "web, second factor pending",
        )
        uow.commit()
    return SignedIn(token, principal, step)


def current(
    *,
    deps: Deps,
    token: str | None,
    second_factor_pending: bool = False,
    idle_timeout: timedelta = IDLE_TIMEOUT,
) -> Current:
    """The caller behind a session cookie; each request keeps the session alive.

    A session waiting for its second factor is accepted only where
    ``second_factor_pending`` says so (the pages that ask for the code). The principal
    is confirmed: the account was read here, enabled.
    """
    if not token:
        raise SessionExpiredError("no session")
    now = deps.clock.now()
    with deps.uow() as uow:
        session = uow.web_sessions.get(_hash(token))
        if session is None:
            raise SessionExpiredError("unknown session")
        if session.expired(now, idle_timeout):
            uow.web_sessions.delete(session.token_hash)
            uow.commit()
            raise SessionExpiredError("session expired")
        user = uow.accounts.get_user(session.username)
        if user is None or user.disabled:
            uow.web_sessions.delete(session.token_hash)
            uow.commit()
            raise SessionExpiredError("account disabled")
        if not session.second_factor_done and not second_factor_pending:
            raise SecondFactorRequiredError("second factor required")
        uow.web_sessions.touch(session.token_hash, now)
        uow.commit()
    principal = Principal("user", user.username, user.role, user.facility_code)
    return Current(principal, session, csrf_token(token))


def enrollment_secret(*, deps: Deps, codes: OneTimeCodes, token: str) -> str:
    """The secret a user not yet enrolled adds to an authenticator app (kept until confirmed)."""
    with deps.uow() as uow:
        session = uow.web_sessions.get(_hash(token))
        if session is None:
            raise SessionExpiredError("unknown session")
        factor = uow.web_sessions.second_factor(session.username)
        if factor is not None and factor.confirmed:
            raise AuthenticationError("already enrolled")
        if factor is None:
            factor = SecondFactor(codes.new_secret(), confirmed=False)
            uow.web_sessions.set_second_factor(session.username, factor)
        uow.commit()
    return factor.secret


def confirm_second_factor(
    *, deps: Deps, codes: OneTimeCodes, ctx: RequestContext, token: str, code: str
) -> Principal:
    """Check a TOTP code for a session waiting for it; a code is accepted only once.

    A wrong code counts towards the same lockout as a wrong password; it is committed
    in this one unit of work, then raised.
    """
    now = deps.clock.now()
    with deps.uow() as uow:
        session = uow.web_sessions.get(_hash(token))
        if session is None or session.expired(now):
            raise SessionExpiredError("unknown session")
        user = uow.accounts.get_user(session.username)
        factor = uow.web_sessions.second_factor(session.username)
        if user is None or user.disabled or factor is None:
            raise SessionExpiredError("no second factor")
        failures = uow.accounts.login_failures_since(session.username, now - LOCKOUT_WINDOW)
        until = locked_until(failures, now)
        if until is not None:
            # Guessing codes behind a known password ends the half-open session too.
            uow.web_sessions.delete(session.token_hash)
            uow.commit()
            raise LockedOutError(max(1, int((until - now).total_seconds())))
        try:
            accept_code(
                uow,
                deps=deps,
                codes=codes,
                ctx=ctx,
                username=session.username,
                factor=factor,
                code=code,
            )
        except AuthenticationError:
            uow.commit()  # the failure accept_code recorded
            raise
        uow.web_sessions.mark_second_factor_done(session.token_hash)
        uow.web_sessions.touch(session.token_hash, now)
        principal = Principal("user", user.username, user.role, user.facility_code)
        detail = "second factor" if factor.confirmed else "second factor enrolled"
        record(
            uow,
            clock=deps.clock,
            action=Action.LOGIN,
            caller=Caller(principal, ctx),
            detail=detail,
        )
        uow.commit()
    return principal


def sign_out(*, deps: Deps, caller: Caller, token: str) -> None:
    """End the session: deleted, and the sign-out audited, in one unit of work."""
    with unit_of_work(deps, caller, None) as uow:
        session = uow.web_sessions.get(_hash(token))
        if session is None:
            return
        uow.web_sessions.delete(session.token_hash)
        record(uow, clock=deps.clock, action=Action.LOGOUT, caller=caller, detail="web")
        uow.commit()
