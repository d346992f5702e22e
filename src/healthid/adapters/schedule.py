"""When the periodic sync runs: a cron expression in Vietnam's time (cronsim evaluates it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

from healthid.domain.errors import ValidationError

SETTING = "HEALTHID_SYNC_SCHEDULE"
DEFAULT_SCHEDULE = "0 2 * * *"  # nightly, 02:00 in Hanoi


def vietnam_time() -> tzinfo:
    """Asia/Ho_Chi_Minh; UTC+7 when the system has no time-zone database.

    Vietnam has kept UTC+7 without daylight saving since 1975, so the fixed
    offset gives the same answers for any date the registry will see.
    """
    try:
        return ZoneInfo("Asia/Ho_Chi_Minh")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=7), "ICT")


class CronSchedule:
    """Five-field cron (minute hour day-of-month month day-of-week), read in ``zone``."""

    def __init__(self, expression: str, zone: tzinfo | None = None) -> None:
        self.expression = " ".join(expression.split())
        self.zone = zone or vietnam_time()
        # cronsim also takes a sixth (seconds) field; a nightly import does not need it,
        # and a typo that adds a field should be an error, not every-second imports.
        fields = len(self.expression.split())
        try:
            if fields != 5:
                raise CronSimError("five fields expected")
            CronSim(self.expression, datetime.now(self.zone))
        except CronSimError as exc:
            raise ValidationError(
                SETTING,
                "bad_cron",
                f"is not a cron expression of five fields, such as '{DEFAULT_SCHEDULE}' ({exc})",
                f"không phải biểu thức cron năm trường, ví dụ '{DEFAULT_SCHEDULE}' ({exc})",
            ) from None

    def next_after(self, moment: datetime) -> datetime:
        """The first time strictly after ``moment`` the schedule fires, in UTC."""
        local = moment.astimezone(self.zone)
        fired: datetime = next(CronSim(self.expression, local))
        return fired.astimezone(UTC)
