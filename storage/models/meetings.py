"""Network meetings, their occurrences and the minutes/plans archive (SPEC §5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base
from storage.types import JSONDocument, UTCDateTime, utcnow


class Meeting(Base):
    """A recurring series or a one-off meeting.

    ``starts_at`` is the one-off's start or the series' first occurrence (UTC);
    ``local_time`` ("HH:MM", Europe/Oslo) keeps a series at the same wall-clock
    time across daylight-saving changes. ``minute_takers`` is the ordered list of
    person ids the minute-taker role rotates through; ``rotation_index`` points at
    the next one.
    """

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # series|one_off
    recurrence: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    local_time: Mapped[str] = mapped_column(String(5))
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    location: Mapped[str | None] = mapped_column(String(200))
    agenda_url: Mapped[str | None] = mapped_column(String(500))
    minute_takers: Mapped[list[int]] = mapped_column(JSONDocument, default=list)
    rotation_index: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    occurrences: Mapped[list[MeetingOccurrence]] = relationship(
        back_populates="meeting",
        order_by="MeetingOccurrence.starts_at",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class MeetingOccurrence(Base):
    """One concrete occurrence; unique per meeting and start so scheduling is idempotent."""

    __tablename__ = "meeting_occurrences"
    __table_args__ = (
        UniqueConstraint("meeting_id", "starts_at", name="uq_meeting_occurrences_meeting_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    minute_taker_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="occurrences")


class Minutes(Base):
    """Submitted minutes of a meeting, or a work/strategy plan (``kind='plan'``).

    ``network_ts`` / ``management_ts`` are the Slack message timestamps of the
    posts in the network and management channels (set once delivered).
    """

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    occurrence_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_occurrences.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16), default="minutes")  # minutes|plan
    title: Mapped[str] = mapped_column(String(200))
    decisions: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[list[Any]] = mapped_column(JSONDocument, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    network_ts: Mapped[str | None] = mapped_column(String(32))
    management_ts: Mapped[str | None] = mapped_column(String(32))
