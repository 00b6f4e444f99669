"""Injected clocks, so tests and the sandbox move time without sleeping."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to. Thread-safe."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            return self._now

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = when.astimezone(UTC)


class OffsetClock:
    """System time plus an offset: real time for the sandbox, which its clock
    control can move forward (never back). The offset may start negative, so a
    sandbox can begin at a fixed moment in the past (tests and demos start from
    a named date, never from whatever day it is). Thread-safe."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self._offset = offset
        self._lock = threading.Lock()

    @classmethod
    def starting_at(cls, moment: datetime) -> OffsetClock:
        """A clock that reads ``moment`` now and runs on in real time from there."""
        if moment.tzinfo is None:
            raise ValueError("OffsetClock needs an aware datetime")
        return cls(moment - datetime.now(UTC))

    @property
    def offset(self) -> timedelta:
        with self._lock:
            return self._offset

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("OffsetClock only moves forward")
        with self._lock:
            self._offset += delta
            return datetime.now(UTC) + self._offset

    def advance_to(self, when: datetime) -> datetime:
        """Move forward to ``when`` (aware); a moment already past changes nothing."""
        if when.tzinfo is None:
            raise ValueError("OffsetClock needs an aware datetime")
        with self._lock:
            gap = when - (datetime.now(UTC) + self._offset)
            if gap > timedelta(0):
                self._offset += gap
            return datetime.now(UTC) + self._offset
