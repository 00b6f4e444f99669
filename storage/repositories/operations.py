"""Read-only queries for the operator's view (readiness, metrics) and the tick record.

Kept apart from the feature repositories: these are read at scrape/probe time by
web processes and written once per tick by the active scheduler.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.orm import Session

from storage.models import OutboxMessage, SchedulerTick

TICK_NAME = "scheduler"


@dataclass(frozen=True, slots=True)
class LastTick:
    holder: str
    at: datetime
    duration_ms: int


@dataclass(frozen=True, slots=True)
class Backlog:
    pending: int
    failed: int
    oldest_pending_at: datetime | None


def record_tick(engine: Engine, holder: str, at: datetime, duration_ms: int) -> None:
    """Overwrite the one tick row (insert it the first time)."""
    values = {"holder": holder, "ticked_at": at, "duration_ms": duration_ms}
    with engine.begin() as conn:
        done = conn.execute(update(SchedulerTick).where(SchedulerTick.name == TICK_NAME).values(**values))
        if done.rowcount == 0:
            conn.execute(insert(SchedulerTick).values(name=TICK_NAME, **values))


def last_tick(session: Session) -> LastTick | None:
    row = session.get(SchedulerTick, TICK_NAME, populate_existing=True)
    return None if row is None else LastTick(row.holder, row.ticked_at, row.duration_ms)


def outbox_backlog(session: Session) -> Backlog:
    """Messages waiting for Slack (pending) and given up on (failed), and since when
    the oldest pending one waits."""
    pending, oldest = session.execute(
        select(func.count(), func.min(OutboxMessage.queued_at)).where(OutboxMessage.state == "pending")
    ).one()
    failed = session.scalar(select(func.count()).where(OutboxMessage.state == "failed"))
    return Backlog(int(pending), int(failed or 0), oldest)
