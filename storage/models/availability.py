"""Who can be reached: current status, absence periods and substitutes (SPEC §4)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime, utcnow


class AvailabilityStatus(Base):
    """A person's self-reported status; no row means "available"."""

    __tablename__ = "availability_status"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(16), default="available")  # available|busy|away
    until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Absence(Base):
    """An absence period (fravær); both dates are inclusive."""

    __tablename__ = "absences"
    __table_args__ = (Index("ix_absences_person_ends", "person_id", "ends_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Substitute(Base):
    """A stedfortreder holding an absent person's role for a period (dates inclusive)."""

    __tablename__ = "substitutes"
    __table_args__ = (Index("ix_substitutes_absent_ends", "absent_person_id", "ends_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    absent_person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    substitute_person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))
    area_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    designated_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
