"""``healthid review|unmerge|dedup|train``: one person, one ID, from the terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from healthid import bootstrap
from healthid.entrypoints.cli.errors import operator_errors
from healthid.entrypoints.cli.output import out
from healthid.services import dedup as dedup_service
from healthid.services import review
from healthid.services.access import operator

review_app = typer.Typer(help="Duplicate review queue (hàng chờ xét trùng).", no_args_is_help=True)


@review_app.command("list")
def review_list(
    status: Annotated[str, typer.Option("--status")] = "pending",
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
) -> None:
    """Pairs waiting for a decision, most likely duplicates first."""
    with operator_errors(), bootstrap.build() as registry:
        pairs = review.list_reviews(
            deps=registry.deps, caller=operator(), status=status, limit=limit
        )
    # One pair a line, ids whole: operators copy them into `review show|merge|reject`.
    out.print("review                           probability  person A / person B  status")
    for pair in pairs:
        out.print(
            f"{pair.id}  {pair.probability:.3f}  {pair.person_a} / {pair.person_b}  {pair.status}",
            soft_wrap=True,
        )
    if not pairs:
        out.print("(none)")


@review_app.command("show")
def review_show(review_id: Annotated[str, typer.Argument()]) -> None:
    """The pair side by side, and the match weight of each comparison."""
    with operator_errors(), bootstrap.build() as registry:
        view = review.show_review(deps=registry.deps, caller=operator(), review_id=review_id)
    a, b = view.a.demographics, view.b.demographics
    table = Table("", "A", "B", title=f"probability {view.pair.probability:.4f}")
    for label, left, right in (
        ("person", view.a.id, view.b.id),
        ("Health ID", view.a_health_id or "—", view.b_health_id or "—"),
        ("họ tên", a.full_name, b.full_name),
        ("ngày sinh", str(a.birth_date), str(b.birth_date)),
        ("giới tính", str(a.sex), str(b.sex)),
        ("nơi sinh", a.birthplace or "—", b.birthplace or "—"),
    ):
        style = "" if left == right else "bold yellow"
        table.add_row(label, left, right, style=style)
    out.print(table)
    weights = Table("comparison", "level", "match weight")
    for name, (level, weight) in view.pair.weights.items():
        weights.add_row(name, level, f"{weight:+.2f}")
    out.print(weights)


@review_app.command("merge")
def review_merge(
    review_id: Annotated[str, typer.Argument()],
    survivor: Annotated[str | None, typer.Option("--survivor", help="Person id to keep")] = None,
) -> None:
    """Merge the pair; the other Health ID stays valid as 'replaced'."""
    with operator_errors(), bootstrap.build() as registry:
        done = review.merge(
            deps=registry.deps, caller=operator(), review_id=review_id, survivor_id=survivor
        )
    out.print(f"Merged {done.absorbed_id} into {done.survivor_id} (merge {done.id})")


@review_app.command("reject")
def review_reject(review_id: Annotated[str, typer.Argument()]) -> None:
    """Not a duplicate: remembered and never proposed again."""
    with operator_errors(), bootstrap.build() as registry:
        review.reject_review(deps=registry.deps, caller=operator(), review_id=review_id)
    out.print(f"Review {review_id}: not a duplicate")


def unmerge(merge_id: Annotated[str, typer.Argument()]) -> None:
    """Undo a merge exactly."""
    with operator_errors(), bootstrap.build() as registry:
        done = review.unmerge(deps=registry.deps, caller=operator(), merge_id=merge_id)
    out.print(f"Unmerged {done.absorbed_id} from {done.survivor_id}")


def dedup(
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="duckdb (embedded) or spark (local Spark; pip install 'healthid[spark]')",
        ),
    ] = "duckdb",
    merge: Annotated[bool, typer.Option("--merge/--no-merge", help="Merge 'match' pairs")] = True,
) -> None:
    """Deduplicate the whole registry: merge sure pairs, queue the rest for review."""
    with operator_errors(), bootstrap.build() as registry:
        report = dedup_service.deduplicate(
            deps=registry.deps,
            caller=operator(),
            finder=registry.pair_finder_for(engine),
            merge_matches=merge,
        )
    out.print(
        f"{report.persons:,} persons, {report.pairs:,} candidate pairs: "
        f"{report.merged:,} merged, {report.queued:,} queued for review, "
        f"{report.already_known:,} already decided or queued"
    )
    for rule, count in sorted(report.blocked.items()):
        out.print(f"  held back by {rule}: {count:,}")


def reindex() -> None:
    """Recompute every person's blocking keys (once, after an upgrade that changes them)."""
    with operator_errors(), bootstrap.build() as registry:
        count = dedup_service.reindex(deps=registry.deps, caller=operator())
    out.print(f"Blocking keys recomputed for {count:,} persons")


def train(
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the trained model")],
) -> None:
    """Re-estimate the match weights on the registry (Splink EM); use via HEALTHID_MATCH_MODEL."""
    with operator_errors(), bootstrap.build() as registry:
        before = registry.model
        trained = dedup_service.train(
            deps=registry.deps, caller=operator(), trainer=registry.trainer
        )
    out_file.write_text(
        json.dumps(trained.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    table = Table("comparison", "level", "weight before", "weight after")
    for name, levels in trained.m.items():
        for level in levels:
            table.add_row(
                name,
                level,
                f"{before.weight(name, level):+.2f}",
                f"{trained.weight(name, level):+.2f}",
            )
    out.print(table)
    out.print(f"Model written to {out_file}; set HEALTHID_MATCH_MODEL={out_file} to use it.")
