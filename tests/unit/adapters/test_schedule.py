"""HEALTHID_SYNC_SCHEDULE: cron read in Vietnam's time; anything else refused by name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from healthid.adapters.schedule import CronSchedule, vietnam_time
from healthid.domain.errors import ValidationError

ICT = timezone(timedelta(hours=7))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("expression", "now", "expected"),
    [
        # Nightly at 02:00 Hanoi time is 19:00 UTC the day before.
        ("0 2 * * *", utc(2026, 1, 1, 12, 0), utc(2026, 1, 1, 19, 0)),
        # Strictly after: at the very minute it fires, the next is tomorrow's.
        ("0 2 * * *", utc(2026, 1, 1, 19, 0), utc(2026, 1, 2, 19, 0)),
        ("0 2 * * *", utc(2026, 1, 1, 19, 0, 1), utc(2026, 1, 2, 19, 0)),
        # Midnight UTC is 07:00 in Hanoi: today's 02:00 has passed there.
        ("0 2 * * *", utc(2026, 3, 10, 0, 0), utc(2026, 3, 10, 19, 0)),
        ("*/15 * * * *", utc(2026, 1, 1, 10, 7), utc(2026, 1, 1, 10, 15)),
        # Mondays at 23:30 Hanoi time: Monday 5 January 2026, 16:30 UTC.
        ("30 23 * * 1", utc(2026, 1, 1, 0, 0), utc(2026, 1, 5, 16, 30)),
        # The first of the month, in Hanoi: 1 February 03:00 is 31 January 20:00 UTC.
        ("0 3 1 * *", utc(2026, 1, 31, 19, 0), utc(2026, 1, 31, 20, 0)),
    ],
)
def test_next_run_is_computed_in_vietnam_time(
    expression: str, now: datetime, expected: datetime
) -> None:
    assert CronSchedule(expression).next_after(now) == expected


def test_the_next_run_is_given_in_utc_whatever_the_zone_of_now() -> None:
    fired = CronSchedule("0 2 * * *").next_after(datetime(2026, 1, 1, 1, 0, tzinfo=ICT))
    assert fired == utc(2025, 12, 31, 19, 0)  # 02:00 the same Hanoi day
    assert fired.utcoffset() == timedelta(0)


def test_vietnam_time_is_utc_plus_seven_all_year() -> None:
    for month in (1, 4, 7, 10):
        assert utc(2026, month, 1).astimezone(vietnam_time()).utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(
    "expression",
    ["61 * * * *", "0 25 * * *", "* * *", "0 2 * * * *", "", "nightly", "0 2 31 2 * extra"],
)
def test_an_invalid_schedule_is_refused_naming_the_variable(expression: str) -> None:
    with pytest.raises(ValidationError) as caught:
        CronSchedule(expression)
    assert caught.value.field == "HEALTHID_SYNC_SCHEDULE"
    assert caught.value.rule == "bad_cron"
    assert "0 2 * * *" in caught.value.message_en
    assert "0 2 * * *" in caught.value.message_vi
