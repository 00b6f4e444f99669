"""What a person's Home tab shows (SPEC §6): my requests; my queue and status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.domain.requests import AvailabilityStatus
from bot.messages.snapshots import RequestSnapshot
from bot.services.availability import END_OF_DAY, DutyFollower, coordinator_roles
from bot.services.directory_admin import DirectoryAdminService, Overview
from bot.services.outbox import OutboxService
from bot.services.production import WeekStatus, iso_week, week_status
from bot.services.snapshots import load_snapshot
from storage.models import Person
from storage.repositories import availability as avail_repo
from storage.repositories import requests as repo

OPEN_STATES = ("new", "offered", "accepted")


@dataclass(frozen=True, slots=True)
class HomeData:
    my_requests: tuple[RequestSnapshot, ...]
    offered_to_me: tuple[tuple[RequestSnapshot, int], ...]  # (request, my offer id)
    my_tasks: tuple[RequestSnapshot, ...]
    status: AvailabilityStatus | None
    status_until: datetime | None
    production: WeekStatus | None = None  # this week's goal, for the IFKs and the BFK
    admin: Overview | None = None  # the directory, for admins (bot.services.directory_admin)


class HomeService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, calendar: WorkingCalendar,
                 delivery: OutboxService, duty: DutyFollower | None = None,
                 admin: DirectoryAdminService | None = None) -> None:
        self._duty = duty
        self._sessions = sessions
        self._clock = clock
        self._calendar = calendar
        self._delivery = delivery
        self._tz: ZoneInfo = calendar.tz
        self._admin = admin

    def load(self, person_id: int) -> HomeData:
        now = self._clock.now()
        with self._sessions() as s:
            mine = tuple(
                load_snapshot(s, r.id) for r in repo.requests_of(s, person_id, OPEN_STATES, limit=10)
            )
            offered = tuple(
                (load_snapshot(s, r.id), o.id) for o, r in repo.open_offers_for_person(s, person_id)
            )
            tasks = tuple(
                load_snapshot(s, r.id) for r in repo.assigned_to(s, person_id, ("accepted",), limit=10)
            )
            row = avail_repo.status_of(s, person_id)
            today = now.astimezone(self._tz).date()
            production = None
            if coordinator_roles(s.get(Person, person_id), today):
                production = week_status(s, self._calendar, person_id, iso_week(today))
        status, until = None, None
        if row is not None and (row.until is None or row.until > now):
            status, until = AvailabilityStatus(row.status), row.until
        admin = self._admin.overview(person_id) if self._admin is not None else None
        return HomeData(mine, offered, tasks, status, until, production, admin)

    def set_status(self, person_id: int, status: AvailabilityStatus, until: datetime | None = None) -> None:
        """The Home-tab toggle: the status lasts for the rest of the local day
        unless ``until`` says otherwise (same rule as ``/ifn status``)."""
        now = self._clock.now()
        if until is None:
            local_now = now.astimezone(self._tz)
            until = datetime.combine(local_now.date(), END_OF_DAY, tzinfo=self._tz)
        with self._delivery.unit_of_work() as (s, now, _queued):
            avail_repo.set_status(s, person_id, status.value, until, now)
            if self._duty is not None:
                self._duty.requeue(s, now, person_id, until)
