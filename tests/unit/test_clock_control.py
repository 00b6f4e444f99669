"""The sandbox's clock buttons on the dates that make them interesting."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from bot.calendar import WorkingCalendar
from bot.routing_types import WorkingHours
from sandbox.clock_control import next_weekday_at, next_working_morning, target

CAL = WorkingCalendar(WorkingHours(time(8, 0), time(15, 45)))


def oslo(text: str) -> datetime:
    """A local Oslo wall-clock moment, e.g. "2026-11-30 03:01"."""
    return CAL.at_local(datetime.fromisoformat(text).date(), datetime.fromisoformat(text).time())


@pytest.mark.parametrize(("now", "expected"), [
    ("2026-11-30 03:01", "2026-11-30 08:00"),  # Monday before the day starts: today
    ("2026-11-30 07:59", "2026-11-30 08:00"),
    ("2026-11-30 08:00", "2026-12-01 08:00"),  # at 08:00 the next one is tomorrow
    ("2026-11-30 16:30", "2026-12-01 08:00"),  # the first working day of December
    ("2026-11-27 12:30", "2026-11-30 08:00"),  # Friday afternoon: Monday
    ("2026-11-28 07:00", "2026-11-30 08:00"),  # Saturday before 08:00 is no working day
    ("2027-03-24 15:00", "2027-03-30 08:00"),  # before Maundy Thursday: after Easter Monday
    ("2026-12-24 10:00", "2026-12-28 08:00"),  # Christmas Eve: 25 and 26 are holidays
    ("2026-12-31 16:30", "2027-01-04 08:00"),  # New Year's Eve: 1 January is a holiday
    ("2026-10-24 22:00", "2026-10-26 08:00"),  # the last evening of summer time
    ("2026-10-25 02:30", "2026-10-26 08:00"),  # the night the clocks go back
])
def test_next_working_morning(now, expected):
    moved = next_working_morning(CAL, oslo(now))
    assert CAL.to_local(moved).strftime("%Y-%m-%d %H:%M") == expected


def test_next_working_morning_crosses_the_clock_change_in_local_time():
    moved = next_working_morning(CAL, oslo("2026-10-24 22:00"))
    assert moved.utcoffset() is not None and CAL.to_local(moved).utcoffset().total_seconds() == 3600


@pytest.mark.parametrize(("now", "expected"), [
    ("2026-11-27 11:59", "2026-11-27 12:00"),
    ("2026-11-27 12:00", "2026-12-04 12:00"),
    ("2026-11-27 12:30", "2026-12-04 12:00"),
    ("2026-12-24 10:00", "2026-12-25 12:00"),  # the button goes to Friday noon even on a holiday
])
def test_friday_noon_is_strictly_after_now(now, expected):
    moved = next_weekday_at(CAL, oslo(now), 4, time(12, 0))
    assert CAL.to_local(moved).strftime("%Y-%m-%d %H:%M") == expected


def test_minutes_and_hours_and_unknown_steps():
    now = oslo("2026-10-25 01:30")
    assert (target(CAL, now, "+3m") - now).total_seconds() == 180
    assert (target(CAL, now, "+1h") - now).total_seconds() == 3600
    with pytest.raises(ValueError):
        target(CAL, now, "yesterday")
