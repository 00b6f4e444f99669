"""Durable jobs on a calendar of their own (weekly, monthly), driven by the
ticker like ``DailyJobs``.

Each job is one recurring row of ``timers`` holding its next due time. A run is
claimed and re-armed by one conditional UPDATE in the same transaction as the
messages it queues: a restart fires a missed occurrence once, two schedulers
never both fire it, a failing job rolls its claim back and is retried. An
occurrence caught up only in a later period (the bot was down past the end of
the week or month) is skipped, not replayed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.services.outbox import OutboxService
from storage.repositories import daily_jobs as timers

log = logging.getLogger("ifn_bot.periodic")


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    key: str
    #: The first due time at or after (``strict``: after) a moment.
    next_at: Callable[[datetime, bool], datetime]
    #: The period a local day belongs to ("2026-W48", "2026-11").
    period: Callable[[date], str]
    #: Runs in the claiming transaction for the period; returns queued outbox ids.
    job: Callable[[Session, datetime, str], list[str]]


def run_periodic(sessions: sessionmaker[Session], clock: Clock, calendar: WorkingCalendar,
                 delivery: OutboxService, spec: PeriodicJob) -> bool:
    now = clock.now()
    with sessions.begin() as s:
        if timers.next_due(s, spec.key) is None:
            timers.arm(s, key=spec.key, kind=spec.key, due_at=spec.next_at(now, False), now=now)
    with delivery.unit_of_work() as (s, _now, queued):
        due_at = timers.next_due(s, spec.key)
        if due_at is None or due_at > now:
            return False
        following = spec.next_at(now, True)
        if not timers.claim(s, spec.key, now, following):
            return False
        period = spec.period(calendar.local_date(due_at))
        if spec.period(calendar.local_date(now)) != period:
            log.info("%s: the occurrence of %s was missed, next at %s", spec.key, period,
                     following.isoformat())
            return False
        queued += spec.job(s, now, period)
    log.info("%s ran for %s (%d messages), next at %s", spec.key, period, len(queued), following.isoformat())
    return True


def month_of(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def monthly_next(calendar: WorkingCalendar) -> Callable[[datetime, bool], datetime]:
    """Due times at the start of each month's first working day."""

    def due(first: date) -> datetime:
        day = first if calendar.is_working_day(first) else calendar.next_working_day(first)
        return calendar.day_start(day)

    def next_at(now: datetime, strict: bool) -> datetime:
        first = calendar.local_date(now).replace(day=1)
        for _ in range(3):
            at = due(first)
            if at > now if strict else at >= now:
                return at
            first = (first + timedelta(days=32)).replace(day=1)
        raise RuntimeError("no working day in three months")

    return next_at


def next_timers_due(sessions: sessionmaker[Session], key: str) -> datetime | None:
    with sessions() as s:
        return timers.next_due(s, key)
