"""Absence periods as plain date spans (both ends inclusive), and the rules the
availability service applies to them: merging, the period covering a day, how
long a period lasts. Pure, so the edge cases are tested without a database.

Dates are local calendar days (Europe/Oslo); a DST change in the night does not
move them. Which day is "today" is decided once, by the caller, from the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)

#: The longest period one command may register or designate (a leap year).
MAX_PERIOD_DAYS = 366

#: An IFK or the BFK absent for more than this many days needs a substitute (memo §3).
LONG_ABSENCE_DAYS = 7


@dataclass(frozen=True, slots=True)
class Span:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end

    def touches(self, other: Span) -> bool:
        """Overlapping or back to back (one ends the day before the other starts)."""
        return self.start <= other.end + ONE_DAY and other.start <= self.end + ONE_DAY

    def overlaps(self, other: Span) -> bool:
        return self.start <= other.end and other.start <= self.end


@dataclass(frozen=True, slots=True)
class Merge:
    span: Span  # the one period to keep
    absorbed: tuple[int, ...]  # ids of existing periods it replaces


def merge(new: Span, existing: Iterable[tuple[int, Span]]) -> Merge:
    """Join ``new`` with every existing period it overlaps or adjoins, directly or
    through another one (``existing`` are ``(id, span)`` pairs)."""
    span = new
    rest = list(existing)
    absorbed: list[int] = []
    grew = True
    while grew:
        grew = False
        for item in list(rest):
            row_id, other = item
            if span.touches(other):
                span = Span(min(span.start, other.start), max(span.end, other.end))
                absorbed.append(row_id)
                rest.remove(item)
                grew = True
    return Merge(span, tuple(sorted(absorbed)))


def covering(spans: Iterable[Span], day: date) -> Span | None:
    """The whole absence around ``day``: the periods covering it joined with the
    ones back to back with them, in both directions; None if ``day`` is free."""
    periods = list(spans)
    if not any(p.covers(day) for p in periods):
        return None
    return merge(Span(day, day), enumerate(periods)).span


def is_long(span: Span) -> bool:
    return span.days > LONG_ABSENCE_DAYS
