"""Durable timers: reminders and follow-ups that must fire once, even across a
restart (SPEC §5). The scheduler's tick claims due rows with a conditional
UPDATE, so two processes never fire the same timer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import JSONDocument, UTCDateTime, utcnow


class Timer(Base):
    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_state_due", "state", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(48))
    #: One timer per purpose, e.g. "hour-reminder-15m:42"; re-scheduling replaces it.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    #: After this moment the timer means nothing any more (a reminder of an hour
    #: that has begun): the sweep drops it instead of firing it late.
    stale_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending|fired|cancelled|dropped
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
