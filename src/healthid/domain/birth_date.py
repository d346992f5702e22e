"""Birth dates as recorded in Vietnam: a full date, a year and month, or a year only."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from healthid.domain.errors import ValidationError

MIN_YEAR = 1880
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(?:(\d{2})(?:(\d{2})(\d{2}))?)?$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")

_FORMAT_EN = (
    "must be yyyy-mm-dd, yyyy-mm, yyyy, yyyymmdd (00 for an unknown month or day) or dd/mm/yyyy"
)
_FORMAT_VI = (
    "phải có dạng yyyy-mm-dd, yyyy-mm, yyyy, yyyymmdd (00 khi không rõ tháng, ngày) hoặc dd/mm/yyyy"
)


def _error(field: str, rule: str, en: str, vi: str) -> ValidationError:
    return ValidationError(field, rule, en, vi)


@dataclass(frozen=True, order=True)
class BirthDate:
    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        _check(self.year, self.month, self.day, "birth_date")

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def compact(self) -> str:
        """The BHXH form, ``yyyymmdd`` with ``00`` for unknown parts (``19650000``)."""
        return f"{self.year:04d}{self.month or 0:02d}{self.day or 0:02d}"

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)


def _check(year: int, month: int | None, day: int | None, field: str) -> None:
    if year < MIN_YEAR:
        raise _error(
            field,
            "too_old",
            f"year must be {MIN_YEAR} or later",
            f"năm sinh phải từ {MIN_YEAR} trở đi",
        )
    if month is None and day is not None:
        raise _error(field, "day_without_month", "a day needs a month", "có ngày thì phải có tháng")
    if month is not None and not 1 <= month <= 12:
        raise _error(
            field, "month_out_of_range", "month must be 01 to 12", "tháng phải từ 01 đến 12"
        )
    if (
        month is not None
        and day is not None
        and not 1 <= day <= calendar.monthrange(year, month)[1]
    ):
        raise _error(
            field,
            "day_out_of_range",
            "day does not exist in that month",
            "ngày không có trong tháng đó",
        )


def _read(text: str) -> tuple[int, int, int] | None:
    """Year, month, day from any accepted form (0 for unknown), or None."""
    if m := _ISO.match(text):
        return int(m[1]), int(m[2] or 0), int(m[3] or 0)
    if m := _COMPACT.match(text):
        if m[4] is not None and not (int(m[4]) < 24 and int(m[5]) < 60):
            return None  # yyyymmddHHMM with an impossible time
        return int(m[1]), int(m[2]), int(m[3] or 0)
    if m := _DMY.match(text):
        return int(m[3]), int(m[2]), int(m[1])
    return None


def parse_birth_date(
    raw: str, *, field: str = "birth_date", today: date | None = None
) -> BirthDate:
    text = raw.strip() if isinstance(raw, str) else ""
    parts = _read(text) if text.isascii() else None
    if parts is None:
        raise _error(field, "bad_format", _FORMAT_EN, _FORMAT_VI)
    year, month, day = parts
    if month == 0 and day != 0:
        raise _error(field, "day_without_month", "a day needs a month", "có ngày thì phải có tháng")
    _check(year, month or None, day or None, field)
    result = BirthDate(year, month or None, day or None)
    today = today or date.today()
    earliest = date(year, month or 1, day or 1)
    if earliest > today:
        raise _error(field, "in_future", "must not be in the future", "không được ở tương lai")
    return result
