"""Handing over the open work of someone who left or cannot be reached (issue 12):
offers move on, accepted requests are offered again (``bot.lifecycle.handover``),
line issues go to whoever leads the area now (the acting area leader, else the
fagsjef, else the admins).

The hand-over is queued as a durable timer in the transaction that deactivates
the person (or marks them unreachable), so it happens even if the process that
made the change stops right after: the scheduler's sweep (``fire_due``) runs it,
and the process that made the change runs it at once (``run_now``). Each step is
idempotent — an offer already moved on, a request no longer theirs — so two
processes running the same hand-over do it once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.lifecycle import step
from bot.lifecycle.model import HandOver
from bot.services.directory_cache import DirectoryCache
from bot.services.line_issues import IssueKind, queue_issue_sync, recipients_for
from bot.services.outbox import OutboxService
from bot.services.transitions import apply, snapshot
from bot.services.world import load_step_world
from bot.settings import CoreSettings
from storage.models import Decision, LineIssue
from storage.repositories import issues as issue_repo
from storage.repositories import requests as req_repo
from storage.repositories import timers as timer_repo

log = logging.getLogger("ifn_bot.handover")

HANDOVER = "handover"


def queue_handover(s: Session, person_id: int, why: str, now: datetime) -> None:
    """In the caller's transaction: hand over ``person_id``'s work (``why``:
    ``deactivated`` or ``unreachable``) as soon as it commits."""
    timer_repo.schedule(s, kind=HANDOVER, key=f"{HANDOVER}:{person_id}", due_at=now, now=now,
                        payload={"person_id": person_id, "why": why})


class HandoverService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: CoreSettings,
                 calendar: WorkingCalendar, delivery: OutboxService, cache: DirectoryCache) -> None:
        self._sessions = sessions
        self._clock = clock
        self._settings = settings
        self._calendar = calendar
        self._delivery = delivery
        self._cache = cache

    # ------------------------------------------------------------------ timers

    def fire_due(self) -> int:
        """The scheduler's sweep: every queued hand-over that is due."""
        now = self._clock.now()
        with self._sessions() as s:
            due = [(tm.id, dict(tm.payload)) for tm in timer_repo.due(s, now, kinds=[HANDOVER])]
        return sum(self._fire(timer_id, payload) for timer_id, payload in due)

    def run_now(self, person_id: int) -> int:
        """The hand-over this process just queued for ``person_id``, now."""
        with self._sessions() as s:
            row = timer_repo.pending(s, f"{HANDOVER}:{person_id}")
            found = (row.id, dict(row.payload)) if row is not None else None
        return self._fire(*found) if found is not None else 0

    def _fire(self, timer_id: int, payload: dict) -> int:
        try:
            self.hand_over(int(payload["person_id"]), str(payload.get("why") or "deactivated"))
        except Exception:  # noqa: BLE001 - one broken hand-over must not block the others
            log.exception("hand-over %s failed; marked failed", payload)
            with self._sessions.begin() as s:
                timer_repo.mark_failed(s, timer_id, self._clock.now())
            return 0
        with self._sessions.begin() as s:
            return int(timer_repo.claim(s, timer_id, self._clock.now()))

    # --------------------------------------------------------------- the work

    def hand_over(self, person_id: int, why: str) -> int:
        """Hand over everything ``person_id`` holds now; returns how many things moved."""
        self._cache.invalidate()  # this process may have just changed the directory
        with self._sessions() as s:
            offered = [r.id for _o, r in req_repo.open_offers_for_person(s, person_id)]
            taken = [r.id for r in req_repo.assigned_to(s, person_id, ("accepted",), limit=1000)]
            issues = [i.id for i in issue_repo.open_for_recipient(s, person_id)]
        moved = sum(self._request(rid, HandOver(person_id, why)) for rid in dict.fromkeys(offered + taken))
        moved += sum(self._issue(issue_id, person_id) for issue_id in issues)
        if moved:
            log.info("handed over %s thing(s) of person %s (%s)", moved, person_id, why)
        return moved

    def _request(self, request_id: int, event: HandOver) -> int:
        for _attempt in range(4):
            now = self._clock.now()
            with self._sessions() as s:
                world = load_step_world(s, self._cache.view(), now, self._calendar, self._settings)
            try:
                with self._delivery.unit_of_work() as (s, _now, _queued):
                    request = req_repo.get(s, request_id, lock=True)
                    if request is None:
                        return 0
                    offers = req_repo.offers_for(s, request_id)
                    was_taken = request.state == "accepted"
                    tr = step(snapshot(request, offers), event, world, now)
                    if not (tr.result.ok and tr.changes_anything):
                        return 0
                    apply(s, request, offers, tr, now)
                    if was_taken and request.state != "accepted":
                        # Taken no more: the next person's Accept decides it anew.
                        found = s.get(Decision, f"request:{request_id}:taken")
                        if found is not None:
                            s.delete(found)
                    return 1
            except (StaleDataError, IntegrityError):
                log.info("request %s moved during its hand-over; stepping again", request_id)
        return 0

    def _issue(self, issue_id: int, person_id: int) -> int:
        with self._delivery.unit_of_work() as (s, now, queued):
            issue = s.get(LineIssue, issue_id, with_for_update=True)
            if issue is None or issue.recipient_id != person_id or issue.state == "answered":
                return 0
            today = self._calendar.local_date(now)
            found = [r for r in recipients_for(s, IssueKind(issue.kind), issue.area_code, today)
                     if r not in (person_id, issue.raiser_id)]
            if not found:
                log.warning("line issue %s: nobody to hand it over to", issue_id)
                return 0
            issue.recipient_id = found[0]
            queued += queue_issue_sync(s, issue.id, now)
            return 1
