"""Accepted work is followed up (SPEC §5, issue 13 item 2): when a live
supervision, a written feedback or a supervision hour has been taken but is not
marked done when it should be, the assignee is reminded; if it is still not
done a while later, the requester is asked "Fikk du hjelpen du trengte?".

* *Ja*: the help came — the request is completed.
* *Nei*: it did not — the request is offered again, to people not asked
  before, with its history kept (offers, audit, the earlier assignee's message
  saying it moved on).

Each question is a round (``help_asked.round``); an answer is a decision made
once (``help_came:<id>:<round>``). Both answers are audit rows the quality
report counts. When the reminders fire and how long after the question comes
are settings (``IFN_FOLLOWUP_*``, see :class:`~bot.lifecycle.model.FollowUp`).
Support conversations are never followed up this way: they are confidential
and end when the two say so.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.domain.requests import RequestState, RequestType
from bot.lifecycle import escalation
from bot.lifecycle.builder import Builder
from bot.lifecycle.model import AnswerHelp, AskHelp, Notice, Outcome, Transition, refused
from bot.routing import route
from bot.routing_types import RequestFacts

#: Timer kinds.
CHECK_ASSIGNEE = "checkin_assignee"
ASK_REQUESTER = "checkin_requester"
KINDS = (CHECK_ASSIGNEE, ASK_REQUESTER)

FOLLOWED_TYPES = frozenset({RequestType.LIVE, RequestType.FEEDBACK, RequestType.HOUR})


def decision_key(request_id: int, round_: int) -> str:
    return f"help_came:{request_id}:{round_}"


def _answers(b: Builder) -> list[dict]:
    return list(b.details.get("help_answers") or [])


def current_round(b: Builder) -> int:
    return len(_answers(b)) + 1


def taken_key(b: Builder) -> str:
    """The decision an acceptance makes; a request offered again after a *Nei*
    is taken anew, a decision of its own."""
    n = current_round(b)
    return f"request:{b.snap.id}:taken" if n == 1 else f"request:{b.snap.id}:taken:{n}"


# ----------------------------------------------------------------- arming


def _live_start(b: Builder) -> datetime | None:
    """The interview's start: the time on the request, on the day it was made."""
    raw = b.snap.details.get("start_time")
    if not raw:
        return None
    try:
        clock = time.fromisoformat(str(raw))
    except ValueError:
        return None
    cal = b.world.calendar
    return cal.at_local(cal.local_date(b.snap.created_at), clock)


def arm(b: Builder) -> None:
    """At acceptance: when the assignee is reminded if the work is not done."""
    if b.snap.type not in FOLLOWED_TYPES:
        return
    cal, f = b.world.calendar, b.world.followup
    if b.snap.type is RequestType.LIVE:
        start = _live_start(b) or b.now
        due = max(start, b.now) + timedelta(minutes=f.live_minutes)
    elif b.snap.type is RequestType.FEEDBACK:
        deadline = b.snap.details.get("deadline")
        if not deadline:
            return
        day = datetime.fromisoformat(deadline).date()
        end = cal.day_end(day)
        due = end if cal.is_working_day(day) else cal.next_working_start(end)
        if due <= b.now:  # taken anew after the deadline passed: a working day from now
            due = cal.add_working_time(b.now, f.ask_seconds)
    else:  # an hour: times should be proposed within the working time given
        due = cal.add_working_time(b.now, f.hour_propose_seconds)
    b.timer(CHECK_ASSIGNEE, due)


def arm_after_pick(b: Builder, agreed: datetime) -> None:
    """An hour's time is agreed: the check comes after the hour, not before."""
    b.timer(CHECK_ASSIGNEE, agreed + timedelta(minutes=b.world.followup.hour_done_minutes))


# ----------------------------------------------------------------- firing


def fire(b: Builder, kind: str) -> Transition:
    snap = b.snap
    if snap.state is not RequestState.ACCEPTED or snap.assignee_id is None or snap.type not in FOLLOWED_TYPES:
        return Transition()
    if kind == CHECK_ASSIGNEE:
        return _remind_assignee(b)
    return _ask_requester(b)


def _remind_assignee(b: Builder) -> Transition:
    snap, d = b.snap, b.snap.details
    params: dict = {"id": snap.id, "name_person": snap.requester_id}
    if snap.type is RequestType.LIVE:
        key = "checkin.assignee.live"
        params.update(room=d.get("room", "–"), start=d.get("start_time", "–"))
    elif snap.type is RequestType.FEEDBACK:
        key = "checkin.assignee.feedback"
        params.update(case_ref=d.get("case_ref", "–"), deadline_day=d.get("deadline"))
    elif d.get("agreed_time"):
        if datetime.fromisoformat(d["agreed_time"]) > b.now:
            return Transition()  # re-agreed for later: its own check comes after it
        key = "checkin.assignee.hour_done"
        params.update(when_day=d["agreed_time"], time_clock=d["agreed_time"])
    elif d.get("proposed_times"):
        return Transition()  # times are proposed: the requester is the one to pick
    else:
        key = "checkin.assignee.hour_propose"
    assert snap.assignee_id is not None
    b.send(Notice(snap.assignee_id, key, params, once=f"checkin:{snap.id}:{current_round(b)}"))
    b.note("checkin_reminded", subject_id=snap.assignee_id)
    b.timer(ASK_REQUESTER, b.world.calendar.add_working_time(b.now, b.world.followup.ask_seconds))
    return b.freeze(sync=False)


def _ask_requester(b: Builder) -> Transition:
    d = b.snap.details
    if b.snap.type is RequestType.HOUR and (
            (d.get("agreed_time") and datetime.fromisoformat(d["agreed_time"]) > b.now)
            or (d.get("proposed_times") and not d.get("agreed_time"))):
        return Transition()  # the hour is still to come, or waits for the requester's own pick
    round_ = current_round(b)
    if (d.get("help_asked") or {}).get("round") == round_:
        return Transition()  # asked already
    b.set_details(help_asked={"round": round_, "at": b.now.isoformat()})
    b.note("help_asked", subject_id=b.snap.requester_id, data={"round": round_})
    b.send(AskHelp(round_))
    return b.freeze(sync=False)


# --------------------------------------------------------------- answering


def answer(b: Builder, event: AnswerHelp) -> Transition:
    snap = b.snap
    if event.person_id != snap.requester_id or snap.type not in FOLLOWED_TYPES:
        return refused(Outcome.NOT_REQUESTER, "req.notice.not_yours")
    earlier = next((a for a in _answers(b) if a.get("round") == event.round), None)
    if earlier is not None:
        said = "yes" if earlier["came"] else "no"
        return refused(Outcome.ALREADY_DECIDED, "checkin.already_answered",
                       answer_key=f"checkin.answer.{said}", time_when=earlier["at"])
    asked = snap.details.get("help_asked") or {}
    if asked.get("round") != event.round:
        return refused(Outcome.ALREADY_DECIDED, "checkin.stale")
    if snap.state is not RequestState.ACCEPTED:
        return refused(Outcome.FINAL, "req.notice.already_final", state_key=f"req.state.{snap.state.value}")
    b.set_details(help_answers=[*_answers(b), {"round": event.round, "came": event.came,
                                               "at": b.now.isoformat(), "assignee_id": snap.assignee_id}])
    b.decide(decision_key(snap.id, event.round), "yes" if event.came else "no", event.person_id)
    b.cancel_timers()
    b.send(AskHelp(event.round))
    assert snap.assignee_id is not None
    b.touched.add(snap.assignee_id)
    if event.came:
        b.move(RequestState.COMPLETED, completed_at=b.now)
        b.note("help_came_yes", actor_id=event.person_id, subject_id=snap.assignee_id)
        b.decide(f"request:{snap.id}:end", "help_came", event.person_id)
        b.send(Notice(snap.assignee_id, "checkin.assignee.confirmed", {"id": snap.id,
                                                                      "name_person": snap.requester_id}))
        return b.freeze()
    b.note("help_came_no", actor_id=event.person_id, subject_id=snap.assignee_id)
    b.send(Notice(snap.assignee_id, "checkin.assignee.moved_on", {"id": snap.id,
                                                                 "name_person": snap.requester_id}))
    _offer_again(b)
    return b.freeze()


def _offer_again(b: Builder) -> None:
    """A fresh chain for now; everyone asked before (the one who took it first)
    is left out by ``offer_next``, so it reaches people not asked yet."""
    snap = b.snap
    facts = RequestFacts(type=snap.type, area=snap.area, child_involved=snap.child_involved,
                         requester_id=snap.requester_id)
    cal = b.world.calendar
    deferred = snap.type is not RequestType.LIVE and not cal.is_working_time(b.now)
    chain = route(facts, b.world.routing, cal.next_working_start(b.now) if deferred else b.now)
    b.move(RequestState.NEW, assignee_id=None, accepted_at=None, cursor=0, widened=False, chain=chain.entries)
    b.note("reopened", data={"chain": [e.person_id for e in chain.entries]})
    if deferred:
        escalation.defer(b)
    else:
        escalation.offer_next(b)


def settle(b: Builder) -> None:
    """The request ended another way (done, cancelled, feedback delivered) while
    a question was out: the question says so instead of asking."""
    asked = b.snap.details.get("help_asked") or {}
    if asked.get("round") and not any(a.get("round") == asked["round"] for a in _answers(b)):
        b.send(AskHelp(int(asked["round"])))
