"""The registry's administrators: facilities, users, API clients, keys, BHXH sync runs."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response

from healthid.domain.accounts import generate_password
from healthid.domain.errors import NotFoundError, RuleError
from healthid.entrypoints.csv_files import rejects_csv
from healthid.entrypoints.web.pages import (
    SECURITY_HEADERS,
    field_errors,
    language,
    redirect,
    render,
    text,
)
from healthid.entrypoints.web.session import (
    DepsDep,
    RegistryDep,
    Viewer,
    ViewerDep,
    checked_form,
    require,
)
from healthid.services import accounts
from healthid.services.access import Permission
from healthid.services.sync import run as sync

router = APIRouter(prefix="/admin", include_in_schema=False)


def _accounts_page(
    request: Request,
    deps: DepsDep,
    viewer: Viewer,
    status_code: int = 200,
    **extra: object,
) -> Response:
    caller = viewer.caller
    return render(
        request,
        "admin.html",
        status_code,
        viewer=viewer,
        facilities=accounts.list_facilities(deps=deps, caller=caller),
        users=accounts.list_users(deps=deps, caller=caller),
        clients=accounts.list_clients(deps=deps, caller=caller),
        **extra,
    )


@router.get("")
def admin_home(request: Request, deps: DepsDep, viewer: ViewerDep) -> Response:
    require(viewer, Permission.MANAGE_FACILITIES)
    return _accounts_page(request, deps, viewer)


@router.post("/facilities")
async def add_facility(request: Request, deps: DepsDep, viewer: ViewerDep) -> Response:
    require(viewer, Permission.MANAGE_FACILITIES)
    form = await checked_form(request, viewer)
    shown = {k: text(form, f"facility_{k}") for k in ("code", "name", "province")}
    try:
        accounts.add_facility(
            deps=deps,
            caller=viewer.caller,
            code=shown["code"],
            name=shown["name"],
            province=shown["province"],
        )
    except RuleError as exc:
        return _accounts_page(
            request,
            deps,
            viewer,
            422,
            facility_form=shown,
            errors={f"facility_{k}": v for k, v in field_errors(exc, language(request)).items()},
        )
    return redirect("/admin#facilities")


@router.post("/users")
async def add_user(
    request: Request, deps: DepsDep, wired: RegistryDep, viewer: ViewerDep
) -> Response:
    require(viewer, Permission.MANAGE_ACCOUNTS)
    form = await checked_form(request, viewer)
    shown = {k: text(form, f"user_{k}") for k in ("username", "role", "facility")}
    password = generate_password()  # shown once to hand over; the user changes it
    try:
        user = accounts.add_user(
            deps=deps,
            caller=viewer.caller,
            hasher=wired.hasher,
            username=shown["username"],
            role=shown["role"],
            facility_code=shown["facility"] or None,
            password=password,
        )
    except RuleError as exc:
        return _accounts_page(
            request,
            deps,
            viewer,
            422,
            user_form=shown,
            errors={f"user_{k}": v for k, v in field_errors(exc, language(request)).items()},
        )
    except NotFoundError:
        return _accounts_page(
            request,
            deps,
            viewer,
            422,
            user_form=shown,
            errors={"user_facility": "Không có cơ sở với mã này"},
        )
    return _accounts_page(request, deps, viewer, new_user=(user.username, password))


@router.post("/users/{username}/disable")
async def disable_user(
    request: Request, username: str, deps: DepsDep, viewer: ViewerDep
) -> Response:
    return await _disable(
        request,
        viewer,
        lambda: accounts.set_user_disabled(deps=deps, caller=viewer.caller, username=username),
        "/admin#users",
    )


async def _disable(
    request: Request, viewer: Viewer, disable: Callable[[], object], back_to: str
) -> Response:
    """The form checks, ``disable`` (a user or a client), and back to the list."""
    require(viewer, Permission.MANAGE_ACCOUNTS)
    await checked_form(request, viewer)
    try:
        disable()
    except NotFoundError:
        return render(request, "error.html", 404, viewer=viewer, kind="not_found")
    return redirect(back_to)


@router.post("/clients")
async def add_client(
    request: Request, deps: DepsDep, wired: RegistryDep, viewer: ViewerDep
) -> Response:
    require(viewer, Permission.MANAGE_ACCOUNTS)
    form = await checked_form(request, viewer)
    facility = text(form, "client_facility")
    try:
        new = accounts.add_client(
            deps=deps, caller=viewer.caller, hasher=wired.hasher, facility_code=facility
        )
    except RuleError as exc:
        return _accounts_page(
            request,
            deps,
            viewer,
            422,
            errors={f"client_{k}": v for k, v in field_errors(exc, language(request)).items()},
        )
    except NotFoundError:
        return _accounts_page(
            request, deps, viewer, 422, errors={"client_facility": "Không có cơ sở với mã này"}
        )
    # The secret is in this one response only: it is never stored, only its hash.
    return _accounts_page(request, deps, viewer, new_client=new)


@router.post("/clients/{client_id}/disable")
async def disable_client(
    request: Request, client_id: str, deps: DepsDep, viewer: ViewerDep
) -> Response:
    return await _disable(
        request,
        viewer,
        lambda: accounts.set_client_disabled(deps=deps, caller=viewer.caller, client_id=client_id),
        "/admin#clients",
    )


@router.get("/keys")
def keys(request: Request, wired: RegistryDep, viewer: ViewerDep) -> Response:
    require(viewer, Permission.MANAGE_FACILITIES)
    return render(request, "keys.html", viewer=viewer, versions=wired.keys.versions())


@router.get("/sync")
def sync_runs(request: Request, deps: DepsDep, viewer: ViewerDep) -> Response:
    require(viewer, Permission.READ_SYNC_RUNS)
    runs = sync.runs(deps=deps, caller=viewer.caller, limit=100)
    return render(request, "sync_runs.html", viewer=viewer, runs=runs)


@router.get("/sync/{run_id}/rejects.csv")
def sync_rejects(request: Request, run_id: str, deps: DepsDep, viewer: ViewerDep) -> Response:
    require(viewer, Permission.READ_SYNC_RUNS)
    try:
        rejects = sync.rejects(deps=deps, caller=viewer.caller, run_id=run_id[:32])
    except NotFoundError:
        return render(request, "error.html", 404, viewer=viewer, kind="not_found")
    headers = {
        **SECURITY_HEADERS,
        "Content-Disposition": f'attachment; filename="dong-bi-loai-{run_id[:8]}.csv"',
    }
    return Response(rejects_csv(rejects), media_type="text/csv; charset=utf-8", headers=headers)
