"""Load the router's ``World`` from storage in one read."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.requests import AvailabilityStatus
from bot.domain.roles import Role
from bot.routing_types import (
    AbsenceInfo,
    PersonInfo,
    RoleHolding,
    StatusInfo,
    SubstituteInfo,
    WorkingHours,
    World,
)
from storage.models import Person, RoleAssignment
from storage.repositories import availability as avail_repo
from storage.repositories import requests as req_repo

#: Roles the router may put in a chain, and the leaders it may need to exclude.
ROUTING_ROLES = (Role.IFK.value, Role.BFK.value, Role.IFR.value)


def load_world(session: Session, now: datetime, hours: WorkingHours) -> World:
    """Only the people who can appear in a chain are loaded (coordinators and
    advisers), so the cost does not grow with the number of caseworkers."""
    today = now.astimezone(ZoneInfo(hours.tz)).date()
    person_ids = set(session.scalars(
        select(RoleAssignment.person_id).where(RoleAssignment.role.in_(ROUTING_ROLES))
    ))
    people: dict[int, PersonInfo] = {}
    if person_ids:
        for person in session.scalars(select(Person).where(Person.id.in_(person_ids))):
            people[person.id] = person_info(person)
    statuses = {
        s.person_id: StatusInfo(AvailabilityStatus(s.status), s.until)
        for s in avail_repo.statuses(session) if s.person_id in people
    }
    absences: dict[int, tuple[AbsenceInfo, ...]] = {}
    for a in avail_repo.absences_covering(session, today):
        absences[a.person_id] = absences.get(a.person_id, ()) + (AbsenceInfo(a.starts_on, a.ends_on),)
    subs = tuple(
        SubstituteInfo(s.absent_person_id, s.substitute_person_id, s.starts_on, s.ends_on)
        for s in avail_repo.substitutes_covering(session, today)
    )
    for sub in subs:  # a substitute may be a caseworker: load them too
        if sub.substitute_person_id not in people:
            person = session.get(Person, sub.substitute_person_id)
            if person is not None:
                people[person.id] = person_info(person)
    return World(
        people=people,
        statuses=statuses,
        absences=absences,
        substitutes=subs,
        open_assignments=req_repo.open_assignment_counts(session, people),
        last_assigned=req_repo.last_assigned(session, people),
        hours=hours,
    )


def person_info(person: Person) -> PersonInfo:
    return PersonInfo(
        id=person.id,
        name=person.name,
        area=person.area_code,
        unit_id=person.unit_id,
        roles=tuple(
            RoleHolding(Role(r.role), r.area_code, r.valid_from, r.valid_to) for r in person.roles
        ),
        active=person.active,
    )
