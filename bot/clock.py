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
    """System time plus an offset that only grows: real time for the sandbox,
    which its clock control can move forward. Thread-safe."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        if offset < timedelta(0):
            raise ValueError("OffsetClock's offset cannot be negative")
        self._offset = offset
        self._lock = threading.Lock()

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
