"""SQL for the outbox of Slack messages (``storage.models.OutboxMessage``).

Queuing is buffered on the session and written by one multi-row upsert when the
session commits (``before_commit``), so a step that queues several messages
costs one statement, and no code path can queue a message and forget to write
it. The row is claimed for the queuing process in the same statement (when no
one else holds it), so delivering it right after the commit needs no claim of
its own: one write transaction records the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Literal

from sqlalchemy import Boolean, Executable, and_, bindparam, case, event, false, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import OutboxMessage

#: How a queued row meets an existing row with the same key:
#: ``sync``: bump the revision (the message is re-rendered from current state);
#: ``replace``: new payload and revision (a static message replaced in place);
#: ``once``: nothing (a notice queued twice is sent once).
Mode = Literal["sync", "replace", "once"]

_BUFFER = "ifn_outbox_buffer"
_CLAIM = "ifn_outbox_claim"
#: Keys already written in this session's transaction: SQLAlchemy fires
#: ``before_commit`` at a savepoint's release too (``begin_nested``), so a key
#: queued before a savepoint is written there and must still be dispatched.
_WRITTEN = "ifn_outbox_written"


@dataclass(frozen=True, slots=True)
class Queued:
    key: str
    kind: str
    payload: dict[str, Any]
    now: datetime
    mode: Mode = "sync"
    decision_key: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    owner: str
    lease: timedelta


@dataclass(slots=True)
class Result:
    """What one delivery attempt of one row found out."""

    key: str
    rev: int
    ok: bool
    channel: str | None = None
    ts: str | None = None
    error: str | None = None
    retry_at: datetime | None = None
    give_up: bool = False
    skipped: bool = False
    doubt: bool = False  # the call may have taken effect (timeout): look before posting again
    extra: dict[str, Any] = field(default_factory=dict)


def set_claim(session: Session, owner: str, lease: timedelta) -> None:
    """Rows this session queues are claimed for ``owner`` (when free) on commit."""
    session.info[_CLAIM] = Claim(owner, lease)


def enqueue(session: Session, item: Queued) -> str:
    """Buffer ``item``; it is written when the session commits. Returns its key."""
    session.info.setdefault(_BUFFER, []).append(item)
    return item.key


def queued_keys(session: Session) -> list[str]:
    return [*session.info.get(_WRITTEN, []), *(q.key for q in session.info.get(_BUFFER, []))]


def flush_buffer(session: Session) -> None:
    """Write the buffered rows: one upsert per mode (usually one statement)."""
    buffer: list[Queued] = session.info.pop(_BUFFER, [])
    if not buffer:
        return
    session.info.setdefault(_WRITTEN, []).extend(q.key for q in buffer)
    claim: Claim | None = session.info.get(_CLAIM)
    merged: dict[str, Queued] = {}
    for item in buffer:  # the same key twice in one statement is refused by PostgreSQL
        earlier = merged.get(item.key)
        keeps_earlier = item.mode == "once" or (item.mode == "sync" and earlier is not None
                                                and earlier.mode == "replace")
        if earlier is None or not keeps_earlier:
            merged[item.key] = item
    by_mode: dict[str, list[Queued]] = {}
    for item in merged.values():
        by_mode.setdefault(item.mode, []).append(item)
    for mode, items in by_mode.items():
        _upsert(session, mode, items, claim)


def _upsert(session: Session, mode: Mode, items: list[Queued], claim: Claim | None) -> None:
    now = items[0].now
    lease_until = now + claim.lease if claim else None
    claimed = {"p_now": now, "p_owner": claim.owner if claim else None, "p_lease_until": lease_until,
               "p_claimed": claim is not None}
    rows = [{
        "key": q.key, "kind": q.kind, "payload": q.payload, "decision_key": q.decision_key,
        "rev": 1, "done_rev": 0, "state": "pending", "owner": claimed["p_owner"], "lease_until": lease_until,
        "tries": 1 if claim else 0, "doubt": False, "attempts": 0, "next_attempt_at": q.now,
        "created_at": q.now, "queued_at": q.now, **claimed,
    } for q in items]
    session.execute(_upsert_statement(session.get_bind().dialect.name, mode), rows)


@cache
def _upsert_statement(dialect: str, mode: Mode) -> Executable:
    """The upsert for ``mode``, built once: a Core INSERT whose rows (and the
    claim, as ``p_*`` parameters) come at execution, so SQLAlchemy compiles it
    once per process; ``.values([...])`` with many rows is compiled every time."""
    table = OutboxMessage.__table__
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    if mode == "once":
        return stmt.on_conflict_do_nothing(index_elements=["key"])
    now = bindparam("p_now", type_=table.c.next_attempt_at.type)
    owner = bindparam("p_owner", type_=table.c.owner.type)
    lease_until = bindparam("p_lease_until", type_=table.c.lease_until.type)
    free = or_(table.c.lease_until.is_(None), table.c.lease_until < now)
    take = and_(free, bindparam("p_claimed", type_=Boolean))
    values: dict[str, Any] = {
        "rev": table.c.rev + 1,
        # A message already waiting keeps waiting since when it began to.
        "queued_at": case((table.c.state == "pending", table.c.queued_at), else_=now),
        # A recipient Slack refused for good stays skipped: no retry storm on every step.
        "state": case((table.c.state == "skipped", "skipped"), else_="pending"),
        "attempts": 0,
        "next_attempt_at": now,
        # Taking over a claim that was never settled: the claimer may have posted.
        "doubt": or_(table.c.doubt, and_(take, table.c.tries > 0, table.c.ts.is_(None))),
        "owner": case((take, owner), else_=table.c.owner),
        "lease_until": case((take, lease_until), else_=table.c.lease_until),
        "tries": case((take, table.c.tries + 1), else_=table.c.tries),
    }
    if mode == "replace":
        values["payload"] = stmt.excluded.payload
        values["decision_key"] = stmt.excluded.decision_key
    return stmt.on_conflict_do_update(index_elements=["key"], set_=values)


@event.listens_for(Session, "before_commit")
def _write_buffer_before_commit(session: Session) -> None:
    flush_buffer(session)


# ------------------------------------------------------------------ delivering


def owned(session: Session, keys: Sequence[str], owner: str) -> list[OutboxMessage]:
    """The rows among ``keys`` that ``owner`` holds and that still need delivering."""
    if not keys:
        return []
    return list(session.scalars(
        select(OutboxMessage).where(OutboxMessage.key.in_(list(keys)), OutboxMessage.owner == owner,
                                    OutboxMessage.state == "pending")
        .execution_options(populate_existing=True)
    ))


def claim_due(session: Session, now: datetime, owner: str, lease: timedelta, limit: int = 50) -> list[str]:
    """Claim pending rows that are due and held by nobody (or by a claimer whose
    lease ran out): the sweep's way in. Returns the claimed keys."""
    table = OutboxMessage.__table__
    due = list(session.scalars(
        select(OutboxMessage.key).where(
            OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now))
        .order_by(OutboxMessage.next_attempt_at).limit(limit)
    ))
    if not due:
        return []
    result = session.execute(
        update(table)
        .where(table.c.key.in_(due), table.c.state == "pending",
               or_(table.c.lease_until.is_(None), table.c.lease_until < now))
        .values(owner=owner, lease_until=now + lease, tries=table.c.tries + 1,
                doubt=or_(table.c.doubt, and_(table.c.tries > 0, table.c.ts.is_(None))))
        .returning(table.c.key)
    )
    return [row[0] for row in result]


def record(session: Session, results: Iterable[Result], owner: str, now: datetime) -> list[str]:
    """Record what delivering each row found out, for rows ``owner`` still holds.
    A row queued again while it was being delivered stays pending (and claimed):
    the keys returned are to be delivered again at once."""
    results = list(results)
    if not results:
        return []
    table = OutboxMessage.__table__
    ok = [r for r in results if r.ok]
    failed = [r for r in results if not r.ok]
    again: list[str] = []
    if ok:
        # One statement for every delivered row; RETURNING says which ones were
        # queued again meanwhile (their revision moved on) and stay claimed.
        by_key = {r.key: r for r in ok}
        rev = case({k: r.rev for k, r in by_key.items()}, value=table.c.key)
        same = table.c.rev == rev
        rows = session.execute(
            update(table).where(table.c.key.in_(list(by_key)), table.c.owner == owner)
            .values(channel=case({k: r.channel for k, r in by_key.items()}, value=table.c.key),
                    ts=case({k: r.ts for k, r in by_key.items()}, value=table.c.key), done_rev=rev,
                    state=case((same, "done"), else_="pending"),
                    owner=case((same, None), else_=table.c.owner),
                    lease_until=case((same, None), else_=table.c.lease_until),
                    tries=case((same, 0), else_=1), doubt=false(), attempts=0, last_error=None,
                    delivered_at=now, next_attempt_at=now)
            .returning(table.c.key, table.c.state)
        ).all()
        again = [key for key, state in rows if state == "pending"]
    if failed:
        session.execute(
            update(table).where(table.c.key == bindparam("b_key"), table.c.owner == owner)
            .values(state=bindparam("b_state"), owner=None, lease_until=None, tries=0,
                    doubt=or_(table.c.doubt, bindparam("b_doubt")), attempts=table.c.attempts + 1,
                    last_error=bindparam("b_error"), next_attempt_at=bindparam("b_next")),
            [{"b_key": r.key, "b_error": (r.error or "")[:2000], "b_doubt": r.doubt,
              "b_next": r.retry_at or now,
              "b_state": "skipped" if r.skipped else ("failed" if r.give_up else "pending")} for r in failed],
        )
    return again


def renew(session: Session, keys: Sequence[str], owner: str, until: datetime) -> list[str]:
    """Extend ``owner``'s claims on ``keys`` (still pending) to ``until``; the keys it still held."""
    if not keys:
        return []
    table = OutboxMessage.__table__
    result = session.execute(
        update(table).where(table.c.key.in_(list(keys)), table.c.owner == owner, table.c.state == "pending")
        .values(lease_until=until).returning(table.c.key)
    )
    return [row[0] for row in result]


def release(session: Session, keys: Sequence[str], owner: str) -> None:
    """Give up claims without an attempt (e.g. on shutdown): the sweep takes them."""
    if keys:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.key.in_(list(keys)), OutboxMessage.owner == owner)
            .values(owner=None, lease_until=None).execution_options(synchronize_session=False)
        )


# --------------------------------------------------------------------- reading


def message_ref(session: Session, key: str) -> tuple[str, str] | None:
    """Where the message ``key`` was posted, once it was."""
    row = session.execute(
        select(OutboxMessage.channel, OutboxMessage.ts).where(OutboxMessage.key == key)
    ).first()
    return (row[0], row[1]) if row and row[0] and row[1] else None


def keys_for_decision(session: Session, decision_key: str) -> list[OutboxMessage]:
    return list(session.scalars(
        select(OutboxMessage).where(OutboxMessage.decision_key == decision_key).order_by(OutboxMessage.key)
    ))
