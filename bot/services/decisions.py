"""The one decision primitive for every button that decides something (SPEC §7:
every privileged action checked on the server, every decision made once).

A decision is a row keyed by *what* is decided (``exemption:12``,
``production_week:7:2026-W49``, ``minutes:31``): the first click inserts it and
its effects happen in the same transaction; a second click — by the same person
or another, at the same instant or a day later — finds the row and is answered
with who decided what and when, changing nothing and sending nothing. The
messages that carried the buttons (outbox rows queued with that
``decision_key``) are then replaced by the outcome for everyone who got them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services import outbox
from storage.models import Decision, OutboxMessage


@dataclass(frozen=True, slots=True)
class Decided:
    key: str
    outcome: str
    actor_id: int | None
    decided_at: datetime
    data: dict[str, Any]


def _decided(row: Decision) -> Decided:
    return Decided(row.key, row.outcome, row.actor_id, row.decided_at, dict(row.data or {}))


def earlier(s: Session, key: str) -> Decided | None:
    """The decision already made on ``key``, if any."""
    row = s.get(Decision, key, populate_existing=True)
    return _decided(row) if row is not None else None


def decide(s: Session, key: str, outcome: str, actor_id: int | None, now: datetime,
           data: dict[str, Any] | None = None) -> Decided | None:
    """Make the decision ``key`` in the caller's transaction. None: this call made
    it (go on with its effects). Otherwise the decision made before, which the
    caller reports without changing anything. Two callers at the same instant:
    the database's primary key lets exactly one insert succeed; the other waits
    for it and gets its row."""
    found = earlier(s, key)
    if found is not None:
        return found
    try:
        with s.begin_nested():
            s.add(Decision(key=key, outcome=outcome, actor_id=actor_id, decided_at=now, data=data or {}))
            s.flush()
    except IntegrityError:
        found = earlier(s, key)
        if found is None:  # pragma: no cover - the unique key is the only constraint that can fail
            raise
        return found
    return None


def replace_messages(s: Session, key: str, now: datetime,
                     render: Callable[[OutboxMessage], tuple[str, list[dict[str, Any]] | None]]) -> int:
    """Replace every message whose buttons decided ``key`` by what ``render``
    returns for it (usually the outcome in its reader's language, no buttons)."""
    rows = outbox_rows(s, key)
    for row in rows:
        text, blocks = render(row)
        outbox.replace(s, row, text, blocks, now)
    return len(rows)


def outbox_rows(s: Session, key: str) -> list[OutboxMessage]:
    from storage.repositories import outbox as outbox_repo

    return outbox_repo.keys_for_decision(s, key)
