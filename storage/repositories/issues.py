"""SQL for line issues."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import LineIssue


def open_for_recipient(session: Session, person_id: int) -> list[LineIssue]:
    """Issues ``person_id`` received and has not answered yet."""
    return list(session.scalars(select(LineIssue).where(LineIssue.recipient_id == person_id,
                                                        LineIssue.state != "answered")
                                .order_by(LineIssue.id)))
