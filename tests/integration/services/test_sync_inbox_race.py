"""Two servers racing for one inbox file: one run, one archived copy, every person once.

First as two threads with an engine each (two servers' connection pools), then
as two real processes started together on the same database and folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from healthid import bootstrap
from healthid.config import Settings
from healthid.services.access import operator
from healthid.services.sync import run as sync
from healthid.services.sync.inbox import FileOutcome, InboxOutcome
from tests.integration.services.inbox_support import counted, one_pass, synthetic

# The loser finds the file claimed (busy) or already moved away (gone).
LOSING = {InboxOutcome.BUSY, InboxOutcome.GONE}


def expected_counts(tmp_path: Path, files: list[Path]) -> dict[str, int]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'reference.db'}", keys=tmp_path / "ref-keys.json"
    )
    registry, _ = bootstrap.init_registry(settings)
    with registry:
        folder = tmp_path / "reference-inbox"
        folder.mkdir()
        for file in files:
            (folder / file.name).write_bytes(file.read_bytes())
        assert {o.outcome for o in one_pass(registry, folder)} == {InboxOutcome.IMPORTED}
        return counted(registry)


def check_one_import_each(
    registry: bootstrap.Registry,
    inbox: Path,
    files: list[Path],
    outcomes: list[list[tuple[str, str]]],
    expected: dict[str, int],
) -> None:
    for file in files:
        per_file = sorted(o for server in outcomes for name, o in server if name == file.name)
        winners = [o for o in per_file if o == InboxOutcome.IMPORTED]
        assert len(winners) == 1, per_file
        assert set(per_file) - {InboxOutcome.IMPORTED} <= LOSING
    runs = sync.runs(deps=registry.deps, caller=operator())
    assert sorted(r.file_name for r in runs) == sorted(f.name for f in files)
    assert {r.status for r in runs} == {"finished"}
    archived = sorted(p.name for p in (inbox / "archive").iterdir() if p.suffix == ".csv")
    assert [n for n in archived if not n.endswith(".rejects.csv")] == sorted(f.name for f in files)
    assert list(inbox.glob("*.csv")) == []
    assert counted(registry) == expected


def test_two_threads_racing_for_the_same_files_import_each_once(
    registry: bootstrap.Registry, settings: Settings, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    files = [synthetic(inbox / f"bhxh-{n}.csv", persons=15, seed=n) for n in (1, 2, 3)]
    expected = expected_counts(tmp_path, files)
    servers = [bootstrap.build(settings) for _ in range(2)]  # an engine each
    start = threading.Barrier(2)
    outcomes: list[list[FileOutcome]] = [[], []]

    def serve(n: int) -> None:
        start.wait()
        # Each server keeps passing until the inbox is empty, as its schedule would.
        while any(inbox.glob("*.csv")):
            outcomes[n].extend(one_pass(servers[n], inbox, owner=f"server-{n}"))
            time.sleep(0.01)

    threads = [threading.Thread(target=serve, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for server in servers:
        server.close()
    pairs = [[(o.file_name, str(o.outcome)) for o in server] for server in outcomes]
    check_one_import_each(registry, inbox, files, pairs, expected)


SERVER = """
import json, sys, time
from datetime import timedelta
from pathlib import Path
from healthid import bootstrap
from healthid.adapters.sync.files import FolderInbox
from healthid.services.access import operator
from healthid.services.sync.inbox import process_inbox

inbox, go, ready, owner = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
registry = bootstrap.build()
ready.touch()
while not go.exists():
    time.sleep(0.001)
done = process_inbox(
    deps=registry.deps, caller=operator(), inbox=FolderInbox(inbox, min_age=0), owner=owner,
    lease=timedelta(minutes=10),
)
print(json.dumps([[o.file_name, str(o.outcome)] for o in done]))
"""


def test_two_processes_started_together_import_the_file_once(
    registry: bootstrap.Registry, settings: Settings, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    files = [synthetic(inbox / "bhxh.csv", persons=30, seed=7)]
    expected = expected_counts(tmp_path, files)
    env = {
        **os.environ,
        "HEALTHID_DATABASE_URL": settings.database_url,
        "HEALTHID_KEYS": str(settings.keyring_path),
        "PYTHONPATH": os.pathsep.join([str(Path.cwd() / "src"), str(Path.cwd())]),
    }
    go = tmp_path / "go"
    argv = [sys.executable, "-c", SERVER, str(inbox), str(go)]
    servers = [
        subprocess.Popen(  # noqa: S603 - this interpreter, a fixed script
            [*argv, str(tmp_path / f"ready-{n}"), f"server-{n}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{n}").exists() for n in range(2)):
        assert time.monotonic() < deadline, "the servers did not start"
        assert all(s.poll() is None for s in servers), [s.communicate() for s in servers]
        time.sleep(0.01)
    go.touch()
    outcomes = []
    for server in servers:
        out, err = server.communicate(timeout=120)
        assert server.returncode == 0, err
        outcomes.append([tuple(pair) for pair in json.loads(out)])
    check_one_import_each(registry, inbox, files, outcomes, expected)
