"""``healthid sync bhxh PATH`` and ``healthid sync runs``: the BHXH household database."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from healthid import bootstrap
from healthid.entrypoints.cli.errors import operator_errors
from healthid.entrypoints.cli.output import err, out
from healthid.services.access import operator
from healthid.services.sync import run as sync

sync_app = typer.Typer(
    help="Sync with the BHXH household database (Điều 7.3).", no_args_is_help=True
)


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    return [path]


def _line_count(path: Path) -> int:
    """Data lines in the file (for the progress bar), without holding it in memory."""
    with path.open("rb") as stream:
        return max(
            sum(block.count(b"\n") for block in iter(lambda: stream.read(1 << 20), b"")) - 1, 0
        )


def _import(registry: bootstrap.Registry, file: Path) -> None:
    rows = bootstrap.read_extract(file)  # refuses a file that is not an extract, whole
    total = _line_count(file)
    started = time.monotonic()
    on_terminal = sys.stderr.isatty()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} rows"),
        TextColumn("{task.fields[rate]:.0f} rows/s"),
        TimeRemainingColumn(),
        console=err,
        disable=not on_terminal,
    ) as bar:
        task = bar.add_task(file.name, total=total, rate=0.0)

        def progress(done: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-6)
            bar.update(task, completed=done, rate=rate)
            if not on_terminal and done % 10_000 == 0:
                err.print(f"{file.name}: {done}/{total} rows, {rate:.0f} rows/s")

        result = sync.sync_rows(
            deps=registry.deps,
            caller=operator(),
            file_name=file.name,
            checksum=bootstrap.file_checksum(file),
            rows=rows,
            progress=progress,
            tuning=_test_seam(),
        )
    rejects = bootstrap.write_sync_reports(file, result.run, result.rejects)
    counts = ", ".join(f"{k} {v}" for k, v in result.run.counts.items())
    out.print(f"{file.name}: {counts} (rejects in {rejects.name})", soft_wrap=True)


def _test_seam() -> sync.SyncTuning | None:
    """The end-to-end crash tests' one seam, read from the environment (never set in use).

    ``HEALTHID_TEST_CRASH_AFTER_ROWS``: die as SIGKILL would once that many rows are
    written but not committed, to prove a rerun recovers; ``HEALTHID_SYNC_CHUNK_ROWS``:
    rows per transaction.
    """
    crash_after = int(os.environ.get("HEALTHID_TEST_CRASH_AFTER_ROWS", "0"))
    chunk_rows = int(os.environ.get("HEALTHID_SYNC_CHUNK_ROWS", "0"))
    if not crash_after and not chunk_rows:
        return None

    def written(done: int) -> None:
        if done >= crash_after:
            os.kill(os.getpid(), signal.SIGKILL)

    return sync.SyncTuning(chunk_rows or sync.CHUNK_ROWS, written if crash_after else None)


@sync_app.command("bhxh")
def sync_bhxh(
    path: Annotated[Path, typer.Argument(help="An extract, or a folder of them")],
) -> None:
    """Import a BHXH household extract (or a folder of them, in name order)."""
    with operator_errors(), bootstrap.build() as registry:
        for file in _files(path):
            _import(registry, file)


@sync_app.command("runs")
def sync_runs(limit: Annotated[int, typer.Option("--limit", min=1)] = 20) -> None:
    """The last runs, with their counts."""
    with operator_errors(), bootstrap.build() as registry:
        runs = sync.runs(deps=registry.deps, caller=operator(), limit=limit)
    for run in runs:
        counts = ", ".join(f"{k} {v}" for k, v in run.counts.items())
        out.print(
            f"{run.started_at:%Y-%m-%d %H:%M} {run.status:<9} {run.file_name} "
            f"{run.checksum[:12]} {counts}",
            soft_wrap=True,
        )
