"""The account and audit commands, in the exact forms scripts rely on."""

from __future__ import annotations

import csv
import getpass
import io
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm
from typer.testing import CliRunner

from healthid.entrypoints.cli.app import app

PASSWORD = "Mật-khẩu-2026!"


@pytest.fixture
def cli(tmp_path: Path) -> CliRunner:
    env = {
        "HEALTHID_DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}",
        "HEALTHID_KEYS": str(tmp_path / "keys.json"),
    }
    runner = CliRunner(env=env)
    assert runner.invoke(app, ["init"]).exit_code == 0
    added = runner.invoke(
        app,
        ["facility", "add", "--code", "01001", "--name", "Bệnh viện Bạch Mai", "--province", "01"],
    )
    assert added.exit_code == 0, added.output
    return runner


def test_user_add_reads_the_password_from_stdin_and_enforces_the_policy(cli: CliRunner) -> None:
    ok = cli.invoke(
        app,
        ["user", "add", "--facility", "01001", "--username", "lan.nguyen", "--role", "staff"],
        input=PASSWORD + "\n",
    )
    assert ok.exit_code == 0, ok.output
    assert PASSWORD not in ok.output
    weak = cli.invoke(
        app,
        ["user", "add", "--facility", "01001", "--username", "hoa", "--role", "staff"],
        input="short\n",
    )
    assert weak.exit_code == 2
    assert "password" in weak.stderr
    national = cli.invoke(
        app, ["user", "add", "--username", "thanh.tra", "--role", "auditor"], input=PASSWORD + "\n"
    )
    assert national.exit_code == 0, national.output
    wrong = cli.invoke(
        app, ["user", "add", "--username", "x.y", "--role", "staff"], input=PASSWORD + "\n"
    )
    assert wrong.exit_code == 2
    assert "facility" in wrong.stderr


def test_client_add_json_and_disable(cli: CliRunner) -> None:
    result = cli.invoke(app, ["client", "add", "--facility", "01001", "--json"])
    assert result.exit_code == 0, result.output
    created = json.loads(result.stdout)
    assert set(created) == {"client_id", "client_secret"}
    assert cli.invoke(app, ["client", "disable", created["client_id"]]).exit_code == 0
    assert cli.invoke(app, ["client", "disable", "hid_nobody"]).exit_code == 1
    unknown = cli.invoke(app, ["client", "add", "--facility", "99999", "--json"])
    assert unknown.exit_code == 1


def test_user_disable_and_audit_export(cli: CliRunner, tmp_path: Path) -> None:
    cli.invoke(
        app,
        ["user", "add", "--facility", "01001", "--username", "lan.nguyen", "--role", "staff"],
        input=PASSWORD + "\n",
    )
    assert cli.invoke(app, ["user", "disable", "lan.nguyen"]).exit_code == 0
    out_file = tmp_path / "audit.csv"
    exported = cli.invoke(app, ["audit", "export", "--out", str(out_file)])
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(io.StringIO(out_file.read_text(encoding="utf-8"))))
    assert [r["detail"] for r in rows] == [
        "facility.add 01001",
        "user.add lan.nguyen",
        "user.disable lan.nguyen",
    ]
    # The operator is named by their operating-system account, not as "the command line".
    assert {r["actor"] for r in rows} == {f"os:{getpass.getuser()}"}
    to_stdout = cli.invoke(app, ["audit", "export", "--action", "admin"])
    assert len(list(csv.DictReader(io.StringIO(to_stdout.stdout)))) == 3


def test_demo_seeds_accounts_prints_credentials_and_is_repeatable(cli: CliRunner) -> None:
    first = cli.invoke(app, ["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    for role in ("admin", "authority", "auditor", "facility_admin", "staff", "API client"):
        assert role in first.stdout
    second = cli.invoke(app, ["demo", "--no-serve"])
    assert second.exit_code == 0, second.output
    assert "http://127.0.0.1:8000/docs" in second.stdout
    # Each run's client replaces the last: many runs never fill the facility's cap of five.
    for _ in range(5):
        assert cli.invoke(app, ["demo", "--no-serve"]).exit_code == 0


def test_client_add_with_jwks_prints_only_the_client_id(cli: CliRunner, tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    jwks = tmp_path / "jwks.json"
    public = OKPAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwks.write_text(json.dumps({"keys": [{**public, "kid": "bv-2026"}]}), encoding="utf-8")
    result = cli.invoke(
        app, ["client", "add", "--facility", "01001", "--jwks", str(jwks), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)) == {"client_id"}
    private = tmp_path / "private.json"
    private.write_text(
        json.dumps({"keys": [OKPAlgorithm.to_jwk(key, as_dict=True)]}), encoding="utf-8"
    )
    refused = cli.invoke(
        app, ["client", "add", "--facility", "01001", "--jwks", str(private), "--json"]
    )
    assert refused.exit_code == 2
    assert "jwks.keys[0]" in refused.stderr
    assert OKPAlgorithm.to_jwk(key, as_dict=True)["d"] not in refused.output
    missing = cli.invoke(
        app, ["client", "add", "--facility", "01001", "--jwks", str(tmp_path / "none.json")]
    )
    assert missing.exit_code == 2
    assert "jwks" in missing.stderr


def test_facility_limits_are_set_by_the_operator_and_hold(cli: CliRunner) -> None:
    lowered = cli.invoke(app, ["facility", "limits", "--code", "01001", "--clients", "1"])
    assert lowered.exit_code == 0, lowered.output
    assert "1 API clients" in lowered.stdout
    assert cli.invoke(app, ["client", "add", "--facility", "01001", "--json"]).exit_code == 0
    full = cli.invoke(app, ["client", "add", "--facility", "01001", "--json"])
    assert full.exit_code == 2
    assert "client_limit" in full.stderr or "giới hạn" in full.stderr
    raised = cli.invoke(
        app, ["facility", "limits", "--code", "01001", "--users", "80", "--clients", "8"]
    )
    assert raised.exit_code == 0, raised.output
    assert "80 users and 8 API clients" in raised.stdout
    assert cli.invoke(app, ["client", "add", "--facility", "01001", "--json"]).exit_code == 0
    bad = cli.invoke(app, ["facility", "limits", "--code", "01001", "--users", "0"])
    assert bad.exit_code == 2
    assert "max_users" in bad.stderr
