"""Jobs that run once every working day at the start of working hours, driven by
the scheduler's heartbeat (``Ticker.tick``).

Each job is a durable row in ``timers`` (see ``storage.repositories.daily_jobs``)
holding when it is next due. A tick claims a due occurrence and re-arms the row
for the next working morning in the same transaction as the job's own writes
(the messages it queues), so:

* a restart loses nothing: the first tick after start runs a missed morning;
* two schedulers, or two ticks at once, run it once (the claim is a conditional
  UPDATE);
* a job that fails rolls its claim back and is tried again on the next tick.

A morning missed entirely (the bot down all day) is not replayed: the job runs
once, for the day on which it catches up, and only if that is a working day.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.services.outbox import OutboxService
from storage.repositories import daily_jobs as repo

log = logging.getLogger("ifn_bot.daily")

#: A job gets its transaction, the clock reading and the local working day it
#: runs for, and returns the ids of the outbox messages it queued.
DailyJob = Callable[[Session, datetime, date], list[str]]

KEY_PREFIX = "daily:"


class DailyJobs:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, calendar: WorkingCalendar,
                 delivery: OutboxService) -> None:
        self._sessions = sessions
        self._clock = clock
        self._calendar = calendar
        self._delivery = delivery
        self._jobs: dict[str, DailyJob] = {}

    def add(self, name: str, job: DailyJob) -> None:
        if name in self._jobs:
            raise ValueError(f"daily job {name!r} added twice")
        self._jobs[name] = job

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._jobs)

    def run_due(self) -> int:
        """Run every job whose morning has come; return how many ran."""
        return sum(1 for name, job in self._jobs.items() if self._run(name, job))

    def next_due(self, name: str) -> datetime | None:
        with self._sessions() as s:
            return repo.next_due(s, KEY_PREFIX + name)

    # ------------------------------------------------------------------ internals

    def _first_due(self, now: datetime) -> datetime:
        """A new job's first run: this morning if today is a working day that is
        not over yet (at once if its start has passed), else the next working morning."""
        cal = self._calendar
        today = cal.local_date(now)
        if cal.is_working_day(today) and now < cal.day_end(today):
            return cal.day_start(today)
        return cal.day_start(cal.next_working_day(today))

    def _run(self, name: str, job: DailyJob) -> bool:
        key = KEY_PREFIX + name
        now = self._clock.now()
        cal = self._calendar
        with self._sessions.begin() as s:
            if repo.next_due(s, key) is None:
                repo.arm(s, key=key, kind=key, due_at=self._first_due(now), now=now)
        today = cal.local_date(now)
        runs_today = cal.is_working_day(today) and now >= cal.day_start(today)
        if runs_today or not cal.is_working_day(today):
            following = cal.day_start(cal.next_working_day(today))
        else:
            following = cal.day_start(today)  # caught up before this morning's start: wait for it
        with self._delivery.unit_of_work() as (s, _now, queued):
            if not repo.claim(s, key, now, following):
                return False
            if not runs_today:
                log.info("daily job %s: no run on %s, next at %s", name, today, following.isoformat())
                return False
            queued += job(s, now, today)
        log.info("daily job %s ran for %s (%d messages), next at %s", name, today, len(queued),
                 following.isoformat())
        return True
