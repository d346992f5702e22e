"""``healthid export persons|review``: CSV files the benchmarks and operators read."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer

from healthid import bootstrap
from healthid.entrypoints.cli.errors import operator_errors
from healthid.entrypoints.cli.output import err
from healthid.services import exports

export_app = typer.Typer(help="CSV exports.", no_args_is_help=True)
OutFile = Annotated[Path, typer.Option("--out", help="CSV file to write")]


@export_app.command("persons")
def export_persons(out_file: OutFile) -> None:
    """SOURCE_KEY,PERSON,STATUS: each source key and the surviving person it belongs to."""
    with (
        operator_errors(),
        bootstrap.build() as registry,
        out_file.open("w", newline="", encoding="utf-8") as stream,
    ):
        writer = csv.writer(stream)
        writer.writerow(["SOURCE_KEY", "PERSON", "STATUS"])
        rows = 0
        for row in exports.export_persons(uow_factory=registry.uow):
            writer.writerow([row.source_key, row.person, row.status])
            rows += 1
    err.print(f"{rows} rows written to {out_file}")


@export_app.command("review")
def export_review(out_file: OutFile) -> None:
    """SOURCE_KEY_A,SOURCE_KEY_B,PROBABILITY: the pairs waiting for review."""
    with (
        operator_errors(),
        bootstrap.build() as registry,
        out_file.open("w", newline="", encoding="utf-8") as stream,
    ):
        writer = csv.writer(stream)
        writer.writerow(["SOURCE_KEY_A", "SOURCE_KEY_B", "PROBABILITY"])
        rows = 0
        for a, b, probability in exports.export_review(uow_factory=registry.uow):
            writer.writerow([a, b, f"{probability:.6f}"])
            rows += 1
    err.print(f"{rows} pairs written to {out_file}")
