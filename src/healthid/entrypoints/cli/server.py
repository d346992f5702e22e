"""``healthid serve`` and ``healthid demo``: the API on uvicorn, with demo data if asked."""

from __future__ import annotations

import contextlib
from typing import Annotated

import typer
import uvicorn

from healthid import bootstrap
from healthid.domain.accounts import generate_password
from healthid.domain.errors import ConflictError
from healthid.entrypoints.api.observability import configure_logging
from healthid.entrypoints.cli.errors import operator_errors
from healthid.entrypoints.cli.output import out
from healthid.services import accounts
from healthid.services.access import operator

DEMO_FACILITY = ("01001", "Bệnh viện Demo Hà Nội", "01")
DEMO_USERS = [
    ("demo.admin", "admin", None),
    ("demo.authority", "authority", None),
    ("demo.auditor", "auditor", None),
    ("demo.facadmin", "facility_admin", DEMO_FACILITY[0]),
    ("demo.staff", "staff", DEMO_FACILITY[0]),
]

Host = Annotated[str, typer.Option("--host", help="Address to listen on")]
Port = Annotated[int, typer.Option("--port", min=1, max=65535)]


Workers = Annotated[int, typer.Option("--workers", min=1, max=64, help="Processes")]


def _serve(host: str, port: int, workers: int = 1) -> None:
    configure_logging()
    registry = bootstrap.build()  # fail here, clearly, if the registry is not initialised
    registry.close()
    bootstrap.sync_schedule(registry.settings)  # and if HEALTHID_SYNC_SCHEDULE is not cron
    uvicorn.run(
        "healthid.entrypoints.api.app:from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
    )


def serve(host: Host = "127.0.0.1", port: Port = 8000, workers: Workers = 1) -> None:
    """Run the REST API (OpenAPI at /docs) on the configured database."""
    with operator_errors():
        _serve(host, port, workers)


def seed_demo(registry: bootstrap.Registry) -> dict[str, str]:
    """The demo facility and one account per role, with fresh passwords; idempotent."""
    code, name, province = DEMO_FACILITY
    deps, caller = registry.deps, operator()
    with contextlib.suppress(ConflictError):  # already seeded by an earlier demo run
        accounts.add_facility(
            deps=deps,
            caller=caller,
            code=code,
            name=name,
            province=province,
        )
    credentials = {}
    for username, role, facility in DEMO_USERS:
        password = generate_password()
        try:
            accounts.add_user(
                deps=deps,
                caller=caller,
                hasher=registry.hasher,
                username=username,
                role=role,
                facility_code=facility,
                password=password,
            )
        except ConflictError:
            accounts.reset_password(
                deps=deps,
                caller=caller,
                hasher=registry.hasher,
                username=username,
                password=password,
            )
        credentials[username] = password
    # Earlier runs' clients are disabled: their secrets were shown once and are gone, and
    # kept enabled they would fill the facility's cap on API clients after a few runs.
    for earlier in accounts.list_clients(deps=deps, caller=caller):
        if earlier.facility_code == code and not earlier.disabled:
            accounts.set_client_disabled(deps=deps, caller=caller, client_id=earlier.client_id)
    new = accounts.add_client(deps=deps, caller=caller, hasher=registry.hasher, facility_code=code)
    credentials["client_id"], credentials["client_secret"] = new.client_id, str(new.client_secret)
    return credentials


def demo(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Seed and print, then stop")] = False,
) -> None:
    """Seed a demo facility and accounts, print their credentials, then serve."""
    with operator_errors():
        registry, _ = bootstrap.init_registry()
        with registry:
            credentials = seed_demo(registry)
    out.print(f"\n[bold]Cổng thông tin (web portal)[/]: http://{host}:{port}/")
    out.print(f"[bold]HealthID VN API[/]: http://{host}:{port}/docs")
    out.print(f"Demo facility {DEMO_FACILITY[0]} — {DEMO_FACILITY[1]}")
    for username, role, _facility in DEMO_USERS:
        out.print(f"  {role:<15} {username:<15} {credentials[username]}")
    out.print(
        "  admin, authority and auditor set up an authenticator app (TOTP) at their first "
        "sign-in to the portal: scan the QR code it shows. Their API tokens need its code "
        "too (form field totp).",
        soft_wrap=True,
    )
    out.print(
        f"  API client      {credentials['client_id']}  {credentials['client_secret']}",
        soft_wrap=True,
    )
    if not no_serve:
        with operator_errors():
            _serve(host, port)
