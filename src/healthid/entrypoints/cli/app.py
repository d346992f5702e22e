"""The ``healthid`` command: operator tools over the registry's services."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from healthid import bootstrap
from healthid.domain.issuance import Verification
from healthid.domain.sex import Sex
from healthid.entrypoints.cli import accounts as accounts_cli
from healthid.entrypoints.cli import audit as audit_cli
from healthid.entrypoints.cli import exports as exports_cli
from healthid.entrypoints.cli import review as review_cli
from healthid.entrypoints.cli import server
from healthid.entrypoints.cli import sync as sync_cli
from healthid.entrypoints.cli import synth as synth_cli
from healthid.entrypoints.cli.errors import EXIT_INVALID, operator_errors
from healthid.entrypoints.cli.output import err, out
from healthid.services import keys, patients
from healthid.services.access import operator
from healthid.services.health_ids import PersonInput

app = typer.Typer(
    help="HealthID VN — hệ thống mã định danh y tế quốc gia (QĐ 4376/QĐ-BYT).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
keys_app = typer.Typer(
    help="Key ring: issuing, data, index and signing keys.", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")
app.add_typer(accounts_cli.facility_app, name="facility")
app.add_typer(accounts_cli.user_app, name="user")
app.add_typer(accounts_cli.client_app, name="client")
app.add_typer(audit_cli.audit_app, name="audit")
app.add_typer(synth_cli.synth_app, name="synth")
app.add_typer(review_cli.review_app, name="review")
app.add_typer(sync_cli.sync_app, name="sync")
app.add_typer(exports_cli.export_app, name="export")
app.command()(review_cli.unmerge)
app.command()(review_cli.dedup)
app.command()(review_cli.train)
app.command()(review_cli.reindex)
app.command()(server.serve)
app.command()(server.demo)

_SEX_VI = {Sex.MALE: "Nam", Sex.FEMALE: "Nữ", Sex.OTHER: "Khác"}


@app.command()
def init() -> None:
    """Create or migrate the schema and the key ring (safe to run twice)."""
    with operator_errors():
        registry, created = bootstrap.init_registry()
        registry.close()
    ring = registry.keys.path
    out.print(f"Database: {registry.engine.url.render_as_string(hide_password=True)}")
    out.print(f"Key ring: {ring} ({'created' if created else 'kept'}, mode 0600)")


@app.command()
def issue(
    si: Annotated[str, typer.Option("--si", help="Mã số BHXH (10 digits)")],
    name: Annotated[str, typer.Option("--name", help="Họ và tên, family name first")],
    birth_date: Annotated[
        str, typer.Option("--birth-date", help="1990-05-01, 19900501, 19900000 or 1990")
    ],
    sex: Annotated[str, typer.Option("--sex", help="male|female|other or 1|2|3")],
    birthplace: Annotated[str | None, typer.Option("--birthplace", help="Nơi sinh")] = None,
    cccd: Annotated[str | None, typer.Option("--cccd", help="Số CCCD (12 digits)")] = None,
    bhyt: Annotated[str | None, typer.Option("--bhyt", help="Mã thẻ BHYT (15 chars)")] = None,
    address: Annotated[str | None, typer.Option("--address")] = None,
    phone: Annotated[str | None, typer.Option("--phone")] = None,
) -> None:
    """Establish a Health ID; prints the full ID alone on the last line."""
    data = PersonInput(
        si_number=si,
        full_name=name,
        birth_date=birth_date,
        sex=sex,
        birthplace=birthplace,
        cccd=cccd,
        bhyt_card=bhyt,
        address=address,
        phone=phone,
    )
    with operator_errors(), bootstrap.build() as registry:
        result = patients.register_person(deps=registry.deps, caller=operator(), data=data)
    status = "new" if result.created else "already established"
    err.print(f"[green]Health ID {status}[/] for person {result.summary.id}")
    # Plain print: scripts read this line, so no Rich wrapping or styling.
    typer.echo(str(result.health_id))


@app.command()
def verify(health_id: Annotated[str, typer.Argument(help="The full Health ID")]) -> None:
    """Print valid / invalid / revoked / replaced. Exit 0 only when valid, 2 when malformed."""
    with operator_errors(), bootstrap.build() as registry:
        status = patients.verify(deps=registry.deps, caller=operator(), health_id=health_id)
    typer.echo(status)
    if status != Verification.VALID:
        raise typer.Exit(EXIT_INVALID)


@app.command()
def show(
    identifier: Annotated[str, typer.Argument(help="SI number (10 digits) or CCCD (12 digits)")],
) -> None:
    """Show a person, with the Health ID masked."""
    system = "cccd" if len(identifier.strip()) == 12 else "si"
    with operator_errors(), bootstrap.build() as registry:
        person, masked, status = patients.show_person(
            deps=registry.deps, caller=operator(), system=system, value=identifier
        )
    d = person.demographics
    table = Table(show_header=False, box=None)
    table.add_row("Mã định danh y tế", masked or "—")
    table.add_row("Trạng thái", status or "—")
    table.add_row("Họ và tên", d.full_name)
    table.add_row("Ngày sinh", str(d.birth_date))
    table.add_row("Giới tính", _SEX_VI[d.sex])
    table.add_row("Nơi sinh", d.birthplace or "—")
    table.add_row("Địa chỉ", d.address or "—")
    for ident in person.identifiers:
        scope = f" ({ident.scope})" if ident.scope else ""
        table.add_row(f"{ident.system}{scope}", ident.value)
    out.print(table)


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Start new issuing, data and signing keys; IDs issued before stay valid."""
    with operator_errors(), bootstrap.build() as registry:
        versions = keys.rotate_keys(deps=registry.deps, caller=operator())
    out.print("Key versions now: " + ", ".join(f"{k} v{v}" for k, v in versions.items()))


@keys_app.command("list")
def keys_list() -> None:
    """Show the current version of each key (never the keys)."""
    with operator_errors(), bootstrap.build() as registry:
        versions = registry.keys.versions()
    out.print("Key versions: " + ", ".join(f"{k} v{v}" for k, v in versions.items()))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
