"""SQL for network meetings, their occurrences, their timers and the minutes archive.

Meeting timers are rows of ``timers`` in state ``"meeting"`` (one per occurrence
and kind, key ``mtg:<kind>:<occurrence id>``): the request service's sweep only
looks at ``"pending"`` rows and the daily jobs at ``"recurring"`` ones, so none
takes another's rows. Firing is a conditional UPDATE to ``"fired"``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, cast, func, or_, select, update
from sqlalchemy.orm import Session

from storage.models import Meeting, MeetingOccurrence, Minutes, Timer

PENDING = "meeting"


def schedule_timer(session: Session, *, kind: str, occurrence_id: int, due_at: datetime,
                   now: datetime) -> None:
    key = f"mtg:{kind}:{occurrence_id}"
    row = session.scalar(select(Timer).where(Timer.key == key))
    payload = {"occurrence_id": occurrence_id}
    if row is None:
        session.add(Timer(kind=kind, key=key, due_at=due_at, payload=payload, state=PENDING, created_at=now))
    else:
        row.kind, row.due_at, row.payload, row.state, row.fired_at = kind, due_at, payload, PENDING, None


def due_timers(session: Session, now: datetime, limit: int = 100) -> list[Timer]:
    return list(session.scalars(
        select(Timer).where(Timer.state == PENDING, Timer.due_at <= now).order_by(Timer.due_at).limit(limit)
    ))


def claim_timer(session: Session, timer_id: int, now: datetime) -> bool:
    result = session.execute(
        update(Timer).where(Timer.id == timer_id, Timer.state == PENDING)
        .values(state="fired", fired_at=now).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def cancel_timers(session: Session, occurrence_ids: list[int]) -> None:
    if not occurrence_ids:
        return
    keys = [f"mtg:%:{oid}" for oid in occurrence_ids]
    session.execute(
        update(Timer).where(Timer.state == PENDING, or_(*(Timer.key.like(k) for k in keys)))
        .values(state="cancelled").execution_options(synchronize_session=False)
    )


def active_series(session: Session) -> list[Meeting]:
    return list(session.scalars(select(Meeting).where(Meeting.cancelled.is_(False)).order_by(Meeting.id)))


def occurrence_starts(session: Session, meeting_id: int) -> set[datetime]:
    return set(session.scalars(select(MeetingOccurrence.starts_at)
                               .where(MeetingOccurrence.meeting_id == meeting_id)))


def upcoming(session: Session, now: datetime, limit: int = 20) -> list[MeetingOccurrence]:
    return list(session.scalars(
        select(MeetingOccurrence).join(Meeting)
        .where(MeetingOccurrence.starts_at >= now, MeetingOccurrence.cancelled.is_(False),
               Meeting.cancelled.is_(False))
        .order_by(MeetingOccurrence.starts_at).limit(limit)
    ))


def future_occurrences(session: Session, meeting_id: int, now: datetime) -> list[MeetingOccurrence]:
    return list(session.scalars(
        select(MeetingOccurrence).where(MeetingOccurrence.meeting_id == meeting_id,
                                        MeetingOccurrence.starts_at >= now)
    ))


def minutes_for(session: Session, occurrence_id: int) -> Minutes | None:
    return session.scalar(select(Minutes).where(Minutes.occurrence_id == occurrence_id,
                                                Minutes.kind == "minutes"))


def recent_minutes(session: Session, limit: int = 10, word: str | None = None) -> list[Minutes]:
    query = select(Minutes)
    if word:
        like = f"%{word.lower()}%"
        query = query.where(or_(func.lower(Minutes.title).like(like),
                                func.lower(Minutes.decisions).like(like),
                                func.lower(Minutes.notes).like(like),
                                func.lower(cast(Minutes.actions, Text)).like(like)))
    return list(session.scalars(query.order_by(Minutes.submitted_at.desc(), Minutes.id.desc()).limit(limit)))
