"""The files around a sync: run reports beside an extract, and the inbox folder."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from healthid.adapters.sync.bhxh_extract import parse_extract
from healthid.domain.sync import Reject, SyncRun

REFUSED_FOLDER = "refused"
ARCHIVE_FOLDER = "archive"


def write_reports(path: Path, run: SyncRun, rejects: list[Reject]) -> Path:
    """The run report and its rejects, next to the file: line, column, rule — no personal data.

    Returns the rejects file.
    """
    stem = f"{path.name}.{run.id[:8]}"
    rejects_path = path.with_name(f"{stem}.rejects.csv")
    with rejects_path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["LINE", "COLUMN", "RULE", "REASON"])
        for reject in rejects:
            writer.writerow([reject.line, reject.column, reject.rule, reject.reason])
    report = {
        "run": run.id,
        "file": path.name,
        "checksum": run.checksum,
        "counts": run.counts,
        "rejects": rejects_path.name,
    }
    path.with_name(f"{stem}.report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return rejects_path


def _free(folder: Path, name: str, tag: str) -> Path:
    """``folder/name``, or ``folder/stem.tag.suffix`` if a file of that name is already there."""
    target = folder / name
    if not target.exists():
        return target
    plain = Path(name)
    return folder / f"{plain.stem}.{tag}{plain.suffix}"


class FolderInbox:
    """Extracts dropped into a folder (``*.csv``, in name order).

    A file modified less than ``min_age`` seconds ago is left for the next pass:
    it may still be arriving. Deliveries should be written under another name
    (``.part``, or a leading dot) and renamed when complete.
    """

    def __init__(self, folder: Path, archive: Path | None = None, min_age: float = 60.0) -> None:
        self.folder = folder
        self.archive_folder = archive or folder / ARCHIVE_FOLDER
        self.refused_folder = folder / REFUSED_FOLDER
        self.min_age = min_age

    def pending(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        settled = time.time() - self.min_age
        names = []
        for path in self.folder.iterdir():
            if path.name.startswith(".") or path.suffix.lower() != ".csv":
                continue
            try:
                if path.is_file() and path.stat().st_mtime <= settled:
                    names.append(path.name)
            except FileNotFoundError:
                continue  # moved away by another server since the listing
        return sorted(names)

    def load(self, name: str) -> tuple[str, bytes]:
        content = (self.folder / name).read_bytes()
        return hashlib.sha256(content).hexdigest(), content

    def parse(self, content: bytes) -> Iterator[tuple[int, dict[str, str] | str]]:
        return parse_extract(content)

    def archive(self, name: str, run: SyncRun, rejects: list[Reject]) -> str:
        self.archive_folder.mkdir(parents=True, exist_ok=True)
        target = _free(self.archive_folder, name, run.id[:8])
        shutil.move(self.folder / name, target)
        write_reports(target, run, rejects)
        return target.name

    def refuse(self, name: str, reason: str) -> str:
        self.refused_folder.mkdir(parents=True, exist_ok=True)
        target = _free(self.refused_folder, name, uuid.uuid4().hex[:8])
        shutil.move(self.folder / name, target)
        target.with_name(f"{target.name}.reason.txt").write_text(reason + "\n", encoding="utf-8")
        return target.name
