"""Sign-in, the TOTP second factor, sign-out, and the language switch."""

from __future__ import annotations

from typing import Annotated

import segno
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from healthid.entrypoints.web.pages import (
    LANG_COOKIE,
    language,
    redirect,
    render,
    safe_next,
    text,
)
from healthid.entrypoints.web.session import (
    PRE_SESSION_COOKIE,
    SESSION_COOKIE,
    ContextDep,
    DepsDep,
    RegistryDep,
    ViewerDep,
    checked_form,
    pre_session_matches,
    pre_session_token,
    set_cookie,
)
from healthid.services import web_sessions
from healthid.services.access import AuthenticationError
from healthid.services.auth import LockedOutError

router = APIRouter(include_in_schema=False)
NextPath = Annotated[str, Query(alias="next", max_length=500)]


def _login_page(
    request: Request, *, next_path: str, status_code: int = 200, **context: object
) -> Response:
    token = pre_session_token(request)
    response = render(
        request, "login.html", status_code, csrf=token, next_path=next_path, **context
    )
    set_cookie(request, response, PRE_SESSION_COOKIE, token)
    return response


@router.get("/login")
def login_form(request: Request, next_path: NextPath = "/") -> Response:
    return _login_page(request, next_path=safe_next(next_path))


@router.post("/login")
async def login(request: Request, deps: DepsDep, wired: RegistryDep, ctx: ContextDep) -> Response:
    form = await request.form()
    next_path = safe_next(text(form, "next", 500))
    username, password = text(form, "username", 64), form.get("password")
    if not pre_session_matches(request, form):
        return _login_page(request, next_path=next_path, status_code=403, failure="bad_form")
    errors = {}
    if not username:
        errors["username"] = "Hãy nhập tên đăng nhập"
    if not isinstance(password, str) or not password:
        errors["password"] = "Hãy nhập mật khẩu"  # noqa: S105 - a message, not a password
    if errors or not isinstance(password, str):
        return _login_page(
            request, next_path=next_path, status_code=422, errors=errors, username=username
        )
    try:
        signed = web_sessions.sign_in(
            deps=deps, hasher=wired.hasher, ctx=ctx, username=username, password=password
        )
    except LockedOutError as exc:
        minutes = max(1, (exc.retry_after + 59) // 60)
        return _login_page(
            request,
            next_path=next_path,
            status_code=429,
            failure="locked",
            minutes=minutes,
            username=username,
        )
    except AuthenticationError:
        return _login_page(
            request, next_path=next_path, status_code=401, failure="wrong", username=username
        )
    target = next_path if signed.second_factor == "none" else f"/second-factor?next={next_path}"
    response = redirect(target)
    set_cookie(request, response, SESSION_COOKIE, signed.token)
    response.delete_cookie(PRE_SESSION_COOKIE, path="/")
    return response


def _second_factor_page(
    request: Request,
    deps: DepsDep,
    wired: RegistryDep,
    *,
    next_path: str,
    status_code: int = 200,
    **extra: object,
) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    try:
        found = web_sessions.current(deps=deps, token=token, second_factor_pending=True)
    except web_sessions.SessionExpiredError:
        return redirect("/login")
    if found.session.second_factor_done:
        return redirect(next_path)
    qr, secret = None, None
    try:
        secret = web_sessions.enrollment_secret(deps=deps, codes=wired.codes, token=token or "")
        uri = wired.codes.provisioning_uri(secret, found.principal.name)
        qr = segno.make(uri, error="m").svg_data_uri(scale=4)
    except AuthenticationError:
        pass  # enrolled already: only the code is asked for
    return render(
        request,
        "second_factor.html",
        status_code,
        csrf=found.csrf_token,
        next_path=next_path,
        secret=secret,
        qr=qr,
        **extra,
    )


@router.get("/second-factor")
def second_factor_form(
    request: Request,
    deps: DepsDep,
    wired: RegistryDep,
    next_path: NextPath = "/",
) -> Response:
    return _second_factor_page(request, deps, wired, next_path=safe_next(next_path))


@router.post("/second-factor")
async def second_factor(
    request: Request, deps: DepsDep, wired: RegistryDep, ctx: ContextDep
) -> Response:
    token = request.cookies.get(SESSION_COOKIE) or ""
    form = await request.form()
    next_path = safe_next(text(form, "next", 500))
    if not web_sessions.csrf_matches(token, text(form, "csrf")):
        return _second_factor_page(
            request, deps, wired, next_path=next_path, status_code=403, failure="bad_form"
        )
    try:
        web_sessions.confirm_second_factor(
            deps=deps, codes=wired.codes, ctx=ctx, token=token, code=text(form, "code", 12)
        )
    except web_sessions.SessionExpiredError:
        return redirect("/login")
    except LockedOutError as exc:
        response = _login_page(
            request,
            next_path=next_path,
            status_code=429,
            failure="locked",
            minutes=max(1, (exc.retry_after + 59) // 60),
        )
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response
    except AuthenticationError:
        return _second_factor_page(
            request,
            deps,
            wired,
            next_path=next_path,
            status_code=401,
            errors={"code": "Mã không đúng hoặc đã dùng; hãy nhập mã mới"},
        )
    return redirect(next_path)


@router.post("/logout")
async def logout(request: Request, deps: DepsDep, viewer: ViewerDep) -> Response:
    await checked_form(request, viewer)
    web_sessions.sign_out(deps=deps, caller=viewer.caller, token=viewer.token)
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/language/{lang}")
def switch_language(request: Request, lang: str, next_path: NextPath = "/") -> Response:
    response = redirect(safe_next(next_path))
    chosen = lang if lang in ("vi", "en") else language(request)
    response.set_cookie(LANG_COOKIE, chosen, samesite="strict", path="/", max_age=31_536_000)
    return response
