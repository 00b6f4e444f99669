"""The request lifecycle (SPEC §3): submit → offered → accepted → completed,
with decline/timeout moving down the frozen chain, widening for live
supervision, cancellation and the exhausted chain.

Every public method is one unit of work: it changes state with conditional
UPDATEs, appends to the audit timeline and queues the Slack messages in the same
transaction, then delivers those messages after the commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import metrics
from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.domain.requests import CANCELLABLE, FINAL_STATES, RequestState, RequestType
from bot.domain.roles import Role
from bot.i18n import t
from bot.i18n.format import fmt_date, fmt_datetime, fmt_time
from bot.messages.text import sections
from bot.routing import is_available, route
from bot.routing_types import Chain, ChainEntry, Reason, RequestFacts, Tier, WorkingHours
from bot.services import outbox
from bot.services.outbox import OutboxService
from bot.services.role_holders import holders
from bot.services.snapshots import load_person_ref
from bot.services.world import load_world
from bot.settings import CoreSettings
from storage.models import Person, Request, RoleAssignment, Unit
from storage.repositories import requests as repo
from storage.repositories import timers as timer_repo

#: Keys of a support request's details (and audit data) that hold the requester's words.
SUPPORT_PRIVATE_DETAILS = frozenset({"note", "description"})


def own_leaders(s: Session, person_id: int, today) -> frozenset[int]:
    """The area leader of the person's area and the unit leader of their unit,
    on ``today`` (support conversations never reach them, SPEC §7)."""
    person = s.get(Person, person_id)
    if person is None:
        return frozenset()
    area = person.area_code
    if area is None and person.unit_id is not None:
        unit = s.get(Unit, person.unit_id)
        area = unit.area_code if unit else None
    out: set[int] = set()
    rows = s.execute(select(RoleAssignment, Person).join(Person, Person.id == RoleAssignment.person_id).where(
        RoleAssignment.role.in_([Role.AREA_LEADER.value, Role.UNIT_LEADER.value])))
    for role, holder in rows:
        if (role.valid_from is not None and today < role.valid_from) or \
                (role.valid_to is not None and today > role.valid_to):
            continue
        leads_area = (role.area_code or holder.area_code) == area
        if role.role == Role.AREA_LEADER.value and area is not None and leads_area:
            out.add(holder.id)
        if role.role == Role.UNIT_LEADER.value and person.unit_id is not None \
                and holder.unit_id == person.unit_id:
            out.add(holder.id)
    out.discard(person_id)
    return frozenset(out)


log = logging.getLogger("ifn_bot.requests")


class Outcome(StrEnum):
    OK = "ok"
    NOT_FOUND = "not_found"
    NOT_OFFERED = "not_offered"
    ALREADY_TAKEN = "already_taken"
    FINAL = "final"
    NOT_REQUESTER = "not_requester"
    NOT_ASSIGNEE = "not_assignee"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Outcome
    message_key: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK


OK = Result(Outcome.OK)


@dataclass(frozen=True, slots=True)
class NewRequest:
    type: RequestType
    area: str
    child_involved: bool
    description: str
    details: dict[str, Any]
    preferred_person_id: int | None = None


def chain_to_json(chain: Chain) -> list[dict[str, Any]]:
    return [{"person_id": e.person_id, "tier": e.tier.value, "reason": e.reason.value, "params": e.params}
            for e in chain.entries]


def chain_from_json(data: list[dict[str, Any]]) -> list[ChainEntry]:
    return [ChainEntry(int(d["person_id"]), Tier(d["tier"]), Reason(d["reason"]), dict(d.get("params") or {}))
            for d in data]


@dataclass(slots=True)
class _Step:
    """One unit of work: its session, its clock reading, the messages it queues."""

    s: Session
    now: datetime
    queued: list[int]


class RequestService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: CoreSettings,
                 calendar: WorkingCalendar, delivery: OutboxService) -> None:
        self._sessions = sessions
        self._clock = clock
        self._settings = settings
        self._calendar = calendar
        self._delivery = delivery
        self._hours = WorkingHours(settings.ifn_working_hours_start, settings.ifn_working_hours_end,
                                   settings.ifn_timezone)

    @contextmanager
    def _step(self) -> Iterator[_Step]:
        """A transaction whose queued messages are delivered after it commits."""
        with self._delivery.unit_of_work() as (s, now, queued):
            yield _Step(s, now, queued)

    @staticmethod
    def _load(s: Session, request_id: int, *, requester: int | None = None,
              assignee: int | None = None) -> Request | Result:
        """The request, locked for this transaction (PostgreSQL; SQLite's write
        transactions are exclusive anyway), or the refusal when it is missing or
        not this person's. Every step locks the request before any of its offers,
        so two steps on one request (an Accept at the instant of its timeout)
        queue behind each other instead of deadlocking."""
        request = repo.get(s, request_id, lock=True)
        if request is None:
            return Result(Outcome.NOT_FOUND, "req.notice.not_found", {"id": request_id})
        if requester is not None and request.requester_id != requester:
            return Result(Outcome.NOT_REQUESTER, "req.notice.not_yours")
        if assignee is not None and request.assignee_id != assignee:
            return Result(Outcome.NOT_ASSIGNEE, "req.notice.not_assignee")
        return request

    # ------------------------------------------------------------------ submit

    def submit(self, requester_id: int, new: NewRequest, idempotency_key: str | None = None) -> int:
        request_id, queued = self.submit_deferred(requester_id, new, idempotency_key)
        self._delivery.deliver(queued)
        return request_id

    def submit_deferred(self, requester_id: int, new: NewRequest,
                        idempotency_key: str | None = None) -> tuple[int, list[int]]:
        """Store the request, freeze its chain and make the first offer, in one
        transaction; return the request id and the queued messages, which the
        caller delivers (after answering Slack, so the modal closes at once).
        A repeated submit (Slack retry, double click) with the same key returns
        the first request instead of creating a second."""
        now = self._clock.now()
        queued: list[int] = []
        with self._sessions.begin() as s:
            if idempotency_key:
                existing = repo.by_idempotency_key(s, idempotency_key)
                if existing is not None:
                    return existing.id, []
            # Outside working hours only live supervision goes out at once (to whoever
            # said they are available); the rest waits for the next working start.
            defer_until = None
            if new.type is not RequestType.LIVE and not self._calendar.is_working_time(now):
                defer_until = self._calendar.next_working_start(now)
            world = load_world(s, now, self._hours)
            # Support is confidential: the requester's own leaders are never in the chain.
            excluded = own_leaders(s, requester_id, self._calendar.local_date(now)) \
                if new.type is RequestType.SUPPORT else frozenset()
            facts = RequestFacts(
                type=new.type, area=new.area, child_involved=new.child_involved,
                requester_id=requester_id, preferred_person_id=new.preferred_person_id,
                excluded_person_ids=excluded,
            )
            chain = route(facts, world, defer_until or now)
            request = repo.insert(
                s, type=new.type.value, state=RequestState.NEW.value, requester_id=requester_id,
                area_code=new.area, child_involved=new.child_involved, description=new.description,
                details={**new.details, "deferred_until": defer_until.isoformat() if defer_until else None},
                chain=chain_to_json(chain), cursor=0, widened=False,
                idempotency_key=idempotency_key, created_at=now, updated_at=now,
            )
            repo.audit(s, request_id=request.id, kind="created", actor_id=requester_id, at=now)
            metrics.request_outcome(new.type.value, "created", request.id)
            repo.audit(s, request_id=request.id, kind="routed", at=now, data={
                "chain": chain_to_json(chain),
                "skipped": [{"person_id": k.person_id, "tier": k.tier.value, "reason": k.reason.value,
                             "params": k.params} for k in chain.skipped],
            })
            if defer_until is not None:
                timer_repo.schedule(s, kind="first_offer", key=f"first_offer:{request.id}",
                                    due_at=defer_until, now=now, request_id=request.id)
            else:
                queued += self._offer_next(s, request, now, world)
            queued.append(outbox.queue_status(s, request.id, now))
            request_id = request.id
        return request_id, queued

    def assignee_task(self, request_id: int, person_id: int, request_type: RequestType) -> Result:
        """May this person open the follow-up form (feedback, time proposal)?"""
        with self._sessions() as s:
            request = repo.get(s, request_id)
            if request is None or request.type != request_type.value:
                return Result(Outcome.NOT_FOUND, "req.notice.not_found", {"id": request_id})
            if request.assignee_id != person_id:
                return Result(Outcome.NOT_ASSIGNEE, "req.notice.not_assignee")
            if request.state != RequestState.ACCEPTED.value:
                return self._final(request)
            return Result(Outcome.OK, None, {"focus": list(request.details.get("focus") or [])})

    # ---------------------------------------------------------------- answers

    def accept(self, request_id: int, person_id: int) -> Result:
        with self._step() as step:
            s, now, queued = step.s, step.now, step.queued
            request = self._load(s, request_id)
            if isinstance(request, Result):
                return request
            offer = repo.open_offer(s, request_id, person_id)
            if offer is None or not repo.accept(s, request_id, person_id, now):
                return self._why_not(s, request_id, person_id, now)
            repo.answer_offer(s, offer.id, "accepted", now)
            others = repo.withdraw_open_offers(s, request_id, now)
            metrics.accepted(request.type, request.created_at, now, request_id)
            metrics.offer_outcome(request.type, "withdrawn", len(others))
            repo.audit(s, request_id=request_id, kind="accepted", actor_id=person_id, at=now)
            s.refresh(request)
            queued += self._after_accept(s, request, now)
            queued.append(outbox.queue_status(s, request_id, now))
            queued += [outbox.queue_offer(s, oid, now) for oid in [offer.id, *others]]
        return OK

    def decline(self, request_id: int, person_id: int) -> Result:
        with self._step() as step:
            s, now, queued = step.s, step.now, step.queued
            request = self._load(s, request_id)
            if isinstance(request, Result):
                return request
            offer = repo.open_offer(s, request_id, person_id)
            if offer is None or not repo.answer_offer(s, offer.id, "declined", now):
                return self._why_not(s, request_id, person_id, now)
            repo.audit(s, request_id=request_id, kind="declined", actor_id=person_id, at=now)
            metrics.offer_outcome(request.type, "declined")
            queued.append(outbox.queue_offer(s, offer.id, now))
            queued += self._move_on(s, request, now)
            queued.append(outbox.queue_status(s, request_id, now))
        return OK

    def time_out_due(self) -> int:
        """Time out every open offer past its deadline (the scheduler's tick).
        Each offer is closed by a conditional UPDATE, so an overdue timeout fires
        exactly once even if two processes sweep at the same moment."""
        now = self._clock.now()
        with self._sessions() as s:
            due = repo.due_offer_ids(s, now)
        fired = 0
        for offer_id in due:
            try:
                with self._step() as step:
                    s, queued = step.s, step.queued
                    offer = repo.get_offer(s, offer_id)
                    if offer is None:
                        continue
                    request = repo.get(s, offer.request_id, lock=True)  # request first, then offer
                    if not repo.answer_offer(s, offer_id, "timed_out", now, due_before=now):
                        continue
                    fired += 1
                    metrics.offer_outcome(request.type, "timed_out")
                    repo.audit(s, request_id=request.id, kind="timed_out", subject_id=offer.person_id, at=now)
                    queued.append(outbox.queue_offer(s, offer_id, now))
                    if request.type == RequestType.LIVE.value and not request.widened:
                        queued += self._widen(s, request, now)
                    else:
                        queued += self._move_on(s, request, now)
                    queued.append(outbox.queue_status(s, request.id, now))
            except Exception:  # noqa: BLE001 - one broken request must not block the others
                log.exception("timing out offer %s failed; retried on the next tick", offer_id)
        return fired

    # --------------------------------------------------------- requester / assignee

    def cancel(self, request_id: int, person_id: int) -> Result:
        with self._step() as step:
            s, now, queued = step.s, step.now, step.queued
            request = self._load(s, request_id, requester=person_id)
            if isinstance(request, Result):
                return request
            if not repo.move(s, request_id, [st.value for st in CANCELLABLE], RequestState.CANCELLED.value,
                             updated_at=now):
                return self._final(request)
            withdrawn = repo.withdraw_open_offers(s, request_id, now)
            timer_repo.cancel_for_request(s, request_id)
            repo.audit(s, request_id=request_id, kind="cancelled", actor_id=person_id, at=now)
            metrics.request_outcome(request.type, "cancelled", request_id)
            metrics.offer_outcome(request.type, "withdrawn", len(withdrawn))
            queued.append(outbox.queue_status(s, request_id, now))
            notify = set(withdrawn)
            for offer in repo.offers_for(s, request_id):
                if offer.state == "accepted":
                    notify.add(offer.id)
            queued += [outbox.queue_offer(s, oid, now) for oid in sorted(notify)]
        return OK

    def complete(self, request_id: int, person_id: int) -> Result:
        with self._step() as step:
            s, now, queued = step.s, step.now, step.queued
            request = self._load(s, request_id, assignee=person_id)
            if isinstance(request, Result):
                return request
            if not repo.move(s, request_id, [RequestState.ACCEPTED.value], RequestState.COMPLETED.value,
                             completed_at=now, updated_at=now):
                return self._final(request)
            timer_repo.cancel_for_request(s, request_id)
            repo.audit(s, request_id=request_id, kind="completed", actor_id=person_id, at=now)
            metrics.request_outcome(request.type, "completed", request_id)
            queued += self._queue_all_messages(s, request_id, now)
        return OK

    def deliver_feedback(self, request_id: int, person_id: int, ratings: dict[str, str], overall: str,
                         criteria_labels: dict[str, dict[str, str]]) -> Result:
        """Store the structured feedback, send it privately to the requester and
        complete the request."""
        with self._step() as step:
            s, now, queued = step.s, step.now, step.queued
            request = self._load(s, request_id, assignee=person_id)
            if isinstance(request, Result):
                return request
            if not repo.move(s, request_id, [RequestState.ACCEPTED.value], RequestState.COMPLETED.value,
                             completed_at=now, updated_at=now):
                return self._final(request)
            request.details = {**request.details, "feedback": {"ratings": ratings, "overall": overall}}
            timer_repo.cancel_for_request(s, request_id)
            repo.audit(s, request_id=request_id, kind="feedback_delivered", actor_id=person_id, at=now)
            requester = load_person_ref(s, request.requester_id)
            author = load_person_ref(s, person_id)
            lang = requester.lang
            lines = [f"*{t(lang, 'req.feedback.delivered_header', id=request_id)}*",
                     t(lang, "req.feedback.from", name=author.name)]
            for cid, rating in ratings.items():
                label = criteria_labels.get(cid, {}).get(lang.value, cid)
                lines.append(f"• {label}: _{t(lang, f'req.feedback.rating.{rating}')}_")
            lines += [t(lang, "req.feedback.overall"), overall]
            text = "\n".join(lines)
            blocks = [b.to_dict() for b in sections(text)]
            summary = t(lang, "req.feedback.delivered_header", id=request_id)  # notification text
            queued.append(outbox.queue_dm(s, request.requester_id, summary, blocks, now))
            queued += self._queue_all_messages(s, request_id, now)
        return OK

    def propose_times(self, request_id: int, person_id: int, times: list[datetime]) -> Result:
        with self._step() as step:
            s, now, queued = step.s, step.now, step.queued
            request = self._load(s, request_id, assignee=person_id)
            if isinstance(request, Result):
                return request
            if request.state != RequestState.ACCEPTED.value:
                return self._final(request)
            iso = [x.astimezone(UTC).isoformat() for x in times]
            request.details = {**request.details, "proposed_times": iso, "agreed_time": None}
            timer_repo.cancel_for_request(s, request_id)  # reminders of an earlier agreed time
            repo.audit(s, request_id=request_id, kind="times_proposed", actor_id=person_id, at=now,
                       data={"times": iso})
            requester = load_person_ref(s, request.requester_id)
            author = load_person_ref(s, person_id)
            lang = requester.lang
            text = t(lang, "req.hour.proposed", name=author.name, id=request_id)
            buttons = [{
                "type": "button", "action_id": f"request_pick_time_{i}", "value": f"{request_id}:{i}",
                "text": {"type": "plain_text", "text": fmt_datetime(x, self._settings.tz)},
            } for i, x in enumerate(times)]
            blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text}},
                      {"type": "actions", "block_id": f"pick_time_{request_id}", "elements": buttons}]
            queued.append(outbox.queue_dm(s, request.requester_id, text, blocks, now))
            queued += self._queue_all_messages(s, request_id, now)
        return OK

    def pick_time(self, request_id: int, person_id: int, index: int) -> Result:
        with self._step() as step:
            s, now, queued = step.s, step.now, step.queued
            request = self._load(s, request_id, requester=person_id)
            if isinstance(request, Result):
                return request
            if request.state != RequestState.ACCEPTED.value:
                return self._final(request)
            proposed = request.details.get("proposed_times") or []
            if not 0 <= index < len(proposed):
                return Result(Outcome.INVALID)
            agreed = datetime.fromisoformat(proposed[index])
            request.details = {**request.details, "agreed_time": agreed.isoformat()}
            repo.audit(s, request_id=request_id, kind="time_picked", actor_id=person_id, at=now,
                       data={"time": agreed.isoformat()})
            for who, other in ((request.requester_id, request.assignee_id),
                               (request.assignee_id, request.requester_id)):
                ref = load_person_ref(s, who)
                other_ref = load_person_ref(s, other)
                text = t(ref.lang, "req.hour.confirmed", time=fmt_datetime(agreed, self._settings.tz),
                         name=other_ref.name, id=request_id)
                queued.append(outbox.queue_dm(s, who, text, None, now))
            for kind, due in (("hour_reminder_day", agreed - timedelta(days=1)),
                              ("hour_reminder_soon", agreed - timedelta(minutes=15))):
                if due > now:
                    timer_repo.schedule(s, kind=kind, key=f"{kind}:{request_id}", due_at=due, now=now,
                                        request_id=request_id)
            queued += self._queue_all_messages(s, request_id, now)
        return OK

    # ---------------------------------------------------------------- timers

    def fire_due_timers(self) -> int:
        now = self._clock.now()
        with self._sessions() as s:
            due = [(tm.id, tm.kind, tm.request_id) for tm in timer_repo.due(s, now, requests_only=True)]
        fired = 0
        for timer_id, kind, request_id in due:
            try:
                fired += self._fire_timer(timer_id, kind, request_id, now)
            except Exception:  # noqa: BLE001 - one broken timer must not block the others
                log.exception("timer %s (%s) for request %s failed; marked failed",
                              timer_id, kind, request_id)
                with self._sessions.begin() as s:
                    timer_repo.mark_failed(s, timer_id, now)
        return fired

    def _fire_timer(self, timer_id: int, kind: str, request_id: int | None, now: datetime) -> int:
        with self._step() as step:
            s, queued = step.s, step.queued
            if not timer_repo.claim(s, timer_id, now):
                return 0
            request = repo.get(s, request_id) if request_id else None
            if request is not None and kind == "first_offer":
                if request.state == RequestState.NEW.value:
                    queued += self._offer_next(s, request, now)
                    queued.append(outbox.queue_status(s, request.id, now))
                return 1
            if request is None or request.state != RequestState.ACCEPTED.value:
                return 1  # finished or cancelled since: a late reminder would only confuse
            queued += self._reminder(s, kind, request, now)
            return 1

    def _reminder(self, s: Session, kind: str, request: Request, now: datetime) -> list[int]:
        tz = self._settings.tz
        queued: list[int] = []
        if kind == "feedback_reminder" and request.assignee_id:
            ref = load_person_ref(s, request.assignee_id)
            deadline = datetime.fromisoformat(request.details["deadline"])
            text = t(ref.lang, "req.feedback.reminder", id=request.id,
                     case_ref=request.details.get("case_ref", ""), deadline=fmt_date(deadline))
            queued.append(outbox.queue_dm(s, request.assignee_id, text, None, now))
        elif kind in ("hour_reminder_day", "hour_reminder_soon") and request.assignee_id:
            if not request.details.get("agreed_time"):
                return queued  # new times were proposed since; the pick re-arms the reminders
            agreed = datetime.fromisoformat(request.details["agreed_time"])
            for who, other in ((request.requester_id, request.assignee_id),
                               (request.assignee_id, request.requester_id)):
                ref, other_ref = load_person_ref(s, who), load_person_ref(s, other)
                key = "req.hour.reminder_day" if kind == "hour_reminder_day" else "req.hour.reminder_soon"
                text = t(ref.lang, key, time=fmt_time(agreed, tz), name=other_ref.name, id=request.id)
                queued.append(outbox.queue_dm(s, who, text, None, now))
        return queued

    # ----------------------------------------------------------- the timeline

    def can_see_timeline(self, s: Session, request: Request, person_id: int) -> bool:
        if request.type == RequestType.SUPPORT.value:
            # Confidential: the two people in the conversation, nobody else (not admins).
            return person_id in (request.requester_id, request.assignee_id)
        if person_id == request.requester_id or repo.was_offered(s, request.id, person_id):
            return True
        return bool(s.scalar(select(RoleAssignment.id).where(
            RoleAssignment.person_id == person_id, RoleAssignment.role == Role.ADMIN.value
        ).limit(1)))

    def timeline(self, request_id: int, person_id: int, lang) -> Result:
        """The audit timeline as lines, for the requester, the people offered and admins."""
        tz = self._settings.tz
        with self._sessions() as s:
            request = repo.get(s, request_id)
            if request is None:
                return Result(Outcome.NOT_FOUND, "req.notice.not_found", {"id": request_id})
            if not self.can_see_timeline(s, request, person_id):
                return Result(Outcome.NOT_REQUESTER, "req.log.forbidden", {"id": request_id})
            names: dict[int, str] = {}

            def name(pid: int | None) -> str:
                if pid is None:
                    return "–"
                if pid not in names:
                    person = s.get(Person, pid)
                    names[pid] = person.name if person else f"#{pid}"
                return names[pid]

            lines = [f"*{t(lang, 'req.log.title', id=request_id)}*"]
            for ev in repo.timeline(s, request_id):
                when = fmt_datetime(ev.at, tz)
                if ev.kind == "exhausted" and request.type == RequestType.SUPPORT.value:
                    lines.append(t(lang, "req.log.exhausted_support", time=when))
                elif ev.kind == "routed":
                    chain = ", ".join(name(int(c["person_id"])) for c in ev.data.get("chain", [])) or "–"
                    lines.append(t(lang, "req.log.routed", time=when, chain=chain))
                else:
                    lines.append(t(lang, f"req.log.{ev.kind}", time=when, actor=name(ev.actor_id),
                                   subject=name(ev.subject_id)))
        return Result(Outcome.OK, None, {"lines": lines})

    # ------------------------------------------------------------- internals

    def _why_not(self, s: Session, request_id: int, person_id: int, now: datetime) -> Result:
        """Explain a refused answer; record answers that arrive after the end."""
        request = repo.get(s, request_id)
        s.refresh(request)
        taken = (RequestState.ACCEPTED.value, RequestState.COMPLETED.value)
        if request.state in taken and request.assignee_id:
            if request.assignee_id == person_id:
                return OK  # a double click by the winner: nothing to do
            if repo.was_offered(s, request_id, person_id):
                repo.audit(s, request_id=request_id, kind="late_answer", actor_id=person_id, at=now)
            if request.type == RequestType.SUPPORT.value:
                return Result(Outcome.ALREADY_TAKEN, "support.offer.taken")  # not who: that is theirs
            return Result(Outcome.ALREADY_TAKEN, "req.notice.already_taken",
                          {"name": load_person_ref(s, request.assignee_id).name})
        if request.state in {st.value for st in FINAL_STATES}:
            return self._final(request)
        return Result(Outcome.NOT_OFFERED, "req.notice.accept_refused_not_offered")

    @staticmethod
    def _final(request: Request) -> Result:
        return Result(Outcome.FINAL, "req.notice.already_final", {"state_key": f"req.state.{request.state}"})

    def _deadline(self, request_type: str, now: datetime) -> datetime:
        seconds = self._settings.offer_timeout(request_type)
        if request_type != RequestType.LIVE.value:  # only live supervision runs on the wall clock
            return self._calendar.add_working_time(now, seconds)
        return now + timedelta(seconds=seconds)

    def _make_offer(self, s: Session, request: Request, entry: ChainEntry, now: datetime) -> int:
        offer = repo.insert_offer(
            s, request_id=request.id, person_id=entry.person_id, tier=entry.tier.value,
            reason=entry.reason.value, reason_params=entry.params, state="open", offered_at=now,
            deadline_at=self._deadline(request.type, now),
        )
        metrics.offer_outcome(request.type, "made")
        repo.audit(s, request_id=request.id, kind="offered", subject_id=entry.person_id, at=now,
                   data={"tier": entry.tier.value, "reason": entry.reason.value, "params": entry.params})
        return outbox.queue_offer(s, offer.id, now)

    def _offer_next(self, s: Session, request: Request, now: datetime, world=None) -> list[int]:
        """Offer to the next chain entry who is available now, re-checking the
        frozen chain against the current state (someone may have left since)."""
        if request.type != RequestType.LIVE.value and not self._calendar.is_working_time(now):
            return self._defer(s, request, now)
        world = world or load_world(s, now, self._hours)
        entries = chain_from_json(request.chain)
        i = request.cursor
        while i < len(entries):
            entry = entries[i]
            i += 1
            if repo.was_offered(s, request.id, entry.person_id):
                continue
            why = is_available(entry.person_id, world, now, RequestType(request.type))
            if why is not None:
                repo.audit(s, request_id=request.id, kind="skipped", subject_id=entry.person_id, at=now,
                           data={"reason": why.value})
                continue
            request.cursor = i
            if request.state == RequestState.NEW.value:
                metrics.first_offer(request.type, request.created_at, now)
            request.state = RequestState.OFFERED.value
            request.updated_at = now
            return [self._make_offer(s, request, entry, now)]
        request.cursor = i
        return self._exhaust(s, request, now)

    def _defer(self, s: Session, request: Request, now: datetime) -> list[int]:
        """Outside working hours nobody but live supervision is offered (everyone
        would be skipped and the chain end for no reason): wait for the next
        working start, when a durable timer makes the next offer."""
        when = self._calendar.next_working_start(now)
        request.state = RequestState.NEW.value
        request.details = {**request.details, "deferred_until": when.isoformat()}
        request.updated_at = now
        timer_repo.schedule(s, kind="first_offer", key=f"first_offer:{request.id}", due_at=when, now=now,
                            request_id=request.id)
        repo.audit(s, request_id=request.id, kind="deferred", at=now, data={"until": when.isoformat()})
        return []

    def _widen(self, s: Session, request: Request, now: datetime) -> list[int]:
        """Live supervision after the first timeout: offer to everyone left at once."""
        world = load_world(s, now, self._hours)
        queued: list[int] = []
        entries = chain_from_json(request.chain)
        for entry in entries[request.cursor:]:
            if repo.was_offered(s, request.id, entry.person_id):
                continue
            if is_available(entry.person_id, world, now, RequestType(request.type)) is None:
                queued.append(self._make_offer(s, request, entry, now))
        request.cursor = len(entries)
        request.widened = True
        request.updated_at = now
        repo.audit(s, request_id=request.id, kind="widened", at=now, data={"offers": len(queued)})
        if not queued:
            return self._exhaust(s, request, now)
        return queued

    def _move_on(self, s: Session, request: Request, now: datetime) -> list[int]:
        if request.state != RequestState.OFFERED.value:
            return []
        if request.widened:
            if repo.count_open_offers(s, request.id) == 0:
                return self._exhaust(s, request, now)
            return []
        return self._offer_next(s, request, now)

    def _exhaust(self, s: Session, request: Request, now: datetime) -> list[int]:
        if not repo.move(s, request.id, [RequestState.NEW.value, RequestState.OFFERED.value],
                         RequestState.UNASSIGNED.value, updated_at=now):
            return []
        s.refresh(request)
        repo.audit(s, request_id=request.id, kind="exhausted", at=now)
        metrics.exhausted(request.type, request.id)
        if request.type == RequestType.SUPPORT.value:
            # Confidential: the requester is told honestly, with where else to turn; no leader is told.
            requester = load_person_ref(s, request.requester_id)
            services = "\n".join(f"• {line}" for line in self._settings.external_support_lines) or "–"
            return [outbox.queue_dm(s, request.requester_id,
                                    t(requester.lang, "support.exhausted", services=services), None, now)]
        requester = load_person_ref(s, request.requester_id)
        queued: list[int] = []
        for leader_id in self._area_leaders(s, request.area_code):
            leader = load_person_ref(s, leader_id)
            text = t(leader.lang, "req.leader.unassigned", type=t(leader.lang, f"req.type.{request.type}"),
                     name=requester.name, area=request.area_code, id=request.id)
            queued.append(outbox.queue_dm(s, leader_id, text, None, now))
        return queued

    def _area_leaders(self, s: Session, area: str) -> list[int]:
        today = self._calendar.local_date(self._clock.now())
        return sorted(p.id for p in holders(s, Role.AREA_LEADER, today, area))

    def _after_accept(self, s: Session, request: Request, now: datetime) -> list[int]:
        if request.type == RequestType.SUPPORT.value and request.assignee_id:
            return [self._introduce(s, request, now)]
        if request.type == RequestType.FEEDBACK.value and request.details.get("deadline"):
            deadline = datetime.fromisoformat(request.details["deadline"]).date()
            remind_day = self._calendar.working_days_before(deadline, 1)
            due = self._calendar.at_local(remind_day, self._settings.ifn_working_hours_start)
            if due > now:
                timer_repo.schedule(s, kind="feedback_reminder", key=f"feedback_reminder:{request.id}",
                                    due_at=due, now=now, request_id=request.id)
        return []

    def _introduce(self, s: Session, request: Request, now: datetime) -> int:
        """Support: put the two in touch in a group DM of just the two of them
        (names and who-sees-what only; the note stays out of the outbox)."""
        requester = load_person_ref(s, request.requester_id)
        assignee = load_person_ref(s, request.assignee_id)
        text = "\n".join(t(lang, "support.intro", requester=requester.name, assignee=assignee.name,
                            id=request.id) for lang in dict.fromkeys((requester.lang, assignee.lang)))
        return outbox.queue_group_dm(s, [request.requester_id, request.assignee_id], text, None, now,
                                     dedupe_key=f"support_intro:{request.id}")

    def refer_external(self, request_id: int, person_id: int) -> Result:
        """Support: the assignee refers the requester to external professionals
        (memo 8.3); the requester gets the configured list in a DM."""
        with self._step() as step:
            s, now, queued = step.s, step.now, step.queued
            request = self._load(s, request_id, assignee=person_id)
            if isinstance(request, Result):
                return request
            if request.type != RequestType.SUPPORT.value:
                return Result(Outcome.INVALID, "req.notice.not_found", {"id": request_id})
            if request.state != RequestState.ACCEPTED.value:
                return self._final(request)
            if request.details.get("referred_external"):
                return OK
            request.details = {**request.details, "referred_external": now.isoformat()}
            request.updated_at = now
            repo.audit(s, request_id=request_id, kind="referred_external", actor_id=person_id, at=now)
            requester = load_person_ref(s, request.requester_id)
            assignee = load_person_ref(s, person_id)
            services = "\n".join(f"• {line}" for line in self._settings.external_support_lines) or "–"
            text = t(requester.lang, "support.referred", name=assignee.name, services=services)
            queued.append(outbox.queue_dm(s, request.requester_id, text, None, now))
            queued += self._queue_all_messages(s, request_id, now)
        return OK

    def purge_support_notes(self, s: Session, now: datetime, _today=None) -> list[int]:
        """Daily job: remove the note of every support request older than the
        retention period from the request and from any audit data holding it.
        The row stays (monthly counts); its messages are re-rendered without the note."""
        cutoff = now - timedelta(days=self._settings.ifn_support_retention_days)
        queued: list[int] = []
        for request in repo.support_notes_due(s, cutoff):
            request.description = ""
            request.details = {k: v for k, v in request.details.items() if k not in SUPPORT_PRIVATE_DETAILS} \
                | {"note_purged_at": now.isoformat()}
            repo.redact_audit(s, request.id, SUPPORT_PRIVATE_DETAILS)
            repo.audit(s, request_id=request.id, kind="note_purged", at=now)
            if request.status_ts:
                queued.append(outbox.queue_status(s, request.id, now))
            queued += [outbox.queue_offer(s, o.id, now) for o in repo.offers_for(s, request.id)
                       if o.message_ts and o.state == "accepted"]
        return queued

    def _queue_all_messages(self, s: Session, request_id: int, now: datetime) -> list[int]:
        queued = [outbox.queue_status(s, request_id, now)]
        for offer in repo.offers_for(s, request_id):
            if offer.state == "accepted":
                queued.append(outbox.queue_offer(s, offer.id, now))
        return queued
