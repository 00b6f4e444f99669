"""OffsetClock: real time plus an offset that only grows (the sandbox's clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import OffsetClock


def test_runs_in_real_time_and_moves_forward():
    clock = OffsetClock()
    before = datetime.now(UTC)
    assert before <= clock.now() <= datetime.now(UTC)
    moved = clock.advance(timedelta(minutes=3))
    assert moved - datetime.now(UTC) > timedelta(minutes=2, seconds=59)
    assert clock.offset == timedelta(minutes=3)
    assert clock.now().tzinfo is not None


def test_advance_to_a_moment_and_never_back():
    clock = OffsetClock(timedelta(hours=1))
    target = datetime.now(UTC) + timedelta(days=2)
    assert abs(clock.advance_to(target) - target) < timedelta(seconds=1)
    offset = clock.offset
    clock.advance_to(datetime.now(UTC))  # already past: nothing changes
    assert clock.offset == offset
    with pytest.raises(ValueError):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError):
        clock.advance_to(datetime(2030, 1, 1))


def test_starts_at_a_fixed_moment_in_the_past_and_runs_on_from_there():
    start = datetime(2026, 11, 30, 15, 30, tzinfo=UTC)  # a Monday afternoon, long before or after today
    clock = OffsetClock.starting_at(start)
    assert start <= clock.now() < start + timedelta(seconds=5)
    assert clock.advance(timedelta(hours=1)) >= start + timedelta(hours=1)
    with pytest.raises(ValueError):
        OffsetClock.starting_at(datetime(2026, 11, 30, 15, 30))
