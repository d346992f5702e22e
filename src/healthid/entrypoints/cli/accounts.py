"""``healthid facility|user|client``: the accounts of Điều 6, from the operator's terminal."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from healthid import bootstrap
from healthid.domain.accounts import generate_password
from healthid.domain.errors import ValidationError
from healthid.entrypoints.cli.errors import operator_errors
from healthid.entrypoints.cli.output import err, out
from healthid.services import accounts
from healthid.services.access import operator

facility_app = typer.Typer(help="Facilities (cơ sở khám chữa bệnh).", no_args_is_help=True)
user_app = typer.Typer(help="People who sign in.", no_args_is_help=True)
client_app = typer.Typer(help="Connected facility systems (OAuth2 clients).", no_args_is_help=True)


@facility_app.command("add")
def facility_add(
    code: Annotated[str, typer.Option("--code", help="MA_CSKCB, 5 digits")],
    name: Annotated[str, typer.Option("--name")],
    province: Annotated[str, typer.Option("--province", help="2025 province code")],
) -> None:
    with operator_errors(), bootstrap.build() as registry:
        facility = accounts.add_facility(
            deps=registry.deps,
            caller=operator(),
            code=code,
            name=name,
            province=province,
        )
    out.print(f"Facility {facility.code} — {facility.name} (province {facility.province_code})")


@facility_app.command("limits")
def facility_limits(
    code: Annotated[str, typer.Option("--code", help="MA_CSKCB, 5 digits")],
    users: Annotated[
        int | None, typer.Option("--users", help="Enabled users it may hold (default 50)")
    ] = None,
    clients: Annotated[
        int | None, typer.Option("--clients", help="Enabled API clients it may hold (default 5)")
    ] = None,
) -> None:
    """Raise (or lower) how many accounts a facility may hold."""
    with operator_errors(), bootstrap.build() as registry:
        facility = accounts.set_facility_limits(
            deps=registry.deps, caller=operator(), code=code, max_users=users, max_clients=clients
        )
    out.print(
        f"Facility {facility.code}: at most {facility.max_users} users "
        f"and {facility.max_clients} API clients"
    )


def _password_for_new_user() -> tuple[str, bool]:
    """From standard input when piped; generated (and shown) on a terminal."""
    if sys.stdin.isatty():
        return generate_password(), True
    return sys.stdin.readline().rstrip("\r\n"), False


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Option("--username")],
    role: Annotated[
        str, typer.Option("--role", help="admin|authority|facility_admin|staff|auditor")
    ],
    facility: Annotated[str | None, typer.Option("--facility", help="MA_CSKCB")] = None,
) -> None:
    """Add a user; the password comes from standard input, or is generated on a terminal."""
    password, generated = _password_for_new_user()
    with operator_errors(), bootstrap.build() as registry:
        user = accounts.add_user(
            deps=registry.deps,
            caller=operator(),
            hasher=registry.hasher,
            username=username,
            role=role,
            facility_code=facility,
            password=password,
        )
    err.print(f"User {user.username} ({user.role}) added")
    if generated:
        out.print(f"Password (shown once): {password}")


@user_app.command("disable")
def user_disable(username: Annotated[str, typer.Argument()]) -> None:
    """Disable a user; takes effect on their next request."""
    with operator_errors(), bootstrap.build() as registry:
        accounts.set_user_disabled(deps=registry.deps, caller=operator(), username=username)
    out.print(f"User {username} disabled")


def _read_jwks(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        raise ValidationError(
            "jwks",
            "unreadable",
            "the file cannot be read as UTF-8 text",
            "không đọc được tệp dưới dạng văn bản UTF-8",
        ) from None


@client_app.command("add")
def client_add(
    facility: Annotated[str, typer.Option("--facility", help="MA_CSKCB")],
    jwks: Annotated[
        Path | None,
        typer.Option(
            "--jwks",
            help="The system's public keys (a JWKS file): it signs client assertions "
            "(private_key_jwt) and gets no secret",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts")] = False,
) -> None:
    """Create an API client: with a secret (shown once, never stored) or with --jwks."""
    with operator_errors(), bootstrap.build() as registry:
        if jwks is not None:
            new = accounts.add_keyed_client(
                deps=registry.deps,
                caller=operator(),
                client_keys=registry.client_keys,
                facility_code=facility,
                jwks=_read_jwks(jwks),
            )
        else:
            new = accounts.add_client(
                deps=registry.deps,
                caller=operator(),
                hasher=registry.hasher,
                facility_code=facility,
            )
    if as_json:
        created = {"client_id": new.client_id}
        if new.client_secret is not None:
            created["client_secret"] = new.client_secret
        typer.echo(json.dumps(created))
        return
    out.print(f"client_id:     {new.client_id}")
    if new.client_secret is not None:
        out.print(f"client_secret: {new.client_secret}  (shown once)")
    else:
        out.print("authenticates with client assertions signed by its registered keys")


@client_app.command("disable")
def client_disable(client_id: Annotated[str, typer.Argument()]) -> None:
    """Disable a client; its tokens stop working on the next request."""
    with operator_errors(), bootstrap.build() as registry:
        accounts.set_client_disabled(deps=registry.deps, caller=operator(), client_id=client_id)
    out.print(f"Client {client_id} disabled")
