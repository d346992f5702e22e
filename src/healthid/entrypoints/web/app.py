"""Mount the portal's pages and static files on the API's application."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from healthid.entrypoints.web.pages import HERE
from healthid.entrypoints.web.routes import admin, auditor, authority, facility, signin
from healthid.entrypoints.web.session import (
    BadFormError,
    PageForbiddenError,
    SignInRequiredError,
    bad_form_page,
    forbidden_page,
    sign_in_redirect,
)


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in (signin.router, facility.router, authority.router, admin.router, auditor.router):
        app.include_router(router)

    @app.exception_handler(SignInRequiredError)
    async def _sign_in(_: Request, exc: SignInRequiredError) -> Response:
        return sign_in_redirect(exc)

    @app.exception_handler(PageForbiddenError)
    async def _forbidden(request: Request, _: PageForbiddenError) -> Response:
        return forbidden_page(request)

    @app.exception_handler(BadFormError)
    async def _bad_form(request: Request, _: BadFormError) -> Response:
        return bad_form_page(request)
