"""SQL for ``app_state`` counters."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from storage.models import AppState

#: Built once: the directory cache asks it every few seconds in every process.
_GET = select(AppState.value).where(AppState.name == bindparam("name"))


def get(session: Session, name: str) -> int:
    # Core on the session's connection: asked before every routing decision, no ORM layer needed.
    return session.connection().execute(_GET, {"name": name}).scalar() or 0


def bump(session: Session, name: str) -> int:
    """Increase the counter ``name`` by one (creating it), in the caller's transaction."""
    now = datetime.now(UTC)
    done = session.execute(
        update(AppState).where(AppState.name == name).values(value=AppState.value + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        session.add(AppState(name=name, value=1, updated_at=now))
        session.flush()
    return get(session, name)
