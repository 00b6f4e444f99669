"""A leased lock so exactly one scheduler process runs jobs (SPEC §8).

A row per lock ``name``; the holder renews ``lease_until`` while alive and a
waiting process takes over only after the lease has expired. This works on
SQLite, which has no advisory locks.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class SchedulerLock(Base):
    __tablename__ = "scheduler_lock"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime())


class SchedulerTick(Base):
    """When a scheduler last ticked (one row per ``name``, overwritten each tick),
    so web processes can tell in ``/readyz`` whether any scheduler is alive, and
    metrics can name the lock holder and the tick's duration."""

    __tablename__ = "scheduler_ticks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    ticked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_ms: Mapped[int] = mapped_column(Integer)
