"""A sync killed (SIGKILL) at any row and run again ends where an uninterrupted run would."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import sqlalchemy as sa

from healthid.synth.bhxh import write

SCRIPT = Path(sys.executable).with_name("healthid")


def healthid(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the project's own console script, fixed argv
        [str(SCRIPT), *args], env=env, capture_output=True, text=True, check=False
    )


def state(env: dict[str, str], out: Path) -> tuple[frozenset[frozenset[str]], int]:
    """Which source keys share a person, and how many Health IDs exist."""
    assert healthid(env, "export", "persons", "--out", str(out)).returncode == 0
    groups: dict[str, set[str]] = defaultdict(set)
    for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))):
        groups[row["PERSON"]].add(row["SOURCE_KEY"])
    engine = sa.create_engine(env["HEALTHID_DATABASE_URL"])
    with engine.connect() as conn:
        ids = int(conn.scalar(sa.text("SELECT count(*) FROM health_ids")) or 0)
    engine.dispose()
    return frozenset(frozenset(g) for g in groups.values()), ids


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    write(tmp_path / "x", persons=120, dup_rate=0.15, seed=12)
    return tmp_path / "x" / "bhxh.csv"


def test_killed_runs_recover_to_the_uninterrupted_state(
    extract: Path, tmp_path: Path, postgres_url: str
) -> None:
    base = {**os.environ, "HEALTHID_KEYS": str(tmp_path / "keys.json")}
    base.pop("HEALTHID_TEST_CRASH_AFTER_ROWS", None)
    reference = {**base, "HEALTHID_DATABASE_URL": f"sqlite:///{tmp_path / 'ref.db'}"}
    assert healthid(reference, "init").returncode == 0
    assert healthid(reference, "sync", "bhxh", str(extract)).returncode == 0
    expected = state(reference, tmp_path / "ref.csv")

    crashed = {**base, "HEALTHID_DATABASE_URL": postgres_url}
    assert healthid(crashed, "init").returncode == 0
    for rows in (7, 40, 95):
        killed = healthid(
            {**crashed, "HEALTHID_TEST_CRASH_AFTER_ROWS": str(rows)}, "sync", "bhxh", str(extract)
        )
        assert killed.returncode == -signal.SIGKILL
    assert healthid(crashed, "sync", "bhxh", str(extract)).returncode == 0
    assert state(crashed, tmp_path / "crashed.csv") == expected
    again = healthid(crashed, "sync", "bhxh", str(extract))
    assert "new 0, updated 0" in again.stdout


def test_killed_mid_chunk_runs_resume_at_the_first_chunk_not_committed(
    extract: Path, tmp_path: Path, postgres_url: str
) -> None:
    """Chunks of 16 rows: each kill lands in a chunk written but not committed (rows 7,
    40 and 95 are in the 1st, 3rd and 6th), after whole chunks were committed before it."""
    base = {**os.environ, "HEALTHID_KEYS": str(tmp_path / "keys.json")}
    base.pop("HEALTHID_TEST_CRASH_AFTER_ROWS", None)
    reference = {**base, "HEALTHID_DATABASE_URL": f"sqlite:///{tmp_path / 'ref.db'}"}
    assert healthid(reference, "init").returncode == 0
    assert healthid(reference, "sync", "bhxh", str(extract)).returncode == 0
    expected = state(reference, tmp_path / "ref.csv")

    crashed = {**base, "HEALTHID_DATABASE_URL": postgres_url, "HEALTHID_SYNC_CHUNK_ROWS": "16"}
    assert healthid(crashed, "init").returncode == 0
    engine = sa.create_engine(postgres_url)
    committed = []
    for rows in (7, 40, 95):
        killed = healthid(
            {**crashed, "HEALTHID_TEST_CRASH_AFTER_ROWS": str(rows)}, "sync", "bhxh", str(extract)
        )
        assert killed.returncode == -signal.SIGKILL
        with engine.connect() as conn:
            committed.append(int(conn.scalar(sa.text("SELECT count(*) FROM sync_sources")) or 0))
    engine.dispose()
    # Only whole chunks before the one killed were kept: 0, then 32, then 80 rows' sources
    # (fewer when rows of a chunk were rejects or linked to a source already there).
    assert committed[0] == 0
    assert 0 < committed[1] <= 32 < committed[2] <= 80
    assert healthid(crashed, "sync", "bhxh", str(extract)).returncode == 0
    assert state(crashed, tmp_path / "crashed.csv") == expected
