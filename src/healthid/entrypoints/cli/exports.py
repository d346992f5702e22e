"""``healthid export persons|review``: CSV files the benchmarks and operators read."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer

from healthid import bootstrap
from healthid.entrypoints.cli.errors import operator_errors
from healthid.entrypoints.cli.output import err
from healthid.entrypoints.cli.private_files import private_file
from healthid.services import exports
from healthid.services.access import operator

export_app = typer.Typer(help="CSV exports.", no_args_is_help=True)
OutFile = Annotated[Path, typer.Option("--out", help="CSV file to write")]


@export_app.command("persons")
def export_persons(out_file: OutFile) -> None:
    """SOURCE_KEY,PERSON,STATUS: each source key and the surviving person it belongs to."""
    with operator_errors(), bootstrap.build() as registry:
        found = exports.export_persons(deps=registry.deps, caller=operator())
        with private_file(out_file) as stream:
            writer = csv.writer(stream)
            writer.writerow(["SOURCE_KEY", "PERSON", "STATUS"])
            writer.writerows([row.source_key, row.person, row.status] for row in found)
    rows = len(found)
    err.print(f"{rows} rows written to {out_file}")


@export_app.command("review")
def export_review(out_file: OutFile) -> None:
    """SOURCE_KEY_A,SOURCE_KEY_B,PROBABILITY: the pairs waiting for review."""
    with operator_errors(), bootstrap.build() as registry:
        found = exports.export_review(deps=registry.deps, caller=operator())
        with private_file(out_file) as stream:
            writer = csv.writer(stream)
            writer.writerow(["SOURCE_KEY_A", "SOURCE_KEY_B", "PROBABILITY"])
            writer.writerows([a, b, f"{probability:.6f}"] for a, b, probability in found)
    rows = len(found)
    err.print(f"{rows} pairs written to {out_file}")
