"""SQL for recurring jobs, kept as rows of the ``timers`` table.

A recurring job is one timer row (``key`` e.g. ``"daily:substitute_reminder"``)
in state ``"recurring"``: one-shot timers are ``"pending"``, and the request
service's sweep only ever looks at those, so the two never take each other's
rows. A run is claimed and re-armed by one conditional UPDATE, so two
schedulers (or a restart in the middle) run each occurrence once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Timer

RECURRING = "recurring"


def next_due(session: Session, key: str) -> datetime | None:
    return session.scalar(select(Timer.due_at).where(Timer.key == key, Timer.state == RECURRING))


def arm(session: Session, *, key: str, kind: str, due_at: datetime, now: datetime) -> bool:
    """Create the job's row unless it exists; False when another process was first."""
    if session.scalar(select(Timer.id).where(Timer.key == key)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(Timer(kind=kind, key=key, due_at=due_at, payload={}, state=RECURRING, created_at=now))
    except IntegrityError:
        return False
    return True


def claim(session: Session, key: str, now: datetime, next_due_at: datetime) -> bool:
    """Take the occurrence due at or before ``now`` and move the row on to
    ``next_due_at``; False when it is not due or someone else took it."""
    result = session.execute(
        update(Timer).where(Timer.key == key, Timer.state == RECURRING, Timer.due_at <= now)
        .values(due_at=next_due_at, fired_at=now).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
