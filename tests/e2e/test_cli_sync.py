"""healthid sync bhxh: rejects not crashes, refusal of non-extracts, idempotence, deltas."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from healthid.entrypoints.cli.app import app
from healthid.synth.bhxh import COLUMNS, write

GOOD = {
    "MA_HO_GD": "010000000000001",
    "MA_SO_BHXH": "0123456789",
    "SO_CCCD": "001190012345",
    "HO_TEN": "Nguyễn Thị Lan",
    "NGAY_SINH": "19900312",
    "GIOI_TINH": "2",
    "MA_THE_BHYT": "GD4010123456789",
    "NOI_SINH": "Hà Nội",
    "MATINH_CU_TRU": "01",
    "MAXA_CU_TRU": "00004",
    "DIA_CHI": "Số 1 Lê Lợi",
    "QUAN_HE_CHU_HO": "Chủ hộ",
    "NGAY_CAP_NHAT": "2025-01-02T08:00:00+07:00",
}


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> CliRunner:
    runner = CliRunner(
        env={"HEALTHID_DATABASE_URL": database_url, "HEALTHID_KEYS": str(tmp_path / "keys.json")}
    )
    assert runner.invoke(app, ["init"]).exit_code == 0
    return runner


def extract(path: Path, rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def counts(output: str) -> dict[str, int]:
    line = output.strip().splitlines()[-1]
    body = line.split(": ", 1)[1].split(" (")[0]
    return {k: int(v) for k, v in (part.rsplit(" ", 1) for part in body.split(", "))}


def rejects(folder: Path) -> list[dict[str, str]]:
    [path] = sorted(folder.glob("*.rejects.csv"))[-1:]
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.mark.parametrize(
    ("change", "column", "rule"),
    [
        ({"MA_SO_BHXH": "", "SO_CCCD": ""}, "MA_SO_BHXH", "no_source_key"),
        ({"MA_SO_BHXH": "12345"}, "MA_SO_BHXH", "bad_format"),
        ({"GIOI_TINH": "1"}, "SO_CCCD", "sex_mismatch"),
        ({"NGAY_SINH": "19900230"}, "NGAY_SINH", "day_out_of_range"),
        ({"GIOI_TINH": "7"}, "GIOI_TINH", "unknown_sex"),
        ({"NGAY_CAP_NHAT": "hôm qua"}, "NGAY_CAP_NHAT", "bad_format"),
        ({"HO_TEN": ""}, "HO_TEN", "missing"),
        ({"NGAY_SINH": "20990101"}, "NGAY_SINH", "in_future"),
        ({"DIA_CHI": "Số 1\x07 Lê Lợi"}, "DIA_CHI", "control_character"),
        ({"NOI_SINH": "Hà Nội " * 40}, "NOI_SINH", "too_long"),
    ],
)
def test_a_bad_row_is_rejected_with_line_column_and_rule_and_the_rest_imported(
    cli: CliRunner, tmp_path: Path, change: dict[str, str], column: str, rule: str
) -> None:
    other = {
        **GOOD,
        "MA_SO_BHXH": "7900000001",
        "SO_CCCD": "",
        "MA_THE_BHYT": "",
        "HO_TEN": "Trần Văn Bình",
        "GIOI_TINH": "1",
    }
    path = extract(tmp_path / "bhxh.csv", [{**GOOD, **change}, other])
    result = cli.invoke(app, ["sync", "bhxh", str(path)])
    assert result.exit_code == 0, result.output
    assert counts(result.stdout)["rejected"] == 1
    assert counts(result.stdout)["new"] == 1
    [reject] = rejects(tmp_path)
    assert (reject["LINE"], reject["COLUMN"], reject["RULE"]) == ("2", column, rule)
    assert "Nguyễn" not in (tmp_path / next(tmp_path.glob("*.rejects.csv")).name).read_text()


def test_broken_quoting_is_a_rejected_line(cli: CliRunner, tmp_path: Path) -> None:
    path = extract(tmp_path / "bhxh.csv", [GOOD])
    path.write_text(path.read_text(encoding="utf-8") + '0101,"unclosed,x\n', encoding="utf-8")
    result = cli.invoke(app, ["sync", "bhxh", str(path)])
    assert counts(result.stdout) == {
        "new": 1,
        "updated": 0,
        "unchanged": 0,
        "linked": 0,
        "queued": 0,
        "rejected": 1,
    }


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01\x02binary",
        b"MA_SO_BHXH,HO_TEN\n1,2\n",
        ",".join(COLUMNS).encode("utf-16"),
    ],
)
def test_a_file_that_is_not_an_extract_is_refused_whole(
    cli: CliRunner, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "bhxh.csv"
    path.write_bytes(content)
    result = cli.invoke(app, ["sync", "bhxh", str(path)])
    assert result.exit_code == 2
    assert "file" in result.stderr
    assert "Traceback" not in result.output
    assert "refused" not in cli.invoke(app, ["sync", "runs"]).stdout
    assert cli.invoke(app, ["sync", "runs"]).stdout.strip() == ""


def test_the_same_file_twice_changes_nothing_and_a_delta_applies_newer_rows(
    cli: CliRunner, tmp_path: Path
) -> None:
    write(tmp_path / "snapshot", persons=150, dup_rate=0.1, seed=3)
    snapshot = tmp_path / "snapshot" / "bhxh.csv"
    first = counts(cli.invoke(app, ["sync", "bhxh", str(snapshot)]).stdout)
    assert first["rejected"] == 0
    assert first["new"] + first["linked"] + first["queued"] > 150
    second = counts(cli.invoke(app, ["sync", "bhxh", str(snapshot)]).stdout)
    assert second["unchanged"] == sum(first.values())
    assert sum(v for k, v in second.items() if k != "unchanged") == 0

    rows = list(csv.DictReader(io.StringIO(snapshot.read_text(encoding="utf-8"))))
    newer = {**rows[0], "DIA_CHI": "Số 9 Hùng Vương", "NGAY_CAP_NHAT": "2026-06-01T08:00:00+07:00"}
    stale = {**rows[1], "DIA_CHI": "cũ", "NGAY_CAP_NHAT": "2020-01-01T08:00:00+07:00"}
    delta = extract(tmp_path / "delta.csv", [newer, stale])
    applied = counts(cli.invoke(app, ["sync", "bhxh", str(delta)]).stdout)
    assert (applied["updated"], applied["unchanged"]) == (1, 1)
    runs = cli.invoke(app, ["sync", "runs"]).stdout.strip().splitlines()
    assert len(runs) == 3
