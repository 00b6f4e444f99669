"""SQL for the directory: people, roles, areas, units."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.models import ActingLeader, Area, AuditEvent, Organisation, Person, RoleAssignment, Unit

#: Audit events about the directory carry this prefix and no request.
DIRECTORY_EVENT = "directory_"

RoleKey = tuple[str, str | None, date | None, date | None]


def upsert_area(session: Session, code: str, name: str) -> bool:
    """Returns True when a row was created or changed."""
    area = session.get(Area, code)
    if area is None:
        session.add(Area(code=code, name=name))
        return True
    if area.name != name:
        area.name = name
        return True
    return False


def upsert_unit(session: Session, code: str, name: str, area_code: str,
                network: bool = True) -> tuple[int, bool]:
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        unit = Unit(code=code, name=name, area_code=area_code, network=network)
        session.add(unit)
        session.flush()
        return unit.id, True
    changed = (unit.name, unit.area_code, unit.network) != (name, area_code, network)
    unit.name, unit.area_code, unit.network = name, area_code, network
    return unit.id, changed


def organisation(session: Session) -> Organisation | None:
    """The organisation's shape (one row; None: never set, the 2012 shape)."""
    return session.get(Organisation, 1)


def set_organisation(session: Session, scope: str, bfk_home: str | None) -> bool:
    """Returns True when the shape changed."""
    row = session.get(Organisation, 1)
    if row is None:
        if scope == "area" and bfk_home is None:
            return False
        session.add(Organisation(id=1, scope=scope, bfk_home=bfk_home))
        return True
    if (row.scope, row.bfk_home) == (scope, bfk_home):
        return False
    row.scope, row.bfk_home = scope, bfk_home
    return True


def find_person(session: Session, slack_user_id: str | None, email: str | None) -> Person | None:
    """Match by Slack id first, then by e-mail (a person first known by e-mail gets
    their Slack id later)."""
    conds = []
    if slack_user_id:
        conds.append(Person.slack_user_id == slack_user_id)
    if email:
        conds.append(Person.email == email)
    if not conds:
        return None
    rows = session.scalars(select(Person).where(or_(*conds))).all()
    for row in rows:
        if slack_user_id and row.slack_user_id == slack_user_id:
            return row
    return rows[0] if rows else None


def person_by_slack_id(session: Session, slack_user_id: str) -> Person | None:
    return session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))


def person_by_email(session: Session, email: str) -> Person | None:
    return session.scalar(select(Person).where(Person.email == email.lower()))


def all_people(session: Session) -> list[Person]:
    return list(session.scalars(select(Person).order_by(Person.id)))


def role_keys(person: Person) -> set[RoleKey]:
    return {(r.role, r.area_code, r.valid_from, r.valid_to) for r in person.roles}


def replace_roles(session: Session, person: Person, wanted: Iterable[RoleKey]) -> bool:
    """Make the person's roles exactly ``wanted``; keep unchanged rows untouched."""
    wanted_set = set(wanted)
    current = {(r.role, r.area_code, r.valid_from, r.valid_to): r for r in person.roles}
    changed = False
    for key, row in current.items():
        if key not in wanted_set:
            person.roles.remove(row)
            changed = True
    session.flush()
    for key in wanted_set - current.keys():
        role, area, valid_from, valid_to = key
        person.roles.append(
            RoleAssignment(role=role, area_code=area, valid_from=valid_from, valid_to=valid_to)
        )
        changed = True
    return changed


def new_person(session: Session, now: datetime, **fields: object) -> Person:
    person = Person(created_at=now, updated_at=now, active=True, **fields)
    session.add(person)
    session.flush()
    return person


def area_codes(session: Session) -> list[str]:
    return list(session.scalars(select(Area.code).order_by(Area.code)))


def people_with_roles(session: Session, roles: Iterable[str]) -> list[tuple[Person, RoleAssignment]]:
    rows = session.execute(
        select(Person, RoleAssignment).join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(RoleAssignment.role.in_(list(roles))).order_by(Person.id)
    ).all()
    return [(p, r) for p, r in rows]


def all_areas(session: Session) -> list[Area]:
    return list(session.scalars(select(Area).order_by(Area.code)))


def all_units(session: Session) -> list[Unit]:
    return list(session.scalars(select(Unit).order_by(Unit.area_code, Unit.code)))


def active_people(session: Session) -> list[Person]:
    return list(session.scalars(select(Person).where(Person.active.is_(True)).order_by(Person.id)))


def acting_rows(session: Session) -> list[ActingLeader]:
    return list(session.scalars(select(ActingLeader).order_by(ActingLeader.area_code, ActingLeader.starts_on,
                                                              ActingLeader.id)))


def acting_on(session: Session, area: str | None, day: date) -> list[ActingLeader]:
    """Acting area leaders in force on ``day`` (in ``area``, if given)."""
    query = select(ActingLeader).where(ActingLeader.starts_on <= day, ActingLeader.ends_on >= day)
    if area is not None:
        query = query.where(ActingLeader.area_code == area)
    return list(session.scalars(query.order_by(ActingLeader.starts_on.desc(), ActingLeader.id)))


def acting_overlapping(session: Session, area: str, start: date, end: date) -> list[ActingLeader]:
    return list(session.scalars(select(ActingLeader).where(
        ActingLeader.area_code == area, ActingLeader.starts_on <= end, ActingLeader.ends_on >= start)))


def add_directory_event(session: Session, kind: str, actor_id: int | None, subject_id: int | None,
                        at: datetime, data: dict) -> None:
    session.add(AuditEvent(request_id=None, kind=f"{DIRECTORY_EVENT}{kind}", actor_id=actor_id,
                           subject_id=subject_id, at=at, data=data))


def directory_events(session: Session, limit: int = 20, subject_id: int | None = None) -> list[AuditEvent]:
    """The newest changes to the directory first."""
    query = select(AuditEvent).where(AuditEvent.request_id.is_(None),
                                     AuditEvent.kind.startswith(DIRECTORY_EVENT))
    if subject_id is not None:
        query = query.where(AuditEvent.subject_id == subject_id)
    return list(session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)))


def unreachable_people(session: Session) -> list[Person]:
    return list(session.scalars(select(Person).where(Person.active.is_(True),
                                                     Person.unreachable_reason.is_not(None))
                                .order_by(Person.name, Person.id)))
