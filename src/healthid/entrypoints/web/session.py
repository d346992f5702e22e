"""Who is looking at a page: the session cookie, CSRF checks, and role gates."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from healthid.bootstrap import Registry
from healthid.entrypoints.web.pages import redirect, render
from healthid.services import web_sessions
from healthid.services.access import (
    POLICY,
    Caller,
    ForbiddenError,
    Permission,
    Principal,
    RequestContext,
)
from healthid.services.deps import Deps

SESSION_COOKIE = "hid_session"
# Before sign-in there is no session to bind a CSRF token to: the sign-in form uses a
# double-submit cookie instead.
PRE_SESSION_COOKIE = "hid_csrf"


class SignInRequiredError(Exception):
    """No valid session: send the browser to the sign-in page and back."""

    def __init__(self, next_path: str, second_factor: bool = False) -> None:
        self.next_path = next_path
        self.second_factor = second_factor


class PageForbiddenError(ForbiddenError):
    """A signed-in user opened a page their role may not see: a page says so, not JSON."""


class BadFormError(Exception):
    """A form without the right CSRF token: forged, or the session changed under it."""


@dataclass(frozen=True)
class Viewer:
    """The signed-in user on this request, and what a page needs to show them forms.

    ``caller`` is what the use cases take: the session's user, confirmed (the session's
    account was read on this request), and where the request came from.
    """

    caller: Caller
    csrf_token: str
    token: str

    @property
    def principal(self) -> Principal:
        return self.caller.principal

    def may(self, permission: Permission) -> bool:
        return self.principal.role in POLICY[permission]


async def registry(request: Request) -> Registry:
    wired: Registry = request.app.state.registry
    return wired


RegistryDep = Annotated[Registry, Depends(registry)]


async def deps(request: Request) -> Deps:
    wired: Deps = request.app.state.deps
    return wired


DepsDep = Annotated[Deps, Depends(deps)]


async def context(request: Request) -> RequestContext:
    return RequestContext(source=request.client.host if request.client else None)


ContextDep = Annotated[RequestContext, Depends(context)]


def viewer(request: Request, wired: RegistryDep, deps: DepsDep, ctx: ContextDep) -> Viewer:
    token = request.cookies.get(SESSION_COOKIE)
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    try:
        found = web_sessions.current(
            deps=deps,
            token=token,
            idle_timeout=timedelta(seconds=wired.settings.web_idle_timeout_seconds),
        )
    except web_sessions.SecondFactorRequiredError:
        raise SignInRequiredError(path, second_factor=True) from None
    except web_sessions.SessionExpiredError:
        raise SignInRequiredError(path) from None
    return Viewer(Caller(found.principal, ctx), found.csrf_token, token or "")


ViewerDep = Annotated[Viewer, Depends(viewer)]


def require(viewer: Viewer, permission: Permission) -> None:
    if not viewer.may(permission):
        raise PageForbiddenError(permission.value)


async def checked_form(request: Request, viewer: Viewer) -> FormData:
    """The submitted form, after checking its CSRF token against the session's."""
    form = await request.form()
    submitted = form.get("csrf")
    if not isinstance(submitted, str) or not hmac.compare_digest(submitted, viewer.csrf_token):
        raise BadFormError
    return form


def pre_session_token(request: Request) -> str:
    return request.cookies.get(PRE_SESSION_COOKIE) or secrets.token_urlsafe(24)


def pre_session_matches(request: Request, form: FormData) -> bool:
    cookie, submitted = request.cookies.get(PRE_SESSION_COOKIE), form.get("csrf")
    if not cookie or not isinstance(submitted, str):
        return False
    return hmac.compare_digest(cookie, submitted)


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    """HttpOnly, SameSite=Strict, Secure whenever the portal is reached over TLS."""
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def sign_in_redirect(exc: SignInRequiredError) -> Response:
    target = "/second-factor" if exc.second_factor else "/login"
    return redirect(f"{target}?next={quote(exc.next_path, safe='/')}")


def forbidden_page(request: Request) -> HTMLResponse:
    return render(request, "error.html", status_code=403, kind="forbidden")


def bad_form_page(request: Request) -> HTMLResponse:
    return render(request, "error.html", status_code=403, kind="bad_form")
