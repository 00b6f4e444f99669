"""The request lifecycle's executor (SPEC §3): load the snapshot, call the pure
``bot.lifecycle.step``, persist the whole transition in one transaction, hand
the messages to the outbox.

What a step may look at besides the request (``StepWorld``) is read first, in a
short read transaction of its own, so the write transaction — which on SQLite
holds the database's write lock — only reads the request and its offers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.domain.requests import RequestState, RequestType
from bot.domain.results import OK, Outcome, Result
from bot.lifecycle import step
from bot.lifecycle.followup import SUPPORT_PRIVATE_DETAILS
from bot.lifecycle.model import (
    Accept,
    AnswerHelp,
    Cancel,
    Complete,
    Decline,
    DeliverFeedback,
    Event,
    FireTimer,
    PickTime,
    ProposeTimes,
    PurgeNote,
    ReferExternal,
    Snapshot,
    StepWorld,
    Submit,
    TimeOut,
    Transition,
)
from bot.routing_types import RequestFacts
from bot.services.check_in_messages import CheckInMessages
from bot.services.directory_cache import DirectoryCache
from bot.services.outbox import OutboxService
from bot.services.request_messages import RequestMessages
from bot.services.request_metrics import observe
from bot.services.transitions import apply, snapshot
from bot.services.world import load_step_world, own_leaders, quiet_world
from bot.settings import CoreSettings
from storage.models import Request
from storage.repositories import requests as repo
from storage.repositories import timers as timer_repo

__all__ = ["OK", "SUPPORT_PRIVATE_DETAILS", "NewRequest", "Outcome", "RequestService", "Result"]

log = logging.getLogger("ifn_bot.requests")

#: Events whose step may route (and so needs the availability of everyone).
_ROUTING_EVENTS = (Submit, Decline, TimeOut, FireTimer, AnswerHelp)


@dataclass(frozen=True, slots=True)
class NewRequest:
    type: RequestType
    area: str
    child_involved: bool
    description: str
    details: dict[str, Any]
    preferred_person_id: int | None = None


class RequestService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: CoreSettings,
                 calendar: WorkingCalendar, delivery: OutboxService, directory: DirectoryCache) -> None:
        self._sessions = sessions
        self._clock = clock
        self._settings = settings
        self._calendar = calendar
        self._delivery = delivery
        self._directory = directory
        RequestMessages(settings.tz, clock).register(delivery)
        CheckInMessages(settings.tz).register(delivery)

    # ----------------------------------------------------------------- world

    def _world(self, now: datetime, routing: bool) -> StepWorld:
        view = self._directory.view()
        if not routing:
            return quiet_world(view, now, self._calendar, self._settings)
        with self._sessions() as s:
            return load_step_world(s, view, now, self._calendar, self._settings)

    # -------------------------------------------------------------- executor

    def _run(self, request_id: int, event: Event, *, timer_id: int | None = None) -> Result:
        return self._execute(request_id, event, timer_id=timer_id)[0]

    def _execute(self, request_id: int, event: Event, *, timer_id: int | None = None) -> tuple[Result, bool]:
        """One step on one request, retried when another step moved it between
        our read and our write (the version check), so exactly one of two
        simultaneous clicks wins and the other is answered from the new state."""
        for _attempt in range(4):
            now = self._clock.now()
            world = self._world(now, isinstance(event, _ROUTING_EVENTS))
            try:
                with self._delivery.unit_of_work() as (s, _now, _queued):
                    if timer_id is not None and not timer_repo.claim(s, timer_id, now):
                        return OK, False  # fired by someone else already
                    result, stepped = self._step_in(s, request_id, event, world, now)
                if stepped is not None:  # committed: now it counts
                    observe(*stepped, now)
                return result, stepped is not None
            except (StaleDataError, IntegrityError):
                log.info("request %s moved while %s was stepping; stepping again", request_id,
                         type(event).__name__)
        return Result(Outcome.NOT_SAVED, "error.not_saved"), False

    @staticmethod
    def _step_in(s: Session, request_id: int, event: Event, world: StepWorld,
                 now: datetime) -> tuple[Result, tuple[Snapshot, Transition] | None]:
        """Step in the caller's write transaction: the request locked first, then
        its offers (every step takes them in this order: no deadlocks). Returns
        what the actor is told and, when something changed, the step taken."""
        request = repo.get(s, request_id, lock=True)
        if request is None:
            return Result(Outcome.NOT_FOUND, "req.notice.not_found", {"id": request_id}), None
        offers = repo.offers_for(s, request_id)
        before = snapshot(request, offers)
        tr = step(before, event, world, now)
        if not (tr.result.ok and tr.changes_anything):
            return tr.result, None
        apply(s, request, offers, tr, now)
        return tr.result, (before, tr)

    # ---------------------------------------------------------------- submit

    def submit(self, requester_id: int, new: NewRequest, idempotency_key: str | None = None) -> int:
        """Store the request, route it and make the first offer (or wait for the
        working day), in one transaction. The same ``idempotency_key`` again (a
        Slack retry, a double click, two at once) returns the first request."""
        now = self._clock.now()
        view = self._directory.view()
        excluded = own_leaders(view, requester_id, self._calendar.local_date(now)) \
            if new.type is RequestType.SUPPORT else frozenset()
        facts = RequestFacts(type=new.type, area=new.area, child_involved=new.child_involved,
                             requester_id=requester_id, preferred_person_id=new.preferred_person_id,
                             excluded_person_ids=excluded)
        world = self._world(now, True)
        try:
            with self._delivery.unit_of_work() as (s, _now, _queued):
                request = Request(type=new.type, state=RequestState.NEW, requester_id=requester_id,
                                  area_code=new.area, child_involved=new.child_involved,
                                  description=new.description, details=dict(new.details), chain=[], cursor=0,
                                  widened=False, idempotency_key=idempotency_key, created_at=now,
                                  updated_at=now)
                s.add(request)
                s.flush()
                before = snapshot(request, [])
                tr = step(before, Submit(facts, new.description, new.details), world, now)
                apply(s, request, [], tr, now)
            observe(before, tr, now, created=True)
            return request.id
        except IntegrityError:
            if idempotency_key and (existing := self._by_key(idempotency_key)) is not None:
                return existing  # the same submission, stored a moment ago by a concurrent retry
            raise

    def _by_key(self, key: str) -> int | None:
        with self._sessions() as s:
            found = repo.by_idempotency_key(s, key)
            return found.id if found is not None else None

    # ---------------------------------------------------------------- answers

    def accept(self, request_id: int, person_id: int) -> Result:
        return self._run(request_id, Accept(person_id))

    def decline(self, request_id: int, person_id: int) -> Result:
        return self._run(request_id, Decline(person_id))

    def cancel(self, request_id: int, person_id: int) -> Result:
        return self._run(request_id, Cancel(person_id))

    def complete(self, request_id: int, person_id: int) -> Result:
        return self._run(request_id, Complete(person_id))

    def deliver_feedback(self, request_id: int, person_id: int, ratings: dict[str, str], overall: str,
                         criteria_labels: dict[str, dict[str, str]]) -> Result:
        return self._run(request_id, DeliverFeedback(person_id, ratings, overall, criteria_labels))

    def propose_times(self, request_id: int, person_id: int, times: list[datetime]) -> Result:
        return self._run(request_id, ProposeTimes(person_id, tuple(times)))

    def pick_time(self, request_id: int, person_id: int, round_: int, index: int) -> Result:
        return self._run(request_id, PickTime(person_id, round_, index))

    def refer_external(self, request_id: int, person_id: int) -> Result:
        return self._run(request_id, ReferExternal(person_id))

    def answer_help(self, request_id: int, person_id: int, round_: int, came: bool) -> Result:
        """The requester's Ja/Nei to "Fikk du hjelpen du trengte?" (``bot.lifecycle.check_in``)."""
        return self._run(request_id, AnswerHelp(person_id, round_, came))

    def assignee_task(self, request_id: int, person_id: int, request_type: RequestType) -> Result:
        """May this person open the follow-up form (feedback, time proposal)?"""
        with self._sessions() as s:
            request = repo.get(s, request_id)
            if request is None or request.type != request_type:
                return Result(Outcome.NOT_FOUND, "req.notice.not_found", {"id": request_id})
            if request.assignee_id != person_id:
                return Result(Outcome.NOT_ASSIGNEE, "req.notice.not_assignee")
            if request.state != RequestState.ACCEPTED:
                return Result(Outcome.FINAL, "req.notice.already_final",
                              {"state_key": f"req.state.{request.state}"})
            d = request.details or {}
            on = {k: d[k] for k in ("report_location", "recording_ref", "sit_in_id") if d.get(k)}
            return Result(Outcome.OK, None, {"focus": list(d.get("focus") or []), "on": on})

    # ---------------------------------------------------------------- the tick

    def time_out_due(self) -> int:
        """Time out every open offer past its deadline. Each is closed by the
        step's conditional write, so an overdue timeout fires exactly once even
        if two processes sweep at the same moment."""
        now = self._clock.now()
        with self._sessions() as s:
            due = [(o.id, o.request_id) for o in repo.due_offers(s, now)]
        fired = 0
        for offer_id, request_id in due:
            try:
                fired += int(self._execute(request_id, TimeOut(offer_id))[1])
            except Exception:  # noqa: BLE001 - one broken request must not block the others
                log.exception("timing out offer %s failed; retried on the next tick", offer_id)
        return fired

    def fire_due_timers(self) -> int:
        """Fire the requests' due timers; a reminder whose moment has passed (an
        hour that has begun, a deadline gone by) is dropped, never sent late."""
        now = self._clock.now()
        with self._sessions() as s:
            due = [(tm.id, tm.kind, tm.request_id, tm.stale_after)
                   for tm in timer_repo.due(s, now, requests_only=True)]
        fired = 0
        for timer_id, kind, request_id, stale_after in due:
            try:
                if stale_after is not None and stale_after <= now:
                    with self._sessions.begin() as s:
                        timer_repo.drop(s, timer_id, now)
                    continue
                fired += int(self._execute(request_id, FireTimer(kind), timer_id=timer_id)[1])
            except Exception:  # noqa: BLE001 - one broken timer must not block the others
                log.exception("timer %s (%s) for request %s failed; marked failed", timer_id, kind,
                              request_id)
                with self._sessions.begin() as s:
                    timer_repo.mark_failed(s, timer_id, now)
        return fired

    def purge_support_notes(self, s: Session, now: datetime, _today: Any = None) -> list[str]:
        """Daily job: the note of every support request older than the retention
        period goes (the request itself stays, counted in the reports)."""
        cutoff = now - timedelta(days=self._settings.ifn_support_retention_days)
        world = self._world(now, False)
        for request in repo.support_notes_due(s, cutoff):
            self._step_in(s, request.id, PurgeNote(), world, now)  # a purge is no metric
        return []
