"""SQL for requests, offers and the audit timeline.

State moves are conditional UPDATEs from the expected state; the caller learns
from the row count whether it won. Nothing here decides *what* should happen.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy import insert as sql_insert
from sqlalchemy.orm import Session, joinedload

from storage.models import AuditEvent, Offer, Request


def get(session: Session, request_id: int, *, lock: bool = False) -> Request | None:
    """``lock``: SELECT … FOR UPDATE (ignored by SQLite, whose writers are serialised),
    re-reading the row so the caller sees the latest committed state."""
    if lock:
        return session.get(Request, request_id, with_for_update=True, populate_existing=True)
    return session.get(Request, request_id)


def with_offers(session: Session, request_id: int) -> Request | None:
    """The request and its offers (in id order) in one query."""
    return session.scalars(
        select(Request).options(joinedload(Request.offers)).where(Request.id == request_id)
    ).unique().one_or_none()


def by_idempotency_key(session: Session, key: str) -> Request | None:
    return session.scalar(select(Request).where(Request.idempotency_key == key))


def insert(session: Session, **fields: Any) -> Request:
    request = Request(**fields)
    session.add(request)
    session.flush()
    return request


def move(session: Session, request_id: int, from_states: Iterable[str], to_state: str,
         **fields: Any) -> bool:
    """Move a request to ``to_state`` only if it is in one of ``from_states``."""
    result = session.execute(
        update(Request)
        .where(Request.id == request_id, Request.state.in_(list(from_states)))
        .values(state=to_state, **fields)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def accept(session: Session, request_id: int, person_id: int, now: datetime) -> bool:
    """The one place a request gets its assignee: only from ``offered`` and only
    for someone holding an open offer. Exactly one of two concurrent callers wins."""
    has_open_offer = exists().where(
        Offer.request_id == request_id, Offer.person_id == person_id, Offer.state == "open"
    )
    result = session.execute(
        update(Request)
        .where(Request.id == request_id, Request.state == "offered", has_open_offer)
        .values(state="accepted", assignee_id=person_id, accepted_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def set_cursor(session: Session, request_id: int, expected: int, new: int, **fields: Any) -> bool:
    result = session.execute(
        update(Request)
        .where(Request.id == request_id, Request.cursor == expected)
        .values(cursor=new, **fields)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def get_offer(session: Session, offer_id: int) -> Offer | None:
    return session.get(Offer, offer_id)


def insert_offer(session: Session, **fields: Any) -> Offer:
    offer = Offer(**fields)
    session.add(offer)
    session.flush()
    return offer


def answer_offer(session: Session, offer_id: int, to_state: str, now: datetime,
                 *, due_before: datetime | None = None) -> bool:
    """Close an open offer (accepted/declined/timed_out/withdrawn) exactly once."""
    conds = [Offer.id == offer_id, Offer.state == "open"]
    if due_before is not None:
        conds.append(Offer.deadline_at <= due_before)
    result = session.execute(
        update(Offer).where(*conds).values(state=to_state, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def close_offers(session: Session, offer_ids: list[int], to_state: str, now: datetime) -> int:
    """Close these offers if still open (the lifecycle decided which)."""
    if not offer_ids:
        return 0
    return session.execute(
        update(Offer).where(Offer.id.in_(offer_ids), Offer.state == "open")
        .values(state=to_state, answered_at=now).execution_options(synchronize_session=False)
    ).rowcount


def withdraw_open_offers(session: Session, request_id: int, now: datetime) -> list[int]:
    ids = list(session.scalars(select(Offer.id).where(Offer.request_id == request_id, Offer.state == "open")))
    if ids:
        session.execute(
            update(Offer).where(Offer.id.in_(ids), Offer.state == "open")
            .values(state="withdrawn", answered_at=now).execution_options(synchronize_session=False)
        )
    return ids


def open_offer(session: Session, request_id: int, person_id: int) -> Offer | None:
    return session.scalar(
        select(Offer).where(Offer.request_id == request_id, Offer.person_id == person_id,
                            Offer.state == "open")
    )


def offers_for(session: Session, request_id: int) -> list[Offer]:
    return list(session.scalars(select(Offer).where(Offer.request_id == request_id).order_by(Offer.id)))


def count_open_offers(session: Session, request_id: int) -> int:
    return session.scalar(
        select(func.count()).select_from(Offer).where(Offer.request_id == request_id, Offer.state == "open")
    ) or 0


def was_offered(session: Session, request_id: int, person_id: int) -> bool:
    return bool(session.scalar(
        select(exists().where(Offer.request_id == request_id, Offer.person_id == person_id))
    ))


def due_offers(session: Session, now: datetime, limit: int = 100) -> list[Offer]:
    return list(session.scalars(
        select(Offer).where(Offer.state == "open", Offer.deadline_at <= now)
        .order_by(Offer.deadline_at).limit(limit)
    ))


def due_offer_ids(session: Session, now: datetime, limit: int = 100) -> list[int]:
    return list(session.scalars(
        select(Offer.id).where(Offer.state == "open", Offer.deadline_at <= now)
        .order_by(Offer.deadline_at).limit(limit)
    ))


def open_offers_for_person(session: Session, person_id: int) -> list[tuple[Offer, Request]]:
    rows = session.execute(
        select(Offer, Request).join(Request, Request.id == Offer.request_id)
        .where(Offer.person_id == person_id, Offer.state == "open").order_by(Offer.offered_at)
    ).all()
    return [(o, r) for o, r in rows]


def requests_of(session: Session, requester_id: int, states: Iterable[str], limit: int = 20) -> list[Request]:
    return list(session.scalars(
        select(Request).where(Request.requester_id == requester_id, Request.state.in_(list(states)))
        .order_by(Request.created_at.desc()).limit(limit)
    ))


def assigned_to(session: Session, person_id: int, states: Iterable[str], limit: int = 20) -> list[Request]:
    return list(session.scalars(
        select(Request).where(Request.assignee_id == person_id, Request.state.in_(list(states)))
        .order_by(Request.accepted_at.desc()).limit(limit)
    ))


def open_assignment_counts(session: Session, person_ids: Iterable[int]) -> dict[int, int]:
    ids = list(person_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Request.assignee_id, func.count()).where(
            Request.assignee_id.in_(ids), Request.state == "accepted"
        ).group_by(Request.assignee_id)
    ).all()
    return {pid: n for pid, n in rows}


def last_assigned(session: Session, person_ids: Iterable[int]) -> dict[int, datetime]:
    """When each person last accepted a request (round-robin memory). One
    index-only lookup per person on (assignee_id, accepted_at): the cost does not
    grow with the request history, unlike a GROUP BY over every accepted request."""
    out: dict[int, datetime] = {}
    for pid in person_ids:
        at = session.scalar(
            select(Request.accepted_at)
            .where(Request.assignee_id == pid, Request.accepted_at.is_not(None))
            .order_by(Request.accepted_at.desc())
            .limit(1)
        )
        if at is not None:
            out[pid] = _as_utc(at)
    return out


def _as_utc(value: datetime | str) -> datetime:
    from datetime import UTC

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def audit(session: Session, *, request_id: int | None, kind: str, at: datetime,
          actor_id: int | None = None, subject_id: int | None = None,
          data: dict[str, Any] | None = None) -> None:
    session.add(AuditEvent(request_id=request_id, kind=kind, actor_id=actor_id, subject_id=subject_id,
                           data=data or {}, at=at))


def audit_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Append several audit events in one statement (no ids needed back)."""
    if rows:
        session.execute(sql_insert(AuditEvent.__table__), rows)


def timeline(session: Session, request_id: int) -> list[AuditEvent]:
    return list(session.scalars(
        select(AuditEvent).where(AuditEvent.request_id == request_id).order_by(AuditEvent.at, AuditEvent.id)
    ))


def support_notes_due(session: Session, cutoff: datetime) -> list[Request]:
    """Support requests created before ``cutoff`` whose note has not been purged."""
    rows = session.scalars(
        select(Request).where(Request.type == "support", Request.created_at < cutoff).order_by(Request.id)
    )
    return [r for r in rows if r.description or not (r.details or {}).get("note_purged_at")]


def redact_audit(session: Session, request_id: int, keys: Iterable[str]) -> int:
    """Remove ``keys`` from the data of the request's audit events: deliberate
    retention maintenance, so it goes through Core (the ORM guard refuses it)."""
    drop = set(keys)
    table = AuditEvent.__table__
    conn = session.connection()
    rows = conn.execute(select(table.c.id, table.c.data).where(table.c.request_id == request_id)).all()
    changed = 0
    for event_id, data in rows:
        if isinstance(data, dict) and drop & set(data):
            conn.execute(update(table).where(table.c.id == event_id)
                         .values(data={k: v for k, v in data.items() if k not in drop}))
            changed += 1
    return changed
