"""Exactly one active scheduler (SPEC §8): the database lock, and two real
``ifn-bot scheduler`` processes — one ticks, the other waits as a standby and
takes over when the first is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import Meeting, MeetingOccurrence, Person, SchedulerLock
from storage.repositories import meetings as meeting_repo
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


def _add_reminders(session_factory, titles: list[str]) -> None:
    """A one-off meeting per title, starting in two hours, with its one-hour
    reminder due now: the first scheduler to tick posts it. "Now" is the machine's
    real time, the scheduler processes' clock, even when this session is travelled."""
    from tests.integration.test_cli import wall_clock

    now = datetime.fromtimestamp(wall_clock(), UTC)
    with session_factory.begin() as s:
        author = s.scalar(select(Person.id).limit(1))
        for title in titles:
            start = now + timedelta(hours=2)
            meeting = Meeting(title=title, kind="one_off", recurrence=None, starts_at=start,
                              local_time="10:00",
                              duration_minutes=60, minute_takers=[], rotation_index=0, cancelled=False,
                              created_by_id=author, created_at=now)
            s.add(meeting)
            s.flush()
            occ = MeetingOccurrence(meeting_id=meeting.id, starts_at=start, cancelled=False)
            s.add(occ)
            s.flush()
            meeting_repo.schedule_timer(s, kind="mtg_remind_1h", occurrence_id=occ.id, due_at=now, now=now)


@pytest.mark.parametrize("stop", ["kill", "term"])
def test_two_scheduler_processes_fire_each_job_once_and_the_standby_takes_over(
        engine, session_factory, db_url, fake_slack, tmp_path, stop):
    """kill -9 of the active one: the standby takes over within 10 s (PostgreSQL frees
    the advisory lock at once, SQLite's 6 s lease runs out). SIGTERM: the active one
    finishes its tick and releases the lock, and the standby takes over within its
    1 s poll."""
    from bot.clock import SystemClock
    from bot.directory_file import load_directory_file
    from bot.services.directory import DirectoryService
    from tests.conftest import EXAMPLE_ORG

    DirectoryService(session_factory, SystemClock()).import_directory(load_directory_file(EXAMPLE_ORG))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "IFN_", "DATABASE_URL"))}
    env.update(PYTHONPATH=str(ROOT), DATABASE_URL=db_url, SLACK_BOT_TOKEN="xoxb-test",
               SLACK_SIGNING_SECRET="s", SLACK_API_URL=fake_slack.base_url, IFN_NETWORK_CHANNEL="CNETWORK01")
    logs = {name: tmp_path / f"{name}.log" for name in ("a", "b")}
    procs: dict[str, subprocess.Popen] = {}

    def start(name: str) -> None:
        out = logs[name].open("w")
        procs[name] = subprocess.Popen([sys.executable, "-m", "app.cli", "scheduler", "--interval", "1"],
                                       env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT)

    def log(name: str) -> str:
        return logs[name].read_text()

    def posts() -> list[str]:
        return [m.get("text", "") for m in fake_slack.messages("CNETWORK01")]

    def posted(title: str) -> int:
        return sum(1 for text in posts() if title in text)

    try:
        start("a")
        _wait_for(lambda: "scheduler active" in log("a"), 30, "the first scheduler to become active")
        start("b")
        _wait_for(lambda: "scheduler standby" in log("b"), 30, "the second scheduler to wait as standby")

        first = ["Møte A1", "Møte A2", "Møte A3"]
        _add_reminders(session_factory, first)
        _wait_for(lambda: all(posted(t) for t in first), 20, "the first reminders")
        time.sleep(2.5)  # more ticks of both processes: nothing fires twice
        assert [posted(t) for t in first] == [1, 1, 1]
        assert "scheduler active" not in log("b") and "tick:" not in log("b")
        assert "tick:" in log("a")

        procs["a"].send_signal(signal.SIGKILL if stop == "kill" else signal.SIGTERM)
        t0 = time.monotonic()
        _wait_for(lambda: "scheduler active" in log("b"), 20, "the standby to take over")
        took = time.monotonic() - t0
        print(f"{engine.dialect.name}, {stop}: the standby took over after {took:.1f} s")
        assert took < (10 if stop == "kill" else 3), f"the standby took over after {took:.1f} s"
        procs["a"].wait(timeout=30)
        if stop == "term":
            assert procs["a"].returncode == 0
            assert "scheduler lock released" in log("a") and "scheduler stopped" in log("a")

        second = ["Møte B1", "Møte B2"]
        _add_reminders(session_factory, second)
        _wait_for(lambda: all(posted(t) for t in second), 20, "the reminders after the takeover")
        time.sleep(1.5)
        assert [posted(t) for t in first + second] == [1, 1, 1, 1, 1]
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
    assert procs["b"].returncode == 0, log("b")


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
