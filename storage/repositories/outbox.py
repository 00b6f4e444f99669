"""SQL for the outbox of Slack messages."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.models import OutboxMessage


def enqueue(session: Session, method: str, payload: dict[str, Any], now: datetime,
            dedupe_key: str | None = None) -> int:
    row = OutboxMessage(method=method, payload=payload, dedupe_key=dedupe_key, state="pending",
                        attempts=0, next_attempt_at=now, created_at=now)
    session.add(row)
    session.flush()
    return row.id


def claim(session: Session, message_id: int, now: datetime, lease: timedelta) -> OutboxMessage | None:
    """Take a due message for ``lease``; None when it is not due or someone else has it."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == "pending",
               OutboxMessage.next_attempt_at <= now)
        .values(next_attempt_at=now + lease, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    return session.get(OutboxMessage, message_id, populate_existing=True)


def delivered(session: Session, message_id: int, now: datetime, result: dict[str, Any] | None) -> None:
    session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id)
        .values(state="delivered", delivered_at=now, result=result, last_error=None)
        .execution_options(synchronize_session=False)
    )


def retry_later(session: Session, message_id: int, next_at: datetime, error: str, give_up: bool) -> None:
    session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id)
        .values(next_attempt_at=next_at, last_error=error[:2000], state="failed" if give_up else "pending")
        .execution_options(synchronize_session=False)
    )


def due_ids(session: Session, now: datetime, limit: int = 100) -> list[int]:
    return list(session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id).limit(limit)
    ))
