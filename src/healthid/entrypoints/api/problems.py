"""Errors as RFC 9457 problem details, each with a stable ``type``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from healthid.domain.errors import ConflictError, NotFoundError, RuleError, ValidationError
from healthid.services.access import ForbiddenError
from healthid.services.auth import (
    AuthenticationError,
    LockedOutError,
    SecondFactorNotEnrolledError,
    SecondFactorRequiredError,
)
from healthid.services.quotas import QuotaExceededError

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:healthid-vn:problem:"


def language(request: Request) -> str:
    """Vietnamese unless the caller asks for English first."""
    accept = request.headers.get("accept-language", "").strip().lower()
    return "en" if accept.startswith("en") else "vi"


def problem(
    status: int,
    kind: str,
    title: str,
    detail: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": TYPE_PREFIX + kind, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _rule(request: Request, exc: RuleError, status: int, kind: str, title: str) -> JSONResponse:
    return problem(
        status, kind, title, exc.message(language(request)), field=exc.field, rule=exc.rule
    )


def install(app: FastAPI) -> None:
    """Map every error the services raise on purpose to its problem response."""

    @app.exception_handler(ValidationError)
    async def _validation(request: Request, exc: ValidationError) -> JSONResponse:
        return _rule(request, exc, 422, "validation", "Invalid input")

    @app.exception_handler(ConflictError)
    async def _conflict(request: Request, exc: ConflictError) -> JSONResponse:
        return _rule(request, exc, 409, "conflict", "Conflicts with the registry")

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> JSONResponse:
        vi = language(request) == "vi"
        return problem(
            404,
            "not-found",
            "Not found",
            "Không tìm thấy" if vi else "Not found",
            resource=exc.what,
        )

    @app.exception_handler(ForbiddenError)
    async def _forbidden(request: Request, exc: ForbiddenError) -> JSONResponse:
        vi = language(request) == "vi"
        detail = "Bạn không có quyền thực hiện thao tác này" if vi else "Not allowed for your role"
        return problem(403, "forbidden", "Forbidden", detail)

    @app.exception_handler(LockedOutError)
    async def _locked(request: Request, exc: LockedOutError) -> JSONResponse:
        vi = language(request) == "vi"
        detail = (
            "Tài khoản tạm khoá do đăng nhập sai nhiều lần"
            if vi
            else "Account locked after repeated failed sign-ins"
        )
        return problem(
            429,
            "locked-out",
            "Locked out",
            detail,
            headers={"Retry-After": str(exc.retry_after)},
            error="invalid_grant",
        )

    @app.exception_handler(SecondFactorRequiredError)
    async def _second_factor(request: Request, exc: SecondFactorRequiredError) -> JSONResponse:
        vi = language(request) == "vi"
        detail = (
            "Vai trò này cần thêm mã xác thực hai lớp (TOTP): gửi mã 6 chữ số trong trường totp"
            if vi
            else "This role needs its second factor too: send the 6-digit TOTP code as totp"
        )
        return problem(
            401,
            "second-factor-required",
            "Second factor required",
            detail,
            headers={"WWW-Authenticate": "Bearer"},
            error="invalid_grant",
        )

    @app.exception_handler(SecondFactorNotEnrolledError)
    async def _not_enrolled(request: Request, exc: SecondFactorNotEnrolledError) -> JSONResponse:
        vi = language(request) == "vi"
        detail = (
            "Vai trò này cần xác thực hai lớp: hãy đăng nhập cổng thông tin (web) và đăng ký "
            "ứng dụng xác thực trước"
            if vi
            else "This role needs a second factor: sign in to the web portal and enrol an "
            "authenticator app first"
        )
        return problem(
            401,
            "second-factor-not-enrolled",
            "Second factor not enrolled",
            detail,
            headers={"WWW-Authenticate": "Bearer"},
            error="invalid_grant",
        )

    @app.exception_handler(AuthenticationError)
    async def _unauthenticated(request: Request, exc: AuthenticationError) -> JSONResponse:
        vi = language(request) == "vi"
        detail = "Cần đăng nhập hợp lệ" if vi else "Valid credentials are required"
        return problem(
            401,
            "unauthenticated",
            "Unauthenticated",
            detail,
            headers={"WWW-Authenticate": "Bearer"},
            error="invalid_client",
        )

    @app.exception_handler(QuotaExceededError)
    async def _quota(request: Request, exc: QuotaExceededError) -> JSONResponse:
        vi = language(request) == "vi"
        detail = "Vượt hạn mức tra cứu trong một giờ" if vi else "Hourly lookup quota exceeded"
        return problem(
            429,
            "quota-exceeded",
            "Too many lookups",
            detail,
            headers={"Retry-After": str(exc.retry_after)},
        )

    @app.exception_handler(RequestValidationError)
    async def _schema(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": ".".join(str(p) for p in e.get("loc", ())[1:]) or "body",
                "rule": str(e.get("type", "invalid")),
            }
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"field": "body", "rule": "invalid"}
        vi = language(request) == "vi"
        detail = (
            f"{first['field']}: giá trị không hợp lệ ({first['rule']})"
            if vi
            else f"{first['field']}: invalid value ({first['rule']})"
        )
        return problem(
            422,
            "validation",
            "Invalid input",
            detail,
            field=first["field"],
            rule=first["rule"],
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http")
        return problem(exc.status_code, kind, str(exc.detail), headers=dict(exc.headers or {}))
