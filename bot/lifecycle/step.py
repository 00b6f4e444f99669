"""``step(snapshot, event, world, now) -> Transition``: the request lifecycle as
one pure function (SPEC §3).

States move ``new → offered → accepted → completed`` with ``cancelled`` and
``unassigned`` as the other ends; offers move from ``open`` to ``accepted``,
``declined``, ``timed_out`` or ``withdrawn``. A step that may not happen
(a second click, the wrong person, a request that has ended) returns a refusal
that changes nothing and sends nothing, and says who decided what and when.
"""

from __future__ import annotations

from datetime import datetime
from functools import singledispatch

from bot.domain.requests import CANCELLABLE, FINAL_STATES, OfferState, RequestState, RequestType
from bot.lifecycle import check_in, escalation, followup, handover, sit_in
from bot.lifecycle.builder import Builder
from bot.lifecycle.model import (
    Accept,
    AnswerHelp,
    Cancel,
    Complete,
    Decline,
    DeliverFeedback,
    Event,
    FireTimer,
    FollowSitIn,
    GroupIntro,
    HandOver,
    OpenFollowUp,
    Outcome,
    PickTime,
    ProposeTimes,
    PurgeNote,
    ReferExternal,
    Snapshot,
    StartOffering,
    StepWorld,
    Submit,
    TimeOut,
    Transition,
    refused,
)
from bot.routing import route

TAKEN = (RequestState.ACCEPTED, RequestState.COMPLETED)


def step(snap: Snapshot, event: Event, world: StepWorld, now: datetime) -> Transition:
    """What ``event`` does to the request ``snap`` at ``now``."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return _step(event, Builder(snap, world, now))


@singledispatch
def _step(event: Event, b: Builder) -> Transition:
    raise TypeError(f"no lifecycle step for {type(event).__name__}")


# ------------------------------------------------------------------ submitting


@_step.register
def _submit(event: Submit, b: Builder) -> Transition:
    """A request just stored (state ``new``, no chain yet): route it and make the
    first offer, or wait for the working day."""
    facts = event.facts
    cal = b.world.calendar
    deferred = facts.type is not RequestType.LIVE and not cal.is_working_time(b.now)
    # A request that waits for the morning is routed for the morning.
    chain = route(sit_in.routing_facts(facts), b.world.routing,
                  cal.next_working_start(b.now) if deferred else b.now)
    b.change["chain"] = chain.entries
    b.note("created", actor_id=facts.requester_id)
    followup.tell_author(b)
    sit_in.tell_interviewer(b)
    sit_in.arm_expiry(b)
    b.note("routed", data={
        "chain": [_entry_json(e) for e in chain.entries],
        "skipped": [_entry_json(s) for s in chain.skipped],
    })
    if deferred:
        escalation.defer(b)
    else:
        escalation.offer_next(b)
    return b.freeze()


def _entry_json(e) -> dict:
    return {"person_id": e.person_id, "tier": e.tier.value, "reason": e.reason.value,
            "params": dict(e.params)}


@_step.register
def _start(event: StartOffering, b: Builder) -> Transition:
    if b.snap.state is not RequestState.NEW:
        return Transition()  # cancelled (or already offered) meanwhile
    escalation.offer_next(b)
    return b.freeze()


# --------------------------------------------------------------- the answers


def _answer_refused(b: Builder, person_id: int) -> Transition | None:
    """Why ``person_id`` cannot answer the offer now, or None if they can."""
    snap = b.snap
    if snap.state in TAKEN and snap.assignee_id is not None:
        if snap.assignee_id == person_id:
            return Transition()  # a second click by the one who took it: nothing to do
        if snap.type is RequestType.SUPPORT:
            return refused(Outcome.ALREADY_TAKEN, "support.offer.taken")  # who took it is theirs
        return refused(Outcome.ALREADY_TAKEN, "req.notice.already_taken_at",
                       name_person=snap.assignee_id, time_when=snap.accepted_at.isoformat())
    offer = snap.offer_to(person_id)
    if offer is not None and not offer.open and offer.answered_at is not None:
        if offer.state is OfferState.DECLINED:
            return refused(Outcome.ALREADY_DECIDED, "req.notice.you_declined",
                           time_when=offer.answered_at.isoformat())
        if offer.state is OfferState.TIMED_OUT:
            return refused(Outcome.ALREADY_DECIDED, "req.notice.you_timed_out",
                           time_when=offer.answered_at.isoformat())
    if snap.state in FINAL_STATES:
        return refused(Outcome.FINAL, "req.notice.already_final", state_key=f"req.state.{snap.state.value}")
    if offer is None or not offer.open or snap.state is not RequestState.OFFERED:
        return refused(Outcome.NOT_OFFERED, "req.notice.accept_refused_not_offered")
    return None


@_step.register
def _accept(event: Accept, b: Builder) -> Transition:
    refusal = _answer_refused(b, event.person_id) or sit_in.accept_refused(b)
    if refusal is not None:
        return refusal
    snap, now = b.snap, b.now
    offer = snap.offer_to(event.person_id)
    assert offer is not None
    b.move(RequestState.ACCEPTED, assignee_id=event.person_id, accepted_at=now)
    b.close(offer, OfferState.ACCEPTED)
    b.close_open(OfferState.WITHDRAWN, except_person=event.person_id)
    b.note("accepted", actor_id=event.person_id)
    b.decide(check_in.taken_key(b), "accepted", event.person_id)
    if snap.type is RequestType.SUPPORT:
        b.send(GroupIntro())
    if snap.type is RequestType.FEEDBACK:
        followup.arm_feedback_reminder(b)
    if snap.type is RequestType.SIT_IN:
        sit_in.arm(b)
    check_in.arm(b)
    return b.freeze()


@_step.register
def _decline(event: Decline, b: Builder) -> Transition:
    refusal = _answer_refused(b, event.person_id)
    if refusal is not None:
        return refusal
    offer = b.snap.offer_to(event.person_id)
    assert offer is not None
    b.close(offer, OfferState.DECLINED)
    b.note("declined", actor_id=event.person_id)
    b.decide(f"offer:{offer.id}", "declined", event.person_id)
    escalation.move_on(b)
    return b.freeze()


@_step.register
def _time_out(event: TimeOut, b: Builder) -> Transition:
    offer = next((o for o in b.snap.offers if o.id == event.offer_id), None)
    if offer is None or not offer.open or offer.deadline_at > b.now:
        return Transition()  # answered (or moved) meanwhile: the timeout has nothing to do
    b.close(offer, OfferState.TIMED_OUT)
    b.note("timed_out", subject_id=offer.person_id)
    if b.is_live and not b.widened and b.state is RequestState.OFFERED:
        escalation.widen(b)
    else:
        escalation.move_on(b)
    return b.freeze()


# -------------------------------------------------------- requester, assignee


def _final_refusal(snap: Snapshot) -> Transition:
    return refused(Outcome.FINAL, "req.notice.already_final", state_key=f"req.state.{snap.state.value}")


@_step.register
def _cancel(event: Cancel, b: Builder) -> Transition:
    snap = b.snap
    if event.person_id != snap.requester_id:
        return refused(Outcome.NOT_REQUESTER, "req.notice.not_yours")
    if snap.state not in CANCELLABLE:
        return _final_refusal(snap)
    b.move(RequestState.CANCELLED)
    b.close_open(OfferState.WITHDRAWN)
    if snap.assignee_id is not None:
        b.touched.add(snap.assignee_id)  # their task message says it was withdrawn
    b.cancel_timers()
    check_in.settle(b)
    b.note("cancelled", actor_id=event.person_id)
    b.decide(f"request:{snap.id}:end", "cancelled", event.person_id)
    return b.freeze()


def assignee_refusal(b: Builder, person_id: int, wanted: RequestType | None = None) -> Transition | None:
    snap = b.snap
    if wanted is not None and snap.type is not wanted:
        return refused(Outcome.NOT_FOUND, "req.notice.not_found", id=snap.id)
    if snap.assignee_id != person_id:
        return refused(Outcome.NOT_ASSIGNEE, "req.notice.not_assignee")
    if snap.state is not RequestState.ACCEPTED:
        return _final_refusal(snap)
    return None


@_step.register
def _complete(event: Complete, b: Builder) -> Transition:
    refusal = assignee_refusal(b, event.person_id)
    if refusal is not None:
        if b.snap.state is RequestState.COMPLETED and b.snap.assignee_id == event.person_id:
            return Transition()  # a second click on Ferdig
        return refusal
    b.move(RequestState.COMPLETED, completed_at=b.now)
    b.touched.add(event.person_id)
    b.cancel_timers()
    check_in.settle(b)
    b.note("completed", actor_id=event.person_id)
    b.decide(f"request:{b.snap.id}:end", "completed", event.person_id)
    return b.freeze()


@_step.register
def _feedback(event: DeliverFeedback, b: Builder) -> Transition:
    snap = b.snap
    if snap.state is RequestState.COMPLETED and snap.assignee_id == event.person_id \
            and snap.details.get("feedback"):
        return Transition()  # the same form sent again: it is delivered already
    refusal = assignee_refusal(b, event.person_id, RequestType.FEEDBACK)
    return refusal or followup.deliver_feedback(b, event)


@_step.register
def _propose(event: ProposeTimes, b: Builder) -> Transition:
    refusal = assignee_refusal(b, event.person_id, RequestType.HOUR)
    if refusal is None and followup.same_proposal(b, event):
        return Transition()  # the same times sent again (a retry, a double submit)
    return refusal or followup.propose_times(b, event)


@_step.register
def _pick(event: PickTime, b: Builder) -> Transition:
    snap = b.snap
    if snap.type is not RequestType.HOUR:
        return refused(Outcome.NOT_FOUND, "req.notice.not_found", id=snap.id)
    if event.person_id != snap.requester_id:
        return refused(Outcome.NOT_REQUESTER, "req.notice.not_yours_pick")
    if snap.state is not RequestState.ACCEPTED:
        return _final_refusal(snap)
    return followup.pick_time(b, event)


@_step.register
def _refer(event: ReferExternal, b: Builder) -> Transition:
    refusal = assignee_refusal(b, event.person_id, RequestType.SUPPORT)
    return refusal or followup.refer_external(b, event)


@_step.register
def _fire(event: FireTimer, b: Builder) -> Transition:
    if event.kind == escalation.FIRST_OFFER:
        return _start(StartOffering(), b)
    if event.kind in check_in.KINDS:
        return check_in.fire(b, event.kind)
    if event.kind in sit_in.KINDS:
        return sit_in.remind(b, event.kind)
    return followup.remind(b, event.kind)


@_step.register
def _answer_help(event: AnswerHelp, b: Builder) -> Transition:
    return check_in.answer(b, event)


@_step.register
def _purge(event: PurgeNote, b: Builder) -> Transition:
    return followup.purge_note(b)


@_step.register
def _hand_over(event: HandOver, b: Builder) -> Transition:
    return handover.hand_over(b, event)


@_step.register
def _follow_sit_in(event: FollowSitIn, b: Builder) -> Transition:
    return sit_in.follow(b, event)


@_step.register
def _open_follow_up(event: OpenFollowUp, b: Builder) -> Transition:
    return sit_in.open_follow_up(b, event)
