"""A row of the BHXH household extract (../shared/formats/bhxh-household-extract.md), validated."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import TypeVar

from healthid.domain.birth_date import BirthDate, parse_birth_date
from healthid.domain.errors import ValidationError
from healthid.domain.identifiers import (
    check_bhyt_matches_si,
    check_personal_id_matches,
    parse_bhyt_card,
    parse_personal_id,
    parse_si_number,
)
from healthid.domain.names import canonical_name
from healthid.domain.person import Demographics, display_text
from healthid.domain.sex import Sex

REQUIRED = ("MA_HO_GD", "HO_TEN", "NGAY_SINH", "GIOI_TINH", "NGAY_CAP_NHAT")
KNOWN = (*REQUIRED, "MA_SO_BHXH", "SO_CCCD", "MA_THE_BHYT", "NOI_SINH", "MATINH_CU_TRU",
         "MAXA_CU_TRU", "DIA_CHI", "QUAN_HE_CHU_HO")  # fmt: skip
_SEX = {"1": Sex.MALE, "2": Sex.FEMALE, "3": Sex.OTHER}


@dataclass(frozen=True)
class ExtractRow:
    source_key: str
    si_number: str | None
    cccd: str | None
    bhyt_card: str | None
    household: str
    full_name: str
    birth_date: BirthDate
    sex: Sex
    birthplace: str | None
    address: str | None
    updated_at: datetime
    # The residence ward (MAXA_CU_TRU) when it is a ward code, for matching (stored only
    # as a blind index). A malformed one is dropped, not rejected: the column may be blank.
    ward: str | None = None

    def demographics(self) -> Demographics:
        """The row's data as ``parse_demographics`` would have made it (already validated)."""
        return Demographics(
            self.full_name, self.birth_date, self.sex, self.birthplace, self.address
        )


class RowRejectedError(ValidationError):
    """A row broke a rule of the format; ``column`` names the BHXH column."""

    def __init__(self, column: str, cause: ValidationError) -> None:
        super().__init__(column, cause.rule, cause.message_en, cause.message_vi)
        self.column = column


T = TypeVar("T")


# Birth dates repeat across an extract (tens of thousands of distinct values in a
# million rows); the day is part of the key, for the rule against future dates.
@lru_cache(maxsize=1 << 16)
def _birth_date(raw: str, today: date) -> BirthDate:
    return parse_birth_date(raw, today=today)


def _text(field: str, **limit: int) -> Callable[[str], str]:
    return lambda raw: display_text(raw, field=field, **limit)


def _check(column: str, value: str, parse: Callable[[str], T]) -> T:
    """``parse(value)``, its error reported against the BHXH column."""
    try:
        return parse(value)
    except ValidationError as exc:
        raise RowRejectedError(column, exc) from None


def _rule(column: str, check: Callable[[], None]) -> None:
    try:
        check()
    except ValidationError as exc:
        raise RowRejectedError(column, exc) from None


def parse_row(row: dict[str, str]) -> ExtractRow:
    """Validate one row (column names upper case); raises ``RowRejectedError`` naming the column."""
    get = {k: (row.get(k) or "").strip() for k in KNOWN}
    for column in REQUIRED:
        if not get[column]:
            raise RowRejectedError(
                column, ValidationError(column, "missing", "is required", "bắt buộc phải có")
            )
    if not get["MA_SO_BHXH"] and not get["SO_CCCD"]:
        raise RowRejectedError(
            "MA_SO_BHXH",
            ValidationError(
                "MA_SO_BHXH",
                "no_source_key",
                "MA_SO_BHXH or SO_CCCD is required",
                "cần MA_SO_BHXH hoặc SO_CCCD",
            ),
        )
    if len(get["MA_HO_GD"]) > 15:
        raise RowRejectedError(
            "MA_HO_GD",
            ValidationError(
                "MA_HO_GD", "too_long", "must be at most 15 characters", "tối đa 15 ký tự"
            ),
        )
    si = _check("MA_SO_BHXH", get["MA_SO_BHXH"], parse_si_number) if get["MA_SO_BHXH"] else None
    _check("HO_TEN", get["HO_TEN"], canonical_name)
    # As parse_demographics stores them: NFC, single spaces, no control characters.
    name = _check("HO_TEN", get["HO_TEN"], _text("full_name", max_length=100))
    place = _check("NOI_SINH", get["NOI_SINH"], _text("birthplace")) if get["NOI_SINH"] else None
    address = _check("DIA_CHI", get["DIA_CHI"], _text("address")) if get["DIA_CHI"] else None
    birth = _check("NGAY_SINH", get["NGAY_SINH"], lambda raw: _birth_date(raw, date.today()))
    sex = _SEX.get(get["GIOI_TINH"])
    if sex is None:
        raise RowRejectedError(
            "GIOI_TINH",
            ValidationError("GIOI_TINH", "unknown_sex", "must be 1, 2 or 3", "phải là 1, 2 hoặc 3"),
        )
    cccd = None
    if get["SO_CCCD"]:
        pid = _check("SO_CCCD", get["SO_CCCD"], parse_personal_id)
        _rule("SO_CCCD", lambda: check_personal_id_matches(pid, sex=sex, birth_year=birth.year))
        cccd = pid.value
    bhyt = None
    if get["MA_THE_BHYT"]:
        card = _check("MA_THE_BHYT", get["MA_THE_BHYT"], parse_bhyt_card)
        if si is not None:
            _rule("MA_THE_BHYT", lambda: check_bhyt_matches_si(card, si))
        bhyt = card.value
    try:
        updated = datetime.fromisoformat(get["NGAY_CAP_NHAT"])
    except ValueError:
        updated = None
    if updated is None or updated.tzinfo is None:
        raise RowRejectedError(
            "NGAY_CAP_NHAT",
            ValidationError(
                "NGAY_CAP_NHAT",
                "bad_format",
                "must be an ISO 8601 date-time with an offset",
                "phải là ngày giờ ISO 8601 có múi giờ",
            ),
        )
    return ExtractRow(
        source_key=str(si) if si else str(cccd),
        si_number=str(si) if si else None,
        cccd=cccd,
        bhyt_card=bhyt,
        household=get["MA_HO_GD"],
        full_name=name,
        birth_date=birth,
        sex=sex,
        birthplace=place,
        address=address,
        updated_at=updated,
        ward=_ward(get["MAXA_CU_TRU"]),
    )


def _ward(raw: str) -> str | None:
    """A ward code as matching compares it: five digits, or nothing."""
    return raw if len(raw) == 5 and raw.isascii() and raw.isdigit() else None
