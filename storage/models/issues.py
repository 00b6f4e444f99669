"""Professional issues raised for line handling (memo §7, SPEC §2 ``issue``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime, utcnow


class LineIssue(Base):
    """An issue an IFK (or IFR) raises with the line: case- or country-specific to
    the raiser's area leader, general or cross-area to the fagsjef.

    ``state`` is ``new`` → ``acknowledged`` (Mottatt) → ``answered``; the two DMs
    (the raiser's status, the recipient's message) are updated in place.
    ``idempotency_key`` makes a Slack retry or double submit create one issue.
    """

    __tablename__ = "line_issues"
    __table_args__ = (Index("ix_line_issues_recipient_state", "recipient_id", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # case|country|general|cross_area
    raiser_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    area_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="new")
    reply: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    raiser_channel: Mapped[str | None] = mapped_column(String(32))
    raiser_ts: Mapped[str | None] = mapped_column(String(32))
    recipient_channel: Mapped[str | None] = mapped_column(String(32))
    recipient_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
