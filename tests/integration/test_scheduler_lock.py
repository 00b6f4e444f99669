"""Exactly one active scheduler (SPEC §8): the database lock, and two real
``ifn-bot scheduler`` processes — one ticks, the other waits as a standby and
takes over when the first is killed."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import SchedulerLock
from storage.scheduler_lock import AdvisoryLock, LeaseLock, scheduler_lock

ROOT = Path(__file__).resolve().parents[2]


class FakeNow:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_lease_lock_one_holder_and_takeover_after_the_lease(engine):
    now = FakeNow()
    first = LeaseLock(engine, name="t", lease=timedelta(seconds=30), now=now)
    second = LeaseLock(engine, name="t", lease=timedelta(seconds=30), now=now)
    assert first.acquire()
    assert not second.acquire()
    now.now += timedelta(seconds=20)
    assert first.still_held()  # renewed: the lease now runs to +50 s
    now.now += timedelta(seconds=29)
    assert not second.acquire()
    now.now += timedelta(seconds=2)  # the first stopped renewing and its lease ran out
    assert second.acquire()
    assert not first.still_held()  # it notices and steps down
    second.release()
    assert first.acquire()  # a released lock is free at once
    with engine.connect() as conn:
        assert conn.scalar(select(SchedulerLock.holder).where(SchedulerLock.name == "t")) == first.holder


def test_the_right_lock_for_the_database(engine):
    lock = scheduler_lock(engine)
    assert isinstance(lock, AdvisoryLock if engine.dialect.name == "postgresql" else LeaseLock)


def test_advisory_lock_is_exclusive_and_freed_with_its_connection(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    first, second = AdvisoryLock(engine, key=4242), AdvisoryLock(engine, key=4242)
    try:
        assert first.acquire()
        assert not second.acquire()
        assert first.still_held()
        first.release()
        assert second.acquire()
    finally:
        first.release()
        second.release()


# --- two real scheduler processes ------------------------------------------------------


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class CountingTicker:
    def __init__(self) -> None:
        self.ticks = 0

    def tick(self):
        from bot.services.ticker import TickResult

        self.ticks += 1
        return TickResult(0, 0, 0)


def test_only_the_lock_holder_ticks_and_the_standby_takes_over_when_it_stops(engine):
    from scheduler.runner import LockedScheduler

    one, two = CountingTicker(), CountingTicker()
    first = LockedScheduler(one, scheduler_lock(engine), interval_seconds=0.1, standby_poll=0.1).start()
    second = None
    try:
        _wait_for(first.active.is_set, 10, "the first scheduler to become active")
        second = LockedScheduler(two, scheduler_lock(engine), interval_seconds=0.1, standby_poll=0.1).start()
        _wait_for(lambda: one.ticks >= 5, 10, "ticks")
        assert two.ticks == 0 and not second.active.is_set()
        first.shutdown(wait=True)  # releases the lock
        _wait_for(second.active.is_set, 10, "the standby to take over")
        _wait_for(lambda: two.ticks >= 3, 10, "the standby's ticks")
    finally:
        first.shutdown(wait=True)
        if second is not None:
            second.shutdown(wait=True)
