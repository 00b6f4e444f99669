"""The working calendar: Mon–Fri within working hours, Norwegian public holidays off.

Everything goes in and out as aware UTC datetimes; local time (Europe/Oslo by
default) is only used inside to decide what counts as working time, so offer
timeouts and reminders stay right across the DST changes in March and October.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.easter import easter

from bot.routing_types import WorkingHours

_SATURDAY = 5
#: Guard against endless loops on a calendar with no working days at all.
_MAX_SCAN_DAYS = 366 * 2


#: Days after Easter Sunday of the moveable holidays (Lov om helligdager og
#: helligdagsfred § 2): Maundy Thursday, Good Friday, Easter Sunday and Monday,
#: Ascension Day, Whit Sunday and Monday.
_EASTER_OFFSETS = (-3, -2, 0, 1, 39, 49, 50)
#: The fixed ones: New Year's Day, 1 and 17 May (offentlige høytidsdager),
#: Christmas Day and Boxing Day.
_FIXED = ((1, 1), (5, 1), (5, 17), (12, 25), (12, 26))


@lru_cache(maxsize=64)
def norwegian_public_holidays(year: int) -> frozenset[date]:
    """Norway's public holidays (helligdager and høytidsdager) in ``year``,
    Sundays aside (weekends are handled separately).

    The rules are fixed in Norwegian law, so they are written out here with
    dateutil's Easter computus, instead of loading the ``holidays`` package
    (about 17 MB in every worker for these twelve dates a year); the test suite
    checks this against ``holidays.Norway`` from 1950 to 2100."""
    sunday = easter(year)
    return frozenset({sunday + timedelta(days=d) for d in _EASTER_OFFSETS}
                     | {date(year, m, d) for m, d in _FIXED})


def _require_aware(dt: datetime) -> None:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"aware datetime required, got naive {dt!r}")


class WorkingCalendar:
    """Working days and working time for one set of working hours."""

    def __init__(self, hours: WorkingHours) -> None:
        if hours.start >= hours.end:
            raise ValueError("working hours must start before they end")
        self.hours = hours
        self.tz = ZoneInfo(hours.tz)

    # --- days -----------------------------------------------------------------
    def is_public_holiday(self, day: date) -> bool:
        return day in norwegian_public_holidays(day.year)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < _SATURDAY and not self.is_public_holiday(day)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        for _ in range(_MAX_SCAN_DAYS):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise RuntimeError("no working day found")  # pragma: no cover

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        for _ in range(_MAX_SCAN_DAYS):
            day -= timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise RuntimeError("no working day found")  # pragma: no cover

    def working_days_before(self, day: date, n: int) -> date:
        """The working day ``n`` working days before ``day`` (``n=0``: ``day`` itself).

        A reminder "one working day before" a Monday deadline lands on Friday,
        and before the Tuesday after Easter on the Wednesday before Skjærtorsdag.
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        for _ in range(n):
            day = self.previous_working_day(day)
        return day

    # --- local time -----------------------------------------------------------
    def to_local(self, dt_utc: datetime) -> datetime:
        _require_aware(dt_utc)
        return dt_utc.astimezone(self.tz)

    def local_date(self, dt_utc: datetime) -> date:
        return self.to_local(dt_utc).date()

    def at_local(self, day: date, clock: time) -> datetime:
        """``day`` at local wall-clock time ``clock``, as aware UTC."""
        return datetime.combine(day, clock, tzinfo=self.tz).astimezone(UTC)

    def day_start(self, day: date) -> datetime:
        return self.at_local(day, self.hours.start)

    def day_end(self, day: date) -> datetime:
        return self.at_local(day, self.hours.end)

    # --- time -----------------------------------------------------------------
    def is_working_time(self, dt_utc: datetime) -> bool:
        local = self.to_local(dt_utc)
        if not self.is_working_day(local.date()):
            return False
        return self.hours.start <= local.time().replace(tzinfo=None) < self.hours.end

    def next_working_start(self, dt_utc: datetime) -> datetime:
        """``dt_utc`` itself inside working time, else the start of the next working period."""
        if self.is_working_time(dt_utc):
            return dt_utc.astimezone(UTC)
        local = self.to_local(dt_utc)
        day = local.date()
        if self.is_working_day(day) and local.time().replace(tzinfo=None) < self.hours.start:
            return self.day_start(day)
        return self.day_start(self.next_working_day(day))

    def add_working_time(self, dt_utc: datetime, seconds: float) -> datetime:
        """``dt_utc`` plus ``seconds`` of working time, skipping nights, weekends, holidays.

        Counting starts at the next working moment, so zero seconds from a
        Saturday is Monday morning. A step that ends exactly at closing time
        ends at closing time, not the next morning.
        """
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        current = self.next_working_start(dt_utc)
        remaining = timedelta(seconds=seconds)
        for _ in range(_MAX_SCAN_DAYS * 2):
            end = self.day_end(self.local_date(current))
            available = end - current
            if remaining <= available:
                return current + remaining
            remaining -= available
            current = self.next_working_start(end)
        raise RuntimeError("working time overflow")  # pragma: no cover

    def working_seconds_between(self, start_utc: datetime, end_utc: datetime) -> float:
        """Working seconds in ``[start_utc, end_utc)`` (0 if end is before start)."""
        _require_aware(end_utc)
        total = timedelta()
        current = self.next_working_start(start_utc)
        while current < end_utc:
            day_end = self.day_end(self.local_date(current))
            total += min(day_end, end_utc) - current
            current = self.next_working_start(day_end)
        return total.total_seconds()
