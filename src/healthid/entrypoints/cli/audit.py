"""``healthid audit export``: the audit log as CSV, for inspection and periodic reports."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from healthid import bootstrap
from healthid.domain.audit import AuditFilter
from healthid.entrypoints.cli.errors import operator_errors
from healthid.entrypoints.cli.output import err
from healthid.entrypoints.csv_files import write_events
from healthid.services import audit
from healthid.services.access import operator

audit_app = typer.Typer(help="The audit log (nhật ký truy cập).", no_args_is_help=True)


@audit_app.command("export")
def export(
    out_file: Annotated[
        Path | None, typer.Option("--out", help="CSV file (default: stdout)")
    ] = None,
    facility: Annotated[str | None, typer.Option("--facility")] = None,
    actor: Annotated[str | None, typer.Option("--actor")] = None,
    person: Annotated[str | None, typer.Option("--person")] = None,
    action: Annotated[str | None, typer.Option("--action")] = None,
    since: Annotated[datetime | None, typer.Option("--since")] = None,
    until: Annotated[datetime | None, typer.Option("--until")] = None,
) -> None:
    """Export matching audit events, oldest first."""
    where = AuditFilter(
        facility_code=facility,
        actor=actor,
        person_id=person,
        action=action,
        since=since,
        until=until,
    )
    with operator_errors(), bootstrap.build() as registry:
        events = audit.export_audit(deps=registry.deps, caller=operator(), where=where)
    if out_file is None:
        write_events(events, sys.stdout)
        return
    with out_file.open("w", newline="", encoding="utf-8") as stream:
        write_events(events, stream)
    err.print(f"{len(events)} events written to {out_file}")
