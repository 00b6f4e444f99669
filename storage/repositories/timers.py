"""SQL for durable timers."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.models import Timer


def schedule(session: Session, *, kind: str, key: str, due_at: datetime, now: datetime,
             request_id: int | None = None, payload: dict[str, Any] | None = None,
             stale_after: datetime | None = None) -> None:
    """Create the timer ``key`` or move it to ``due_at`` (re-arming a fired one).
    ``stale_after``: past that moment the timer is dropped instead of fired."""
    row = session.scalar(select(Timer).where(Timer.key == key))
    if row is None:
        session.add(Timer(kind=kind, key=key, due_at=due_at, request_id=request_id, stale_after=stale_after,
                          payload=payload or {}, state="pending", created_at=now))
    else:
        row.kind, row.due_at, row.payload, row.stale_after = kind, due_at, payload or {}, stale_after
        row.state, row.fired_at = "pending", None


def cancel_for_request(session: Session, request_id: int, kinds: Collection[str] | None = None) -> None:
    conds = [Timer.request_id == request_id, Timer.state == "pending"]
    if kinds is not None:
        conds.append(Timer.kind.in_(list(kinds)))
    session.execute(
        update(Timer).where(*conds).values(state="cancelled").execution_options(synchronize_session=False)
    )


def drop(session: Session, timer_id: int, now: datetime) -> bool:
    """A timer whose moment has passed: marked dropped, never fired."""
    result = session.execute(
        update(Timer).where(Timer.id == timer_id, Timer.state == "pending")
        .values(state="dropped", fired_at=now).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def due(session: Session, now: datetime, limit: int = 100, *, kinds: Collection[str] | None = None,
        requests_only: bool = False) -> list[Timer]:
    """Pending timers due by ``now``; ``kinds`` / ``requests_only`` keep each
    feature's sweep to its own timers."""
    conds = [Timer.state == "pending", Timer.due_at <= now]
    if kinds is not None:
        conds.append(Timer.kind.in_(list(kinds)))
    if requests_only:
        conds.append(Timer.request_id.is_not(None))
    return list(session.scalars(select(Timer).where(*conds).order_by(Timer.due_at).limit(limit)))


def claim(session: Session, timer_id: int, now: datetime) -> bool:
    result = session.execute(
        update(Timer).where(Timer.id == timer_id, Timer.state == "pending")
        .values(state="fired", fired_at=now).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def mark_failed(session: Session, timer_id: int, now: datetime) -> None:
    """Take a timer whose firing raised out of the sweep (kept for inspection)."""
    session.execute(
        update(Timer).where(Timer.id == timer_id).values(state="failed", fired_at=now)
        .execution_options(synchronize_session=False)
    )


def pending(session: Session, key: str) -> Timer | None:
    return session.scalar(select(Timer).where(Timer.key == key, Timer.state == "pending"))
