"""``healthid synth``: synthetic data for tests, demos and benchmarks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from healthid.entrypoints.cli.output import out
from healthid.synth import bhxh

synth_app = typer.Typer(help="Synthetic data (dữ liệu giả lập).", no_args_is_help=True)


@synth_app.command("bhxh")
def synth_bhxh(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for bhxh.csv and truth.csv")],
    persons: Annotated[int, typer.Option("--persons", min=1)] = 1000,
    dup_rate: Annotated[float, typer.Option("--dup-rate", min=0.0, max=1.0)] = 0.08,
    seed: Annotated[int, typer.Option("--seed")] = 1,
) -> None:
    """A BHXH household extract with known duplicates (truth.csv: SOURCE_KEY,PERSON)."""
    rows, humans = bhxh.write(out_dir, persons=persons, dup_rate=dup_rate, seed=seed)
    out.print(
        f"{rows:,} rows for {humans:,} people written to {out_dir}/bhxh.csv "
        f"(truth in {out_dir}/truth.csv)"
    )
