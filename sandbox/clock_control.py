"""Where the sandbox's clock buttons move the bot's clock.

Pure functions of the working calendar and the current moment, so each button's
rule is tested on the dates that make it interesting (a Monday before 08:00, a
Friday afternoon, the day before Easter, New Year's Eve, the night the clocks
go back).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.calendar import WorkingCalendar

#: The steps the page offers, by the ``data-step`` of their button.
STEPS = ("+3m", "+1h", "next-working-day", "friday-noon")

MORNING = time(8, 0)
FRIDAY_NOON = time(12, 0)


def next_working_morning(calendar: WorkingCalendar, now: datetime, at: time = MORNING) -> datetime:
    """*Neste arbeidsdag 08:00*: today at ``at`` when today is a working day and
    that moment is still ahead (Monday 03:01 → Monday 08:00), else ``at`` on the
    next working day (Friday 12:30 → Monday 08:00; 31 December → 4 January 2027)."""
    today = calendar.local_date(now)
    if calendar.is_working_day(today) and calendar.at_local(today, at) > now:
        return calendar.at_local(today, at)
    return calendar.at_local(calendar.next_working_day(today), at)


def next_weekday_at(calendar: WorkingCalendar, now: datetime, weekday: int, at: time) -> datetime:
    """The next ``weekday`` (0 = Monday) at local ``at`` strictly after ``now``."""
    day = calendar.local_date(now)
    for _ in range(8):
        if day.weekday() == weekday and calendar.at_local(day, at) > now:
            return calendar.at_local(day, at)
        day += timedelta(days=1)
    raise AssertionError("a weekday recurs within eight days")  # pragma: no cover


def target(calendar: WorkingCalendar, now: datetime, step: str) -> datetime:
    """The moment a clock step moves to from ``now``."""
    if step == "+3m":
        return now + timedelta(minutes=3)
    if step == "+1h":
        return now + timedelta(hours=1)
    if step == "next-working-day":
        return next_working_morning(calendar, now)
    if step == "friday-noon":
        return next_weekday_at(calendar, now, 4, FRIDAY_NOON)
    raise ValueError(f"unknown clock step {step!r}")
