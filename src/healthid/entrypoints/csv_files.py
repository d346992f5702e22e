"""CSV the registry hands out: the audit log and a sync run's rejects, safe for spreadsheets."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, fields
from typing import TextIO

from healthid.domain.audit import AuditEvent
from healthid.domain.sync import Reject

COLUMNS = [f.name for f in fields(AuditEvent)]
# A cell starting with one of these is a formula to a spreadsheet; a purpose typed by a
# caller must not become one on the inspector's machine (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def write_events(events: list[AuditEvent], stream: TextIO) -> None:
    writer = csv.DictWriter(stream, fieldnames=COLUMNS)
    writer.writeheader()
    for event in events:
        row = {k: _cell(v) for k, v in asdict(event).items()}
        row["at"] = event.at.isoformat()
        writer.writerow(row)


def rejects_csv(rejects: list[Reject]) -> str:
    """The same columns as the rejects file ``healthid sync bhxh`` writes beside the extract."""
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(["LINE", "COLUMN", "RULE", "REASON"])
    writer.writerows([r.line, r.column, _cell(r.rule), _cell(r.reason)] for r in rejects)
    return stream.getvalue()
