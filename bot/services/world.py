"""Load what a lifecycle step may look at (``StepWorld``): the directory from the
process's cache, and from the database only what changes by the minute —
statuses, workloads, absences and substitutes on today, by person, in one
statement on indexes (``storage.repositories.routing_reads``). Read in its own
short transaction, before the write transaction of the step, so routing never
runs inside SQLite's write lock."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from bot.calendar import WorkingCalendar
from bot.domain.requests import AvailabilityStatus, RequestType
from bot.domain.roles import Role
from bot.lifecycle.model import FollowUp, StepWorld, Timeout
from bot.routing_types import AbsenceInfo, PersonInfo, StatusInfo, SubstituteInfo, World
from bot.services.directory_cache import DirectoryView, PersonRecord
from bot.settings import CoreSettings
from storage.repositories import capacity as capacity_repo
from storage.repositories import routing_reads

#: Roles the router may put in a chain.
ROUTING_ROLES = (Role.IFK, Role.BFK, Role.IFR)


def person_info(p: PersonRecord) -> PersonInfo:
    return PersonInfo(id=p.id, name=p.name, area=p.area, unit_id=p.unit_id, roles=p.roles, active=p.active,
                      reachable=p.reachable,
                      unreachable_why=p.unreachable or ("" if p.reachable else "no_slack_user"),
                      share=p.share)


def timeouts(settings: CoreSettings) -> dict[RequestType, Timeout]:
    out = {t: Timeout(float(settings.offer_timeout(t.value)), t is not RequestType.LIVE)
           for t in (RequestType.LIVE, RequestType.FEEDBACK, RequestType.HOUR, RequestType.SUPPORT)}
    out[RequestType.SIT_IN] = out[RequestType.HOUR]  # a sit-in is offered as an hour is (issue 15)
    return out


def followup(settings: CoreSettings) -> FollowUp:
    return FollowUp(live_minutes=settings.ifn_followup_live_minutes,
                    hour_propose_seconds=settings.ifn_followup_hour_propose_seconds,
                    hour_done_minutes=settings.ifn_followup_hour_done_minutes,
                    ask_seconds=settings.ifn_followup_ask_seconds)


def load_routing_world(s: Session, view: DirectoryView, now: datetime, calendar: WorkingCalendar,
                       weekly_max: int = 0) -> World:
    today = calendar.local_date(now)
    people = {p.id: person_info(p) for p in view.with_roles(ROUTING_ROLES)}
    facts = routing_reads.routing_facts(s, list(people), today)
    # Substitutes stand in for the absent and, named "ved økt behov", beside those present.
    subs = tuple(SubstituteInfo(x.absent_person_id, x.substitute_person_id, x.starts_on, x.ends_on)
                 for x in facts.stand_ins)
    for sub in subs:  # a substitute may be a caseworker: they count too
        found = view.person(sub.substitute_person_id)
        if sub.substitute_person_id not in people and found is not None:
            people[found.id] = person_info(found)
    absences: dict[int, tuple[AbsenceInfo, ...]] = {}
    for a in facts.absences:
        if a.person_id in people:
            absences[a.person_id] = absences.get(a.person_id, ()) + (AbsenceInfo(a.starts_on, a.ends_on),)
    statuses: dict[int, StatusInfo] = {}
    loads: dict[int, int] = {}
    last: dict[int, datetime] = {}
    for row in facts.people:
        if row.person_id not in people:
            continue
        if row.status is not None:
            statuses[row.person_id] = StatusInfo(AvailabilityStatus(row.status), row.until)
        if row.open_count:
            loads[row.person_id] = row.open_count
        if row.last_accepted is not None:
            last[row.person_id] = row.last_accepted
    week = capacity_repo.accepted_since(s, list(people), week_start(calendar, now)) if weekly_max > 0 else {}
    return World(people=people, statuses=statuses, absences=absences, substitutes=subs,
                 open_assignments=loads, last_assigned=last, hours=calendar.hours, org=view.org,
                 units_of=view.units_of, week_counts=week, weekly_max=weekly_max)


def week_start(calendar: WorkingCalendar, now: datetime) -> datetime:
    """Monday 00:00 of this week (Europe/Oslo), in UTC: where a weekly cap starts counting."""
    today = calendar.local_date(now)
    return calendar.at_local(today - timedelta(days=today.weekday()), time(0, 0))


def leaders(view: DirectoryView, today: date) -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
    """Who hears of an exhausted chain: each area's leaders; with none, the
    fagsjef, and with no fagsjef the admins."""
    by_area: dict[str, tuple[int, ...]] = {}
    for area in view.areas:
        by_area[area] = tuple(p.id for p in view.holders(Role.AREA_LEADER, today, area))
    fallback = tuple(p.id for p in view.holders(Role.FAGSJEF, today)) or \
        tuple(p.id for p in view.holders(Role.ADMIN, today))
    return by_area, fallback


def load_step_world(s: Session, view: DirectoryView, now: datetime, calendar: WorkingCalendar,
                    settings: CoreSettings) -> StepWorld:
    by_area, fallback = leaders(view, calendar.local_date(now))
    return StepWorld(routing=load_routing_world(s, view, now, calendar, settings.ifn_weekly_max_tasks),
                     calendar=calendar,
                     timeouts=timeouts(settings), leaders_by_area=by_area, fallback_leaders=fallback,
                     external_support=tuple(settings.external_support_lines), followup=followup(settings))


def quiet_world(view: DirectoryView, now: datetime, calendar: WorkingCalendar,
                settings: CoreSettings) -> StepWorld:
    """For steps that never route (accept, cancel, the follow-ups): no database reads."""
    by_area, fallback = leaders(view, calendar.local_date(now))
    return StepWorld(routing=World(people={}, hours=calendar.hours), calendar=calendar,
                     timeouts=timeouts(settings), leaders_by_area=by_area, fallback_leaders=fallback,
                     external_support=tuple(settings.external_support_lines), followup=followup(settings))


def own_leaders(view: DirectoryView, person_id: int, today: date) -> frozenset[int]:
    """The area leader of the person's area and the unit leader of their unit,
    on ``today``: support conversations never reach them (SPEC §7)."""
    person = view.person(person_id)
    if person is None:
        return frozenset()
    area = view.area_of(person)
    out = {p.id for p in view.holders(Role.AREA_LEADER, today, area)} if area else set()
    if person.unit_id is not None:
        out |= {p.id for p in view.holders(Role.UNIT_LEADER, today) if p.unit_id == person.unit_id}
    out.discard(person_id)
    return frozenset(out)
