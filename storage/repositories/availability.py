"""SQL for statuses, absences and substitutes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Row, bindparam, delete, or_, select
from sqlalchemy.orm import Session

from storage.models import Absence, AvailabilityStatus, Substitute


def statuses(session: Session) -> list[AvailabilityStatus]:
    return list(session.scalars(select(AvailabilityStatus)))


def status_of(session: Session, person_id: int) -> AvailabilityStatus | None:
    return session.get(AvailabilityStatus, person_id)


def statuses_of(session: Session, person_ids: list[int]) -> list[AvailabilityStatus]:
    if not person_ids:
        return []
    return list(session.scalars(
        select(AvailabilityStatus).where(AvailabilityStatus.person_id.in_(person_ids))))


def set_status(session: Session, person_id: int, status: str, until: datetime | None, now: datetime) -> None:
    row = session.get(AvailabilityStatus, person_id)
    if row is None:
        session.add(AvailabilityStatus(person_id=person_id, status=status, until=until, updated_at=now))
    else:
        row.status, row.until, row.updated_at = status, until, now


def absences_covering(session: Session, day: date) -> list[Absence]:
    return list(session.scalars(select(Absence).where(Absence.starts_on <= day, Absence.ends_on >= day)))


# Built once: these two run on every routing decision, and building a statement
# costs more than SQLite takes to answer it.
_ABSENCES_FROM = (select(Absence.person_id, Absence.starts_on, Absence.ends_on)
                  .where(Absence.person_id.in_(bindparam("ids", expanding=True)),
                         Absence.ends_on >= bindparam("day")))
_STANDING_IN = (select(Substitute.absent_person_id, Substitute.substitute_person_id, Substitute.starts_on,
                       Substitute.ends_on)
                .where(Substitute.absent_person_id.in_(bindparam("ids", expanding=True)),
                       Substitute.ends_on >= bindparam("day"), Substitute.starts_on <= bindparam("day")))


def absences_from(session: Session, person_ids: list[int], day: date) -> list[Row]:
    """These people's absences not over by ``day`` (on the (person, ends_on) index;
    later periods are included so back-to-back periods can be joined): rows of
    ``person_id, starts_on, ends_on`` (columns, not entities: this is on the
    routing path)."""
    if not person_ids:
        return []
    return list(session.execute(_ABSENCES_FROM, {"ids": person_ids, "day": day}))


def substitutes_covering(session: Session, day: date) -> list[Substitute]:
    return list(session.scalars(
        select(Substitute).where(Substitute.starts_on <= day, Substitute.ends_on >= day)
    ))


def substitutes_standing_in(session: Session, absent_ids: list[int], day: date) -> list[Row]:
    """Designations on ``day`` for any of ``absent_ids`` (on the (absent, ends_on)
    index): rows of ``absent_person_id, substitute_person_id, starts_on, ends_on``."""
    if not absent_ids:
        return []
    return list(session.execute(_STANDING_IN, {"ids": absent_ids, "day": day}))


# --- absences ---------------------------------------------------------------------


def absences_of(session: Session, person_id: int, ending_on_or_after: date | None = None) -> list[Absence]:
    """A person's absence periods in date order (optionally only those not over yet)."""
    query = select(Absence).where(Absence.person_id == person_id)
    if ending_on_or_after is not None:
        query = query.where(Absence.ends_on >= ending_on_or_after)
    return list(session.scalars(query.order_by(Absence.starts_on, Absence.id)))


def add_absence(session: Session, person_id: int, starts_on: date, ends_on: date, now: datetime) -> Absence:
    row = Absence(person_id=person_id, starts_on=starts_on, ends_on=ends_on, created_at=now)
    session.add(row)
    session.flush()
    return row


def delete_absences(session: Session, person_id: int, ids: list[int]) -> int:
    """Delete these of the person's absences; never someone else's."""
    if not ids:
        return 0
    result = session.execute(delete(Absence).where(Absence.person_id == person_id, Absence.id.in_(ids)))
    return result.rowcount


# --- substitutes ------------------------------------------------------------------


def substitutes_for(session: Session, absent_person_id: int, day: date) -> list[Substitute]:
    """Designations standing in for ``absent_person_id`` on ``day``."""
    return list(session.scalars(
        select(Substitute).where(Substitute.absent_person_id == absent_person_id,
                                 Substitute.starts_on <= day, Substitute.ends_on >= day)
    ))


def is_standing_in(session: Session, substitute_person_id: int, day: date) -> bool:
    return session.scalar(select(Substitute.id).where(
        Substitute.substitute_person_id == substitute_person_id, Substitute.starts_on <= day,
        Substitute.ends_on >= day).limit(1)) is not None


def same_designation(session: Session, absent_person_id: int, substitute_person_id: int,
                     starts_on: date, ends_on: date) -> Substitute | None:
    return session.scalar(select(Substitute).where(
        Substitute.absent_person_id == absent_person_id,
        Substitute.substitute_person_id == substitute_person_id,
        Substitute.starts_on == starts_on, Substitute.ends_on == ends_on,
    ).limit(1))


def add_substitute(session: Session, *, absent_person_id: int, substitute_person_id: int, role: str,
                   area_code: str | None, starts_on: date, ends_on: date, designated_by_id: int,
                   now: datetime) -> Substitute:
    row = Substitute(absent_person_id=absent_person_id, substitute_person_id=substitute_person_id, role=role,
                     area_code=area_code, starts_on=starts_on, ends_on=ends_on,
                     designated_by_id=designated_by_id, created_at=now)
    session.add(row)
    session.flush()
    return row


def designations_concerning(session: Session, person_id: int, ending_on_or_after: date) -> list[Substitute]:
    """Current and future designations ``person_id`` made, stands in for, or is covered by."""
    return list(session.scalars(
        select(Substitute).where(
            or_(Substitute.designated_by_id == person_id, Substitute.absent_person_id == person_id,
                Substitute.substitute_person_id == person_id),
            Substitute.ends_on >= ending_on_or_after,
        ).order_by(Substitute.starts_on, Substitute.id)
    ))
