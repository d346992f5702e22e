"""Extract files, a clock that can jump, and one-pass helpers for the sync inbox tests."""

from __future__ import annotations

import csv
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from healthid import bootstrap
from healthid.adapters.sync.files import FolderInbox
from healthid.services.access import operator
from healthid.services.sync import inbox as sync_inbox
from healthid.synth.bhxh import COLUMNS, write

LAN = {
    "MA_HO_GD": "010000000000001",
    "MA_SO_BHXH": "0123456789",
    "SO_CCCD": "001190012345",
    "HO_TEN": "Nguyễn Thị Lan",
    "NGAY_SINH": "19900312",
    "GIOI_TINH": "2",
    "MA_THE_BHYT": "GD4010123456789",
    "NOI_SINH": "Hà Nội",
    "DIA_CHI": "Số 1 Lê Lợi",
    "NGAY_CAP_NHAT": "2025-01-02T08:00:00+07:00",
}
BINH = {**LAN, "MA_SO_BHXH": "7900000001", "SO_CCCD": "", "MA_THE_BHYT": "",
        "HO_TEN": "Trần Văn Bình", "GIOI_TINH": "1", "NGAY_SINH": "19850101"}  # fmt: skip
BAD = {**LAN, "MA_SO_BHXH": "12345", "HO_TEN": "Phạm Văn Khải"}
PERSONAL = ["Nguyễn", "Lan", "Bình", "Phạm", "Khải", "0123456789", "7900000001", "12345",
            "001190012345", "Lê Lợi"]  # fmt: skip


class JumpingClock:
    """The real time, plus however far a test has moved it on."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def extract(path: Path, rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def synthetic(path: Path, persons: int, seed: int) -> Path:
    """A synthetic extract (with duplicates under second SI numbers) at ``path``."""
    write(path.parent / f".synth-{seed}", persons=persons, dup_rate=0.1, seed=seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(path.parent / f".synth-{seed}" / "bhxh.csv", path)
    shutil.rmtree(path.parent / f".synth-{seed}")
    return path


def one_pass(
    registry: bootstrap.Registry, folder: Path, owner: str = "server-a", lease: float = 600
) -> list[sync_inbox.FileOutcome]:
    return sync_inbox.process_inbox(
        deps=registry.deps,
        caller=operator(),
        inbox=FolderInbox(folder, min_age=0),
        owner=owner,
        lease=timedelta(seconds=lease),
    )


def counted(registry: bootstrap.Registry) -> dict[str, int]:
    """How many persons, Health IDs and source keys the registry holds."""
    with registry.engine.connect() as conn:
        return {
            table: int(conn.scalar(sa.text(f"SELECT count(*) FROM {table}")) or 0)  # noqa: S608
            for table in ("persons", "health_ids", "sync_sources", "sync_runs")
        }
