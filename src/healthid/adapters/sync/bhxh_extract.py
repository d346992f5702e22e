"""Reading a BHXH household extract file: refuse what is not one, yield its rows by line."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from pathlib import Path

from healthid.domain.bhxh_row import REQUIRED
from healthid.domain.errors import ValidationError


def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _refuse(rule: str, en: str, vi: str) -> ValidationError:
    return ValidationError("file", rule, en, vi)


def read_extract(path: Path) -> Iterator[tuple[int, dict[str, str] | str]]:
    """(line number, row with upper-case column names) or (line number, why the line is unreadable).

    A file that is not a BHXH extract (binary, not UTF-8, wrong header) is refused
    whole with a ``ValidationError`` before any row is yielded.
    """
    return parse_extract(path.read_bytes())


def parse_extract(raw: bytes) -> Iterator[tuple[int, dict[str, str] | str]]:
    """``read_extract`` on content already read (the inbox checksums the bytes it imports)."""
    if b"\x00" in raw[:65536]:
        raise _refuse(
            "binary", "is a binary file, not a CSV extract", "là tệp nhị phân, không phải tệp CSV"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("encoding", "must be UTF-8", "phải mã hoá UTF-8") from None
    lines = text.splitlines()
    if not lines:
        raise _refuse("empty", "is empty", "rỗng")
    try:
        header = [h.strip().upper() for h in next(csv.reader([lines[0]], strict=True))]
    except csv.Error:
        raise _refuse(
            "bad_header", "has an unreadable header", "dòng tiêu đề không đọc được"
        ) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing or not ({"MA_SO_BHXH", "SO_CCCD"} & set(header)):
        raise _refuse(
            "not_an_extract",
            "is not a BHXH household extract (required columns missing)",
            "không phải tệp trích xuất hộ gia đình BHXH (thiếu cột bắt buộc)",
        )
    return _rows(lines, header)


def _rows(lines: list[str], header: list[str]) -> Iterator[tuple[int, dict[str, str] | str]]:
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            values = next(csv.reader([line], strict=True))
        except csv.Error:
            yield number, "broken quoting"
            continue
        if len(values) != len(header):
            yield number, f"{len(values)} fields where the header has {len(header)}"
            continue
        yield number, dict(zip(header, values, strict=True))
