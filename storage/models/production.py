"""The weekly production goal for IFK/BFK and exemptions from it (SPEC §5, memo §5)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime, utcnow


class ProductionLog(Base):
    """One interview or decision a coordinator logged; ``week`` is the ISO week
    ("2026-W48") of ``on_date``, stored so weekly attainment is a plain lookup."""

    __tablename__ = "production_logs"
    __table_args__ = (Index("ix_production_logs_person_week", "person_id", "week"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # interview|decision
    on_date: Mapped[date] = mapped_column(Date)
    week: Mapped[str] = mapped_column(String(8))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Exemption(Base):
    """A request to be exempted from the goal for ``week`` up to and including
    ``last_week`` (one week when they are equal, or when ``last_week`` is empty
    on rows from before periods); at most one starts in a person's week."""

    __tablename__ = "exemptions"
    __table_args__ = (UniqueConstraint("person_id", "week", name="uq_exemptions_person_week"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    week: Mapped[str] = mapped_column(String(8))
    last_week: Mapped[str | None] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending|approved|rejected
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
