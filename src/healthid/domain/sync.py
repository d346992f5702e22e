"""Sync with the BHXH household database (Điều 7.3): source state and runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SourceState:
    """The person a BHXH source key maps to, and the NGAY_CAP_NHAT last applied."""

    person_id: str
    updated_at: datetime


@dataclass
class SyncRun:
    id: str
    file_name: str
    checksum: str
    started_at: datetime
    status: str  # running, finished, refused
    counts: dict[str, int] = field(default_factory=dict)
    finished_at: datetime | None = None
