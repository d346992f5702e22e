"""Review, merge, unmerge and exports from the operator's terminal."""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from healthid.entrypoints.cli.app import app

THUY = ["issue", "--birth-date", "1990-03-12", "--sex", "female", "--birthplace", "Hà Nội"]


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> CliRunner:
    runner = CliRunner(
        env={"HEALTHID_DATABASE_URL": database_url, "HEALTHID_KEYS": str(tmp_path / "keys.json")}
    )
    assert runner.invoke(app, ["init"]).exit_code == 0
    # One woman, her second record without marks: at national scale only probably her
    # (about half a namesake expected among 100 million), so a pair for review.
    for si, name in (("0123456789", "Nguyễn Thị Thuỷ"), ("0123456780", "NGUYEN THI THUY")):
        result = runner.invoke(app, [*THUY, "--si", si, "--name", name])
        assert result.exit_code == 0, result.output
    return runner


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_review_merge_unmerge_and_exports(cli: CliRunner, tmp_path: Path) -> None:
    listed = cli.invoke(app, ["review", "list"])
    assert listed.exit_code == 0
    review_id = re.search(r"\b[0-9a-f]{32}\b", listed.stdout)
    assert review_id is not None
    shown = cli.invoke(app, ["review", "show", review_id.group()])
    assert "NGUYEN THI THUY" in shown.stdout
    assert "match weight" in shown.stdout
    queue = tmp_path / "review.csv"
    assert cli.invoke(app, ["export", "review", "--out", str(queue)]).exit_code == 0
    assert {(r["SOURCE_KEY_A"], r["SOURCE_KEY_B"]) for r in rows(queue)} == {
        ("0123456789", "0123456780")
    }

    merged = cli.invoke(app, ["review", "merge", review_id.group()])
    assert merged.exit_code == 0, merged.output
    persons = tmp_path / "persons.csv"
    assert cli.invoke(app, ["export", "persons", "--out", str(persons)]).exit_code == 0
    exported = rows(persons)
    assert {r["SOURCE_KEY"] for r in exported} == {"0123456789", "0123456780"}
    assert len({r["PERSON"] for r in exported}) == 1

    merge_id = re.search(r"merge ([0-9a-f]{32})", merged.stdout)
    assert merge_id is not None
    assert cli.invoke(app, ["unmerge", merge_id.group(1)]).exit_code == 0
    cli.invoke(app, ["export", "persons", "--out", str(persons)])
    assert len({r["PERSON"] for r in rows(persons)}) == 2
    assert cli.invoke(app, ["unmerge", merge_id.group(1)]).exit_code == 2
    assert cli.invoke(app, ["review", "reject", "f" * 32]).exit_code == 1


def test_dedup_spark_without_pyspark_says_what_to_install(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if the extra were not installed
    result = cli.invoke(app, ["dedup", "--engine", "spark"])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0  # one line
    assert "healthid[spark]" in result.stderr
    assert "Traceback" not in result.output
    listed = cli.invoke(app, ["review", "list"])
    assert "(none)" not in listed.stdout  # the registry is as it was: nothing ran


def test_dedup_with_an_unknown_engine_is_refused(cli: CliRunner) -> None:
    result = cli.invoke(app, ["dedup", "--engine", "oracle"])
    assert result.exit_code == 2
    assert "duckdb, spark" in result.stderr


def test_reindex_recomputes_the_keys_of_every_person(cli: CliRunner) -> None:
    result = cli.invoke(app, ["reindex"])
    assert result.exit_code == 0, result.output
    assert "for 2 persons" in result.stdout
