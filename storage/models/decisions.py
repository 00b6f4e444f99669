"""Decisions made with a button, each made exactly once (``bot.services.decisions``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import JSONDocument, UTCDateTime, utcnow


class Decision(Base):
    """``key`` names what was decided (``exemption:12``, ``hour_time:42:1``); the
    primary key makes the first click the only one that counts."""

    __tablename__ = "decisions"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
