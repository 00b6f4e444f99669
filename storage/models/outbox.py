"""Slack messages that must arrive, kept until delivered (SPEC §7).

One row per *logical* message, keyed by what it is (``status:42`` is request
42's status message, ``offer:7`` the offer DM of offer 7, ``dm:…`` a one-off
notice). Queuing the same key again does not add a row: it bumps ``rev`` (and
may replace ``payload``), so the deliverer renders the latest state once and
updates the message in place. That is what makes "one status message per
request" hold whoever delivers it: web processes and the scheduler claim the
*key*, under a lease, before any Slack call.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import JSONDocument, UTCDateTime, utcnow


class OutboxMessage(Base):
    """``rev`` counts what was queued, ``done_rev`` what Slack has; the row is
    ``pending`` while they differ. ``owner``/``lease_until`` is the claim of the
    one process delivering it now. ``channel``/``ts`` say where the message lives
    once posted (later revisions are ``chat.update``\\ s of it).

    ``tries`` counts claims not yet ended by a recorded result. A claim that finds
    ``tries`` > 0 and no ``ts`` follows a claimer that died (or is still stuck)
    between calling Slack and recording the answer; that, or an answer lost to a
    timeout, sets ``doubt``: before posting, the deliverer looks in the channel
    for a message carrying this key (``bot.notifier.Notifier.find_posted``)."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_state_next", "state", "next_attempt_at"),
        Index("ix_outbox_messages_decision", "decision_key"),
    )

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    #: The message's buttons decide this (``bot.services.decisions``): when it is
    #: decided, the message is replaced by the outcome.
    decision_key: Mapped[str | None] = mapped_column(String(200))
    rev: Mapped[int] = mapped_column(Integer, default=1)
    done_rev: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending|done|failed|skipped
    owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    tries: Mapped[int] = mapped_column(Integer, default=0)
    doubt: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # failed attempts in a row
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Since when the revision waiting now has waited (the backlog's age).
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
