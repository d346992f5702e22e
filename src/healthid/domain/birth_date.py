"""Birth dates as recorded in Vietnam: a full date, a year and month, or a year only."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from healthid.domain.errors import ValidationError

Precision = Literal["day", "month", "year"]

# The oldest people in BHXH records were born in the 1880s; earlier years are typos.
MIN_YEAR = 1880
MAX_YEAR = 9999  # four digits, as every accepted form writes the year

_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# BHXH exports: yyyymm, yyyymmdd (00 = unknown month or day) and yyyymmddHHMM.
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})?")
_COMPACT_TIME = re.compile(r"(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})")
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")  # Vietnamese order: day first

_FORMAT_EN = (
    "must be yyyy-mm-dd, yyyy-mm, yyyy, yyyymmdd (00 for an unknown month or day), "
    "yyyymm, yyyymmddHHMM or dd/mm/yyyy"
)
_FORMAT_VI = (
    "phải có dạng yyyy-mm-dd, yyyy-mm, yyyy, yyyymmdd (00 khi không rõ tháng, ngày), "
    "yyyymm, yyyymmddHHMM hoặc dd/mm/yyyy"
)


@functools.total_ordering
@dataclass(frozen=True, slots=True)
class BirthDate:
    """A birth date known to the day, the month or the year only.

    Ordered by (year, month, day) with unknown parts first, so 1990 < 1990-01 <
    1990-01-01. (``order=True`` would compare None with int and raise.)
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        _check(self.year, self.month, self.day, "birth_date")

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, BirthDate):
            return NotImplemented
        return self._key() < other._key()

    def _key(self) -> tuple[int, int, int]:
        return self.year, self.month or 0, self.day or 0

    @property
    def precision(self) -> Precision:
        """How much of the date is known."""
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def compact(self) -> str:
        """The BHXH form, ``yyyymmdd`` with ``00`` for unknown parts (``19650000``)."""
        return "{:04d}{:02d}{:02d}".format(*self._key())

    def __str__(self) -> str:
        """ISO 8601 at the known precision: 1990-05-01, 1990-05 or 1990."""
        parts = [f"{self.year:04d}"]
        parts += [f"{part:02d}" for part in (self.month, self.day) if part is not None]
        return "-".join(parts)


def _check(year: int, month: int | None, day: int | None, field: str) -> None:
    if year < MIN_YEAR:
        raise ValidationError(
            field, "too_old", f"year must be {MIN_YEAR} or later", f"năm sinh phải từ {MIN_YEAR}"
        )
    if year > MAX_YEAR:
        raise ValidationError(
            field, "year_out_of_range", "year must have four digits", "năm sinh phải có bốn chữ số"
        )
    if month is None and day is not None:
        raise ValidationError(
            field, "day_without_month", "a day needs a month", "có ngày thì phải có tháng"
        )
    if month is not None and not 1 <= month <= 12:
        raise ValidationError(
            field, "month_out_of_range", "month must be 01 to 12", "tháng phải từ 01 đến 12"
        )
    if month is None or day is None:
        return
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ValidationError(
            field,
            "day_out_of_range",
            "day does not exist in that month",
            "ngày không có trong tháng đó",
        )


def _read(text: str, field: str) -> tuple[int, int | None, int | None]:
    """Year, month and day from any accepted form; None for an unknown part."""
    if m := _ISO.fullmatch(text):
        # In ISO form an unknown part is left out, so "00" is a wrong month or day.
        return int(m[1]), _int(m[2]), _int(m[3])
    if m := _DMY.fullmatch(text):
        return int(m[3]), int(m[2]), int(m[1])
    if m := _COMPACT_TIME.fullmatch(text):
        if not (int(m[4]) < 24 and int(m[5]) < 60):
            raise ValidationError(
                field,
                "time_out_of_range",
                "the time in yyyymmddHHMM must be 00:00 to 23:59",
                "giờ trong yyyymmddHHMM phải từ 00:00 đến 23:59",
            )
    elif not (m := _COMPACT.fullmatch(text)):
        raise ValidationError(field, "bad_format", _FORMAT_EN, _FORMAT_VI)
    # BHXH form: "00" means unknown.
    month, day = int(m[2]), int(m[3] or 0)
    if month == 0 and day != 0:
        raise ValidationError(
            field, "day_without_month", "a day needs a month", "có ngày thì phải có tháng"
        )
    return int(m[1]), month or None, day or None


def _int(part: str | None) -> int | None:
    return None if part is None else int(part)


def parse_birth_date(
    raw: str, *, field: str = "birth_date", today: date | None = None
) -> BirthDate:
    """Read any accepted form; a date that cannot have happened yet is refused."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not text.isascii():  # \d would accept Arabic-Indic and other Unicode digits
        raise ValidationError(field, "bad_format", _FORMAT_EN, _FORMAT_VI)
    year, month, day = _read(text, field)
    _check(year, month, day, field)
    # A partial date is in the future only if even its earliest possible day is.
    if date(year, month or 1, day or 1) > (today or date.today()):
        raise ValidationError(
            field, "in_future", "must not be in the future", "không được ở tương lai"
        )
    return BirthDate(year, month, day)
