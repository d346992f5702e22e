"""The audit log as CSV, shared by ``healthid audit export`` and the portal's download."""

from __future__ import annotations

import csv
from dataclasses import asdict, fields
from typing import TextIO

from healthid.domain.audit import AuditEvent

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
