"""Help requests and the offers made for them (SPEC §2, §3)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base
from storage.types import JSONDocument, UTCDateTime, utcnow


class Request(Base):
    """One request for help.

    ``type`` and ``state`` are plain strings (the domain enums live in ``bot/``).
    ``chain`` is the candidate chain frozen when the request was routed and
    ``cursor`` the position of the current offer in it, so escalation resumes
    exactly where it was after a restart. ``idempotency_key`` is unique: a Slack
    retry or double submit of the same form cannot create a second request.
    JSON columns are not change-tracked in place: assign a new list/dict.
    """

    __tablename__ = "requests"
    __table_args__ = (
        Index("ix_requests_state_type", "state", "type"),
        Index("ix_requests_requester_state", "requester_id", "state"),
        Index("ix_requests_assignee_state", "assignee_id", "state"),
        # Round-robin: the latest acceptance per coordinator, without a scan.
        Index("ix_requests_assignee_accepted", "assignee_id", "accepted_at"),
        Index("ix_requests_area_created", "area_code", "created_at"),
        # A leader's Home tab: the open requests of an area, without a scan of its history.
        Index("ix_requests_area_state", "area_code", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # live|feedback|hour|group|support|issue
    type: Mapped[str] = mapped_column(String(16))
    # new|offered|accepted|completed|cancelled|unassigned
    state: Mapped[str] = mapped_column(String(16), default="new")
    requester_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"))
    child_involved: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    chain: Mapped[list[Any]] = mapped_column(JSONDocument, default=list)
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    widened: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Bumped by every lifecycle step; a step writes only if nothing moved since it read.
    version: Mapped[int] = mapped_column(Integer, default=0)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    status_channel: Mapped[str | None] = mapped_column(String(32))
    status_ts: Mapped[str | None] = mapped_column(String(32))
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    offers: Mapped[list[Offer]] = relationship(
        back_populates="request",
        order_by="Offer.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Offer(Base):
    """One offer of a request to one candidate (a DM with Accept / Decline)."""

    __tablename__ = "offers"
    __table_args__ = (
        Index("ix_offers_person_state", "person_id", "state"),
        Index("ix_offers_request_state", "request_id", "state"),
        # The timeout sweep after a restart looks for open offers past their deadline.
        Index("ix_offers_state_deadline", "state", "deadline_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    tier: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(200))  # a routing Reason value
    reason_params: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    # open|accepted|declined|timed_out|withdrawn|superseded
    state: Mapped[str] = mapped_column(String(16), default="open")
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_channel: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))

    request: Mapped[Request] = relationship(back_populates="offers")
