"""Following a sit-in up (issue 15, ``bot.lifecycle.sit_in``): the coordinator
who sat in clicks *Skriv tilbakemelding* or *Foreslå veiledningstime*; in one
transaction the sit-in is completed and names a new request of that kind,
which is the coordinator's from the start. The Slack edge then opens that
request's form (the feedback response, or the time proposal).

Submitting sit-ins, accepting them and their reminders go through
``RequestService`` like every routed request; only the follow-up, which makes
a second request, lives here."""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.domain.requests import RequestState, RequestType
from bot.domain.results import Outcome, Result
from bot.lifecycle import step
from bot.lifecycle.model import FollowSitIn, OpenFollowUp
from bot.lifecycle.sit_in import follow_up_details, interviewer
from bot.services.directory_cache import DirectoryCache
from bot.services.outbox import OutboxService
from bot.services.transitions import apply, snapshot
from bot.services.world import quiet_world
from bot.settings import CoreSettings
from storage.models import Request
from storage.repositories import requests as repo

log = logging.getLogger("ifn_bot.sit_in")


class SitInService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: CoreSettings,
                 calendar: WorkingCalendar, delivery: OutboxService, directory: DirectoryCache) -> None:
        self._sessions = sessions
        self._clock = clock
        self._settings = settings
        self._calendar = calendar
        self._delivery = delivery
        self._directory = directory

    def follow_up(self, sit_in_id: int, person_id: int, kind: RequestType) -> Result:
        """Follow sit-in ``sit_in_id`` up with a request of ``kind``. OK carries
        ``request_id``: the follow-up (made now, or the one made by an earlier
        click of the same button). Only the coordinator who took the sit-in, once
        the interview has begun; checked here, from the clicking user."""
        for _attempt in range(4):
            now = self._clock.now()
            world = quiet_world(self._directory.view(), now, self._calendar, self._settings)
            try:
                with self._delivery.unit_of_work() as (s, _now, _queued):
                    request = repo.get(s, sit_in_id, lock=True)
                    if request is None:
                        return Result(Outcome.NOT_FOUND, "req.notice.not_found", {"id": sit_in_id})
                    offers = repo.offers_for(s, sit_in_id)
                    before = snapshot(request, offers)
                    probe = step(before, FollowSitIn(person_id, kind), world, now)
                    if not (probe.result.ok and probe.changes_anything):
                        return probe.result  # refused, or the follow-up made by the same click before
                    details = follow_up_details(before, kind, self._calendar, now)
                    new = Request(type=kind, state=RequestState.NEW, requester_id=interviewer(before),
                                  area_code=before.area, child_involved=before.child_involved,
                                  description=before.description, details=details, chain=[], cursor=0,
                                  widened=False, idempotency_key=f"sit_in:{sit_in_id}:follow_up",
                                  created_at=now, updated_at=now)
                    s.add(new)
                    s.flush()
                    tr = step(before, FollowSitIn(person_id, kind, new.id), world, now)
                    apply(s, request, offers, tr, now)
                    opened = step(snapshot(new, []), OpenFollowUp(sit_in_id, person_id), world, now)
                    apply(s, new, [], opened, now)
                return tr.result
            except (StaleDataError, IntegrityError):
                log.info("sit-in %s moved while it was followed up; stepping again", sit_in_id)
        return Result(Outcome.NOT_SAVED, "error.not_saved")
