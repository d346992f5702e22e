"""The ``healthid`` command as operators and scripts use it."""

from __future__ import annotations

import csv
import getpass
import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from healthid.entrypoints.cli.app import app

ISSUE_AN = [
    "issue",
    "--si",
    "0123456789",
    "--name",
    "Nguyễn Văn An",
    "--birth-date",
    "1990-05-01",
    "--sex",
    "male",
    "--birthplace",
    "Hà Nội",
    "--cccd",
    "001090012345",
]


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> CliRunner:
    env = {"HEALTHID_DATABASE_URL": database_url, "HEALTHID_KEYS": str(tmp_path / "keys.json")}
    runner = CliRunner(env=env)
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    return runner


def issue(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args) or ISSUE_AN)
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[-1]


def test_init_twice_keeps_the_key_ring(cli: CliRunner, tmp_path: Path) -> None:
    ring = tmp_path / "keys.json"
    before = ring.read_bytes()
    result = cli.invoke(app, ["init"])
    assert result.exit_code == 0
    assert "kept" in result.stdout
    assert ring.read_bytes() == before
    assert stat.S_IMODE(ring.stat().st_mode) == 0o600


def test_issue_then_verify_round_trips(cli: CliRunner) -> None:
    health_id = issue(cli)
    assert health_id.startswith("0123456789.")
    assert len(health_id) == 21
    result = cli.invoke(app, ["verify", health_id])
    assert (result.exit_code, result.stdout.strip()) == (0, "valid")


@pytest.mark.parametrize("birth_date", ["1990", "19900501", "19900000"])
@pytest.mark.parametrize("sex", ["male", "1"])
def test_issue_accepts_the_documented_date_and_sex_forms(
    cli: CliRunner, birth_date: str, sex: str
) -> None:
    health_id = issue(
        cli,
        "issue",
        "--si",
        "1111111111",
        "--name",
        "Phạm Thị Hoà",
        "--birth-date",
        birth_date,
        "--sex",
        sex,
    )
    assert health_id.startswith("1111111111.")


def test_one_changed_check_character_is_invalid(cli: CliRunner) -> None:
    health_id = issue(cli)
    last = "0" if health_id[-1] != "0" else "1"
    result = cli.invoke(app, ["verify", health_id[:-1] + last])
    assert (result.exit_code, result.stdout.strip()) == (1, "invalid")


def test_malformed_id_exits_2_with_the_field_named(cli: CliRunner) -> None:
    result = cli.invoke(app, ["verify", "0123456789-XYZ"])
    assert result.exit_code == 2
    assert "health_id" in result.stderr
    assert "Traceback" not in result.output


def test_rotating_keys_keeps_old_ids_valid(cli: CliRunner) -> None:
    old = issue(cli)
    rotated = cli.invoke(app, ["keys", "rotate"])
    assert rotated.exit_code == 0, rotated.output
    assert "issuing v2" in rotated.stdout
    new = issue(
        cli,
        "issue",
        "--si",
        "2222222222",
        "--name",
        "Đỗ Minh Đức",
        "--birth-date",
        "1980",
        "--sex",
        "male",
    )
    for health_id in (old, new):
        assert cli.invoke(app, ["verify", health_id]).exit_code == 0


def test_show_masks_the_health_id(cli: CliRunner) -> None:
    health_id = issue(cli)
    result = cli.invoke(app, ["show", "001090012345"])
    assert result.exit_code == 0
    assert "0123456789.**********" in result.stdout
    assert health_id.split(".")[1] not in result.stdout
    assert "Nguyễn Văn An" in result.stdout


def test_show_unknown_person_exits_1(cli: CliRunner) -> None:
    result = cli.invoke(app, ["show", "9999999999"])
    assert result.exit_code == 1
    assert "Không tìm thấy" in result.stderr


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [
        ("--si", "12345", "si_number"),
        ("--birth-date", "1990-13-01", "birth_date"),
        ("--sex", "qqq", "sex"),
        ("--name", "Nguyễn 2", "full_name"),
        ("--cccd", "001190012345", "cccd"),
        ("--bhyt", "ZZ4010123456789", "bhyt_card"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    cli: CliRunner, option: str, value: str, field: str
) -> None:
    args = list(ISSUE_AN)
    if option in args:
        args[args.index(option) + 1] = value
    else:
        args += [option, value]
    result = cli.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert field in result.stderr
    assert value not in result.stderr  # personal data never echoed
    assert "Traceback" not in result.output
    assert cli.invoke(app, ["show", "0123456789"]).exit_code == 1


def test_the_installed_script_runs_without_init_and_says_what_to_do(tmp_path: Path) -> None:
    env = {**os.environ, "HEALTHID_DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}"}
    env.pop("HEALTHID_KEYS", None)
    script = Path(sys.executable).with_name("healthid")
    result = subprocess.run(  # noqa: S603 - the project's own console script, fixed argv
        [str(script), "verify", "0123456789.ABCDEFGHJK"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1
    assert "healthid init" in result.stderr


def test_person_commands_are_audited_naming_the_operating_system_user(
    cli: CliRunner, tmp_path: Path
) -> None:
    health_id = issue(cli)
    assert cli.invoke(app, ["verify", health_id]).exit_code == 0
    assert cli.invoke(app, ["show", "0123456789"]).exit_code == 0
    persons, review = tmp_path / "persons.csv", tmp_path / "review.csv"
    assert cli.invoke(app, ["export", "persons", "--out", str(persons)]).exit_code == 0
    assert cli.invoke(app, ["export", "review", "--out", str(review)]).exit_code == 0
    log = tmp_path / "audit.csv"
    assert cli.invoke(app, ["audit", "export", "--out", str(log)]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(log.read_text(encoding="utf-8"))))
    assert [r["action"] for r in rows] == [
        "person.register",
        "health_id.verify",
        "person.read",
        "person.export",
        "person.export",
    ]
    assert {r["actor"] for r in rows} == {f"os:{getpass.getuser()}"}
    assert rows[0]["person_id"]
    assert rows[0]["person_id"] == rows[2]["person_id"]


def test_exports_are_readable_by_their_owner_alone(cli: CliRunner, tmp_path: Path) -> None:
    issue(cli)
    stale = tmp_path / "persons.csv"
    stale.write_text("left by someone\n", encoding="utf-8")
    stale.chmod(0o644)  # an export must not inherit a mode that was there before
    assert cli.invoke(app, ["export", "persons", "--out", str(stale)]).exit_code == 0
    assert stat.S_IMODE(stale.stat().st_mode) == 0o600
    assert stale.read_text(encoding="utf-8").startswith("SOURCE_KEY,PERSON,STATUS")
    fresh = tmp_path / "review.csv"
    assert cli.invoke(app, ["export", "review", "--out", str(fresh)]).exit_code == 0
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_an_export_is_never_written_through_a_symbolic_link(cli: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "persons.csv"
    link.symlink_to(target)
    result = cli.invoke(app, ["export", "persons", "--out", str(link)])
    assert result.exit_code != 0
    assert target.read_text(encoding="utf-8") == "keep me\n"


def test_a_new_sqlite_registry_is_readable_by_its_owner_alone(tmp_path: Path) -> None:
    database = tmp_path / "fresh.db"
    runner = CliRunner(
        env={"HEALTHID_DATABASE_URL": f"sqlite:///{database}", "HEALTHID_KEYS": str(tmp_path / "k")}
    )
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
