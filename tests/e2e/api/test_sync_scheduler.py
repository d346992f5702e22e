"""The periodic sync in ``healthid serve``: when passes run, what they log, one per process."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from healthid import bootstrap
from healthid.config import Settings
from healthid.entrypoints.api import scheduler
from healthid.entrypoints.api.app import from_environment
from healthid.entrypoints.cli.app import app as cli
from healthid.services.sync.inbox import claim
from tests.integration.services.inbox_support import BAD, LAN, PERSONAL, JumpingClock, extract


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def lines() -> Iterator[list[str]]:
    handler, logger = Lines(), logging.getLogger("healthid.sync")
    logger.addHandler(handler)
    level, logger.level = logger.level, logging.INFO
    yield handler.lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def inbox_registry(registry: bootstrap.Registry, folder: Path, **more: object) -> None:
    registry.settings = registry.settings.model_copy(
        update={"sync_inbox": folder, "sync_min_age_seconds": 0, **more}
    )


def test_a_pass_logs_one_plain_line_per_file_without_personal_data(
    registry: bootstrap.Registry, tmp_path: Path, lines: list[str]
) -> None:
    folder = tmp_path / "inbox"
    extract(folder / "bhxh-2026-01-01.csv", [LAN, BAD])
    (folder / "junk.csv").write_bytes(b"\x00binary")
    inbox_registry(registry, folder)
    inbox = registry.inbox()
    assert inbox is not None
    runner = scheduler.InboxScheduler(registry, inbox, bootstrap.sync_schedule(registry.settings))
    assert runner.run_once() is None  # nothing busy: wait for the schedule
    assert len(lines) == 2
    assert lines[0].startswith("sync inbox: bhxh-2026-01-01.csv imported, run ")
    assert "new 1" in lines[0]
    assert "rejected 1" in lines[0]
    assert lines[1].startswith("sync inbox: junk.csv refused, rule binary")
    assert [p for p in PERSONAL if p in " ".join(lines)] == []


def test_the_thread_runs_a_pass_when_the_schedule_fires(
    registry: bootstrap.Registry, tmp_path: Path, lines: list[str]
) -> None:
    folder = tmp_path / "inbox"
    extract(folder / "bhxh.csv", [LAN])
    inbox_registry(registry, folder, sync_schedule="* * * * *")
    clock = JumpingClock()
    now = clock.now()
    # Half a second before the next whole minute, so the every-minute schedule fires soon.
    clock.offset = timedelta(seconds=59.5 - now.second - now.microsecond / 1e6)
    registry.clock = clock
    inbox = registry.inbox()
    assert inbox is not None
    runner = scheduler.InboxScheduler(
        registry, inbox, bootstrap.sync_schedule(registry.settings), poll=0.05
    )
    runner.start()
    try:
        deadline = time.monotonic() + 30
        while not (folder / "archive" / "bhxh.csv").exists():
            assert time.monotonic() < deadline, lines
            time.sleep(0.05)
    finally:
        runner.stop()
    assert not runner.alive
    assert any(line.startswith("sync inbox: next pass at ") for line in lines)
    assert any("bhxh.csv imported" in line for line in lines)


def test_a_busy_file_is_tried_again_after_a_lease_not_the_next_night(
    registry: bootstrap.Registry, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox"
    path = extract(folder / "bhxh.csv", [LAN])
    claim(
        uow_factory=registry.uow,
        clock=registry.clock,
        file_name="bhxh.csv",
        checksum=bootstrap.file_checksum(path),
        owner="another-server",
    )
    inbox_registry(registry, folder, sync_lease_seconds=120)
    inbox = registry.inbox()
    assert inbox is not None
    runner = scheduler.InboxScheduler(registry, inbox, bootstrap.sync_schedule(registry.settings))
    retry = runner.run_once()
    assert retry is not None
    assert timedelta(seconds=115) < retry - registry.clock.now() <= timedelta(seconds=120)


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, settings: Settings, tmp_path: Path) -> Path:
    bootstrap.init_registry(settings)[0].close()
    monkeypatch.setenv("HEALTHID_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("HEALTHID_KEYS", str(settings.keyring_path))
    monkeypatch.setenv("HEALTHID_SYNC_INBOX", str(tmp_path / "inbox"))
    return tmp_path / "inbox"


def test_serve_starts_one_scheduler_per_process_with_the_app_and_stops_it(
    environment: Path,
) -> None:
    app = from_environment()
    with TestClient(app):
        running = scheduler.running()
        assert running is not None
        assert running.alive
        # A second app in the same process (uvicorn reloads, tests) starts no second thread.
        assert scheduler.start(app.state.registry) is None
    assert not running.alive
    assert scheduler.running() is None


def test_without_an_inbox_serve_starts_no_scheduler(
    environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HEALTHID_SYNC_INBOX")
    with TestClient(from_environment()):
        assert scheduler.running() is None


@pytest.mark.parametrize("schedule", ["61 2 * * *", "every night", "0 2 * *"])
def test_serve_refuses_an_invalid_schedule_naming_the_variable(
    environment: Path, schedule: str
) -> None:
    runner = CliRunner(env={"HEALTHID_SYNC_SCHEDULE": schedule, "HEALTHID_LANGUAGE": "en"})
    result = runner.invoke(cli, ["serve", "--port", "1"])
    assert result.exit_code == 2, result.output
    assert "HEALTHID_SYNC_SCHEDULE" in result.stderr
    assert "bad_cron" in result.stderr
    assert "Traceback" not in result.output
