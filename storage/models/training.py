"""Training levels (Trinn 1–3) and announced group/training sessions (SPEC §2, §5)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base
from storage.types import UTCDateTime, utcnow


class TrainingRecord(Base):
    """A completed (or registered) training level.

    ``topic`` is ``""`` when a level has no topic (Trinn 1), not NULL: NULLs are
    distinct in unique constraints on both SQLite and PostgreSQL, so a nullable
    topic would let the same person get Trinn 1 recorded twice.
    """

    __tablename__ = "training_records"
    __table_args__ = (
        UniqueConstraint("person_id", "level", "topic", name="uq_training_records_person_level"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    level: Mapped[int] = mapped_column(Integer)  # 1, 2 or 3
    topic: Mapped[str] = mapped_column(String(200), default="")
    completed_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(32))  # e.g. "import", "slack", "admin"


class GroupSession(Base):
    """An announced group-supervision session (8.2.4) or Trinn 2/3 training session."""

    __tablename__ = "group_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # group|training
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    location: Mapped[str | None] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    co_organiser_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    channel: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    #: A Slack retry or double submit of the form creates one session.
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    signups: Mapped[list[GroupSignup]] = relationship(
        back_populates="session",
        order_by="GroupSignup.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class GroupSignup(Base):
    """One person's place on a session; ``position`` orders sign-ups and the waitlist."""

    __tablename__ = "group_signups"
    __table_args__ = (
        UniqueConstraint("session_id", "person_id", name="uq_group_signups_session_person"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_sessions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    # signed_up|waitlisted|withdrawn
    state: Mapped[str] = mapped_column(String(16), default="signed_up")
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    session: Mapped[GroupSession] = relationship(back_populates="signups")
