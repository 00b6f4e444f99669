"""SQL for statuses, absences and substitutes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Absence, AvailabilityStatus, Substitute


def statuses(session: Session) -> list[AvailabilityStatus]:
    return list(session.scalars(select(AvailabilityStatus)))


def status_of(session: Session, person_id: int) -> AvailabilityStatus | None:
    return session.get(AvailabilityStatus, person_id)


def set_status(session: Session, person_id: int, status: str, until: datetime | None, now: datetime) -> None:
    row = session.get(AvailabilityStatus, person_id)
    if row is None:
        session.add(AvailabilityStatus(person_id=person_id, status=status, until=until, updated_at=now))
    else:
        row.status, row.until, row.updated_at = status, until, now


def absences_covering(session: Session, day: date) -> list[Absence]:
    return list(session.scalars(select(Absence).where(Absence.starts_on <= day, Absence.ends_on >= day)))


def substitutes_covering(session: Session, day: date) -> list[Substitute]:
    return list(session.scalars(
        select(Substitute).where(Substitute.starts_on <= day, Substitute.ends_on >= day)
    ))
