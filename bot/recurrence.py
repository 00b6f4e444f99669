"""Recurrence rules of network meetings (memo §2): weekly, every other week, or
monthly on the n-th weekday (1st–4th, or the last). Pure: dates in, dates out.

A series keeps its local wall-clock time (Europe/Oslo) across daylight-saving
changes: occurrences are computed as local dates and only then turned into UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo


class Freq(StrEnum):
    ONCE = "once"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


LAST = -1


@dataclass(frozen=True, slots=True)
class Rule:
    freq: Freq
    #: monthly only: which weekday of the month (1..4, or LAST); the weekday is the first date's.
    nth: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"freq": self.freq.value, "nth": self.nth}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Rule:
        if not data:
            return cls(Freq.ONCE)
        return cls(Freq(data["freq"]), data.get("nth"))


def nth_of(day: date) -> int:
    """Which occurrence of its weekday ``day`` is in its month (1..5)."""
    return (day.day - 1) // 7 + 1


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    """The ``nth`` ``weekday`` (0 = Monday) of the month; LAST for the last one;
    None when the month has no such day (a 5th Monday)."""
    if nth == LAST:
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        last = nxt - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    return day if day.month == month else None


def local_dates(rule: Rule, first: date) -> Iterator[date]:
    """Every date of the series from ``first`` on (endless except for ONCE)."""
    if rule.freq is Freq.ONCE:
        yield first
        return
    if rule.freq in (Freq.WEEKLY, Freq.BIWEEKLY):
        step = timedelta(weeks=1 if rule.freq is Freq.WEEKLY else 2)
        day = first
        while True:
            yield day
            day += step
    nth = rule.nth if rule.nth is not None else nth_of(first)
    year, month = first.year, first.month
    while True:
        day = nth_weekday(year, month, first.weekday(), nth)
        if day is not None and day >= first:
            yield day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The local wall-clock time on ``day`` in UTC (a time skipped by the spring
    change resolves forward, like the calendar does)."""
    local = datetime.combine(day, at, tzinfo=tz)
    return local.astimezone(UTC).astimezone(tz).astimezone(UTC)


def occurrences(rule: Rule, first: date, at: time, tz: ZoneInfo, until: datetime,
                since: datetime | None = None) -> list[datetime]:
    """UTC starts of the series' occurrences with ``since <= start < until``."""
    out: list[datetime] = []
    for day in local_dates(rule, first):
        start = to_utc(day, at, tz)
        if start >= until:
            break
        if since is None or start >= since:
            out.append(start)
    return out


def rotation(takers: list[int], index: int) -> int | None:
    """The minute-taker for the ``index``-th occurrence: the list in order, round and round."""
    return takers[index % len(takers)] if takers else None
