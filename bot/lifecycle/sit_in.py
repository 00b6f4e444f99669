"""Sitting in on an interview ("bisitte", mandate UDI 2016-018 §3.2): a
caseworker or a leader asks for a coordinator to sit in on a planned
interview. It is routed like a supervision hour (the same chain, the same
timeouts; a child involved puts the BFK first), both are reminded before the
interview, and afterwards the coordinator follows it up in one click:

* with written feedback — a new feedback request, the coordinator's at once,
  whose response form opens straight away;
* with a supervision hour — a new hour request, the coordinator's at once,
  whose time-proposal form opens straight away.

Either way the sit-in is completed and names its follow-up; the follow-up
names the sit-in. *Ferdig* completes a sit-in without a follow-up.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot.calendar import WorkingCalendar
from bot.domain.requests import OfferState, RequestState, RequestType
from bot.lifecycle import check_in, followup
from bot.lifecycle.builder import Builder
from bot.lifecycle.model import (
    FollowSitIn,
    NewOffer,
    Notice,
    OpenFollowUp,
    Outcome,
    Result,
    Snapshot,
    Transition,
    refused,
)
from bot.routing_types import Reason, RequestFacts, Tier

#: Timer kinds: the working day before (at the start of the day), shortly
#: before, and after the interview (the coordinator is asked to follow it up).
REMINDER_DAY = "sit_in_reminder_day"
REMINDER_SOON = "sit_in_reminder_soon"
AFTER = "sit_in_after"
#: At the interview's start a sit-in nobody has taken ends: there is nothing left to sit in on.
EXPIRE = "sit_in_expire"
KINDS = (REMINDER_DAY, REMINDER_SOON, AFTER, EXPIRE)
SOON_MINUTES = 15

#: What a sit-in can be followed up with.
FOLLOW_KINDS = (RequestType.FEEDBACK, RequestType.HOUR)
#: A feedback follow-up is due this many working days after the click (reminded
#: the working day before, followed up after it, as any feedback with a deadline).
FEEDBACK_WORKING_DAYS = 5


def interviewer(snap: Snapshot) -> int:
    """Whose interview it is: the caseworker a leader named, else the requester."""
    named = snap.details.get("interviewer_id")
    return int(named) if named else snap.requester_id


def tell_interviewer(b: Builder) -> None:
    """A leader asked on a caseworker's behalf: the caseworker hears of it now."""
    snap = b.snap
    who, at = interviewer(snap), interview_at(snap.details)
    if snap.type is RequestType.SIT_IN and who != snap.requester_id and at is not None:
        b.send(Notice(who, "sit_in.interviewer_told", {"name_person": snap.requester_id, "id": snap.id,
                                                       "when_at": at.isoformat()},
                      once=f"interviewer:{snap.id}"))


def routing_facts(facts: RequestFacts) -> RequestFacts:
    """A sit-in is routed as a supervision hour (nobody picked in advance)."""
    if facts.type is RequestType.SIT_IN:
        return replace(facts, type=RequestType.HOUR, preferred_person_id=None)
    return facts


def interview_at(details: dict[str, Any] | Any) -> datetime | None:
    raw = details.get("interview_at") if details else None
    if not raw:
        return None
    try:
        return datetime.fromisoformat(str(raw))
    except ValueError:
        return None


# ------------------------------------------------- offered: until the interview


def arm_expiry(b: Builder) -> None:
    """At submission: the sit-in ends at the interview's start if nobody took it."""
    at = interview_at(b.snap.details)
    if b.snap.type is RequestType.SIT_IN and at is not None:
        b.timer(EXPIRE, at)


def accept_refused(b: Builder) -> Transition | None:
    """Nobody takes a sit-in once its interview has begun (a late click, a tick
    that has not run yet)."""
    at = interview_at(b.snap.details)
    if b.snap.type is RequestType.SIT_IN and at is not None and b.now >= at:
        return refused(Outcome.FINAL, "sit_in.too_late", start_at=at.isoformat())
    return None


def expire(b: Builder) -> Transition:
    snap = b.snap
    if snap.state not in (RequestState.NEW, RequestState.OFFERED):
        return Transition()  # taken, cancelled or ended meanwhile
    b.close_open(OfferState.WITHDRAWN)
    b.move(RequestState.UNASSIGNED)
    b.set_details(expired_at=b.now.isoformat())
    b.cancel_timers()
    b.note("sit_in_expired")
    b.decide(f"request:{snap.id}:end", "expired")
    b.send(Notice(snap.requester_id, "sit_in.expired", {"id": snap.id}, once=f"sit_in_expired:{snap.id}"))
    return b.freeze()


# ----------------------------------------------------------- accepted: reminders


def arm(b: Builder) -> None:
    """At acceptance: both are reminded the working day before and shortly
    before; a reminder whose moment has passed is never set, and one set but
    not sent in time (the day before is over, the interview has begun) is
    dropped, never sent late."""
    at = interview_at(b.snap.details)
    if at is None:
        return
    b.cancel_timers(EXPIRE)
    cal = b.world.calendar
    the_day_before = cal.working_days_before(cal.local_date(at), 1)
    # Past that working day it is no longer "the day before": the later reminder says it.
    b.timer(REMINDER_DAY, cal.at_local(the_day_before, b.world.routing.hours.start),
            stale_after=min(at, cal.day_end(the_day_before)))
    b.timer(REMINDER_SOON, at - timedelta(minutes=SOON_MINUTES), stale_after=at)
    b.timer(AFTER, at + timedelta(minutes=b.world.followup.live_minutes))


def remind(b: Builder, kind: str) -> Transition:
    if kind == EXPIRE:
        return expire(b)
    snap = b.snap
    at = interview_at(snap.details)
    if snap.state is not RequestState.ACCEPTED or snap.assignee_id is None or at is None:
        return Transition()
    room = snap.details.get("room") or "–"
    caseworker = interviewer(snap)
    if kind == AFTER:
        b.send(Notice(snap.assignee_id, "sit_in.after", {"id": snap.id, "name_person": caseworker},
                      once=f"sit_in_after:{snap.id}"))
        return b.freeze(sync=False)
    key = "sit_in.reminder_day" if kind == REMINDER_DAY else "sit_in.reminder_soon"
    pairs = [(snap.requester_id, snap.assignee_id), (snap.assignee_id, caseworker)]
    if caseworker != snap.requester_id:  # a leader asked: the caseworker is reminded too
        pairs.append((caseworker, snap.assignee_id))
    for who, other in pairs:
        b.send(Notice(who, key, {"when_day": at.isoformat(), "time_clock": at.isoformat(), "room": room,
                                 "name_person": other, "id": snap.id}, once=f"{kind}:{snap.id}:{who}"))
    return b.freeze(sync=False)


# -------------------------------------------------------------- the follow-up


def follow_up_details(snap: Snapshot, kind: RequestType, calendar: WorkingCalendar,
                      now: datetime) -> dict[str, Any]:
    """The new request's details: what it follows and what the interview was.
    Its requester is the caseworker whose interview it was (``interviewer``)."""
    d = snap.details
    out: dict[str, Any] = {"sit_in_id": snap.id, "interview_at": d.get("interview_at"),
                           "room": d.get("room"), "child_kinds": list(d.get("child_kinds") or [])}
    if kind is RequestType.FEEDBACK:
        day = calendar.local_date(now)
        for _ in range(FEEDBACK_WORKING_DAYS):
            day = calendar.next_working_day(day)
        out.update(focus=[], deadline=day.isoformat())
    return out


def follow(b: Builder, event: FollowSitIn) -> Transition:
    """The coordinator who sat in follows it up (``event.kind``). The same click
    again answers with the follow-up made the first time; the other kind after
    one is made is refused, naming it."""
    snap = b.snap
    if snap.type is not RequestType.SIT_IN or event.kind not in FOLLOW_KINDS:
        return refused(Outcome.NOT_FOUND, "req.notice.not_found", id=snap.id)
    if snap.assignee_id != event.person_id:
        return refused(Outcome.NOT_ASSIGNEE, "req.notice.not_assignee")
    done = snap.details.get("followed_by") or {}
    if done:
        if done.get("kind") == event.kind.value:
            return Transition(result=Result(Outcome.OK, None, {"request_id": int(done["request_id"])}))
        return refused(Outcome.ALREADY_DECIDED, "sit_in.follow.already", id=done.get("request_id"),
                       kind_key=f"req.type.{done.get('kind')}")
    if snap.state is not RequestState.ACCEPTED:
        return refused(Outcome.FINAL, "req.notice.already_final", state_key=f"req.state.{snap.state.value}")
    at = interview_at(snap.details)
    if at is not None and b.now < at:
        return refused(Outcome.INVALID, "sit_in.follow.too_early", start_at=at.isoformat())
    b.result = Result(Outcome.OK, None, {"request_id": event.follow_up_id})
    b.move(RequestState.COMPLETED, completed_at=b.now)
    b.set_details(followed_by={"kind": event.kind.value, "request_id": event.follow_up_id,
                               "at": b.now.isoformat()})
    b.touched.add(event.person_id)
    b.cancel_timers()
    b.note("sit_in_followed", actor_id=event.person_id,
           data={"kind": event.kind.value, "request_id": event.follow_up_id})
    b.decide(f"request:{snap.id}:end", f"followed_{event.kind.value}", event.person_id)
    return b.freeze()


def open_follow_up(b: Builder, event: OpenFollowUp) -> Transition:
    """The follow-up request, just stored: the coordinator's from the start.
    The requester's status message and the coordinator's task message (with
    the button that opens the form again) are sent as for any taken request."""
    snap = b.snap
    if snap.state is not RequestState.NEW or snap.details.get("sit_in_id") != event.sit_in_id:
        return Transition()
    who = event.assignee_id
    b.note("created", actor_id=who)
    b.note("follow_up_of_sit_in", actor_id=who, data={"sit_in_id": event.sit_in_id})
    b.new_offers.append(NewOffer(who, Tier.PREFERRED, Reason.PREFERRED, {}, b.now, OfferState.ACCEPTED))
    b.touched.add(who)
    b.move(RequestState.ACCEPTED, assignee_id=who, accepted_at=b.now)
    b.note("accepted", actor_id=who)
    b.decide(check_in.taken_key(b), "accepted", who)
    if snap.type is RequestType.FEEDBACK:
        followup.arm_feedback_reminder(b)
    check_in.arm(b)
    return b.freeze()
