"""What happens after a request is taken (SPEC §3): the structured feedback,
agreeing the time of a supervision hour, referring a support conversation
onwards, the reminders, and the retention purge of support notes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.domain.requests import RequestState, RequestType
from bot.lifecycle import check_in
from bot.lifecycle.builder import Builder
from bot.lifecycle.model import (
    DeliverFeedback,
    FeedbackLetter,
    Notice,
    Outcome,
    PickTime,
    ProposeTimes,
    ReferExternal,
    SyncProposal,
    Transition,
    refused,
)

FEEDBACK_REMINDER = "feedback_reminder"
HOUR_REMINDER_DAY = "hour_reminder_day"
HOUR_REMINDER_SOON = "hour_reminder_soon"
HOUR_REMINDERS = (HOUR_REMINDER_DAY, HOUR_REMINDER_SOON)

#: Keys of a support request's details (and audit data) that hold the requester's words.
SUPPORT_PRIVATE_DETAILS = frozenset({"note", "description"})


def _start_of_working_day(b: Builder) -> time:
    return b.world.routing.hours.start


def tell_author(b: Builder) -> None:
    """Feedback asked by a leader on a caseworker's report (memo 8.2.2): the
    caseworker who wrote it hears of it now, and gets the feedback too."""
    author = b.snap.details.get("author_id")
    if b.snap.type is RequestType.FEEDBACK and author and int(author) != b.snap.requester_id:
        d = b.snap.details
        params = {"name_person": b.snap.requester_id, "id": b.snap.id, "case_ref": d.get("case_ref", "–"),
                  "deadline_day": d.get("deadline")}
        b.send(Notice(int(author), "req.feedback.author_told", params, once=f"author:{b.snap.id}"))


def arm_feedback_reminder(b: Builder) -> None:
    """One working day before the deadline, at the start of the working day."""
    deadline = b.snap.details.get("deadline")
    if not deadline:
        return
    cal = b.world.calendar
    day = datetime.fromisoformat(deadline).date()
    due = cal.at_local(cal.working_days_before(day, 1), _start_of_working_day(b))
    b.timer(FEEDBACK_REMINDER, due, stale_after=cal.day_end(day))


def deliver_feedback(b: Builder, event: DeliverFeedback) -> Transition:
    b.move(RequestState.COMPLETED, completed_at=b.now)
    b.set_details(feedback={"ratings": dict(event.ratings), "overall": event.overall,
                            "labels": {k: dict(v) for k, v in event.labels.items() if k in event.ratings}})
    b.touched.add(event.person_id)
    b.cancel_timers()
    check_in.settle(b)
    b.note("feedback_delivered", actor_id=event.person_id)
    b.decide(f"request:{b.snap.id}:end", "feedback_delivered", event.person_id)
    b.send(FeedbackLetter())
    return b.freeze()


def same_proposal(b: Builder, event: ProposeTimes) -> bool:
    d = b.snap.details
    iso = [x.astimezone(UTC).isoformat() for x in event.times]
    return bool(d.get("proposed_times")) and list(d["proposed_times"]) == iso and not d.get("agreed_time")


def propose_times(b: Builder, event: ProposeTimes) -> Transition:
    cal = b.world.calendar
    if not event.times or any(not cal.is_working_time(x) or x <= b.now for x in event.times):
        return refused(Outcome.INVALID, "req.hour.not_working_time")
    previous = int(b.snap.details.get("proposal_round") or 0)
    iso = [x.astimezone(UTC).isoformat() for x in event.times]
    b.set_details(proposed_times=iso, agreed_time=None, proposal_round=previous + 1)
    b.cancel_timers(*HOUR_REMINDERS)  # of an earlier agreed time
    b.touched.add(event.person_id)
    b.note("times_proposed", actor_id=event.person_id, data={"times": iso})
    if previous:
        b.send(SyncProposal(previous))  # the earlier times can no longer be picked
    b.send(SyncProposal(previous + 1))
    return b.freeze()


def pick_time(b: Builder, event: PickTime) -> Transition:
    details = b.snap.details
    current = int(details.get("proposal_round") or 0)
    if event.round != current:
        return refused(Outcome.ALREADY_DECIDED, "req.hour.replaced")
    if details.get("agreed_time"):
        return refused(Outcome.ALREADY_DECIDED, "req.hour.already_picked", time_at=details["agreed_time"])
    proposed = details.get("proposed_times") or []
    if not 0 <= event.index < len(proposed):
        return refused(Outcome.INVALID, "req.notice.not_found", id=b.snap.id)
    agreed = datetime.fromisoformat(proposed[event.index])
    b.set_details(agreed_time=agreed.isoformat())
    b.touched.add(b.snap.assignee_id or 0)
    b.note("time_picked", actor_id=event.person_id, data={"time": agreed.isoformat()})
    b.decide(f"hour_time:{b.snap.id}:{current}", str(event.index), event.person_id)
    snap = b.snap
    for who, other in ((snap.requester_id, snap.assignee_id), (snap.assignee_id, snap.requester_id)):
        if who is not None:
            b.send(Notice(who, "req.hour.confirmed", {"time_at": agreed.isoformat(), "name_person": other,
                                                      "id": snap.id}))
    cal = b.world.calendar
    local_day = cal.local_date(agreed)
    day_before = cal.at_local(cal.working_days_before(local_day, 1), _start_of_working_day(b))
    b.timer(HOUR_REMINDER_DAY, day_before, stale_after=agreed)
    b.timer(HOUR_REMINDER_SOON, agreed - timedelta(minutes=15), stale_after=agreed)
    check_in.arm_after_pick(b, agreed)
    b.send(SyncProposal(current))
    return b.freeze()


def refer_external(b: Builder, event: ReferExternal) -> Transition:
    if b.snap.details.get("referred_external"):
        return refused(Outcome.ALREADY_DECIDED, "support.already_referred",
                       time_when=b.snap.details["referred_external"])
    b.set_details(referred_external=b.now.isoformat())
    b.touched.add(event.person_id)
    b.note("referred_external", actor_id=event.person_id)
    b.decide(f"support_refer:{b.snap.id}", "referred", event.person_id)
    services = "\n".join(f"• {line}" for line in b.world.external_support) or "–"
    b.send(Notice(b.snap.requester_id, "support.referred", {"name_person": event.person_id,
                                                           "services": services}))
    return b.freeze()


def remind(b: Builder, kind: str) -> Transition:
    """A reminder timer fired: only while the request is taken and not done."""
    snap = b.snap
    if snap.state is not RequestState.ACCEPTED or snap.assignee_id is None:
        return Transition()
    d = snap.details
    if kind == FEEDBACK_REMINDER and d.get("deadline"):
        b.send(Notice(snap.assignee_id, "req.feedback.reminder",
                      {"id": snap.id, "case_ref": d.get("case_ref", ""), "deadline_day": d["deadline"]}))
    elif kind in HOUR_REMINDERS and d.get("agreed_time"):
        key = "req.hour.reminder_day" if kind == HOUR_REMINDER_DAY else "req.hour.reminder_soon"
        for who, other in ((snap.requester_id, snap.assignee_id), (snap.assignee_id, snap.requester_id)):
            b.send(Notice(who, key, {"time_clock": d["agreed_time"], "when_day": d["agreed_time"],
                                     "name_person": other, "id": snap.id}))
    else:
        return Transition()
    return b.freeze(sync=False)


def purge_note(b: Builder) -> Transition:
    """Support: the requester's words go after the retention period; the request
    (a count in the reports) stays."""
    snap = b.snap
    if snap.type is not RequestType.SUPPORT or (not snap.description and snap.details.get("note_purged_at")):
        return Transition()
    details = {k: v for k, v in snap.details.items() if k not in SUPPORT_PRIVATE_DETAILS}
    b.change["details"] = {**details, "note_purged_at": b.now.isoformat()}
    b.change["description"] = ""
    b.redact.update(SUPPORT_PRIVATE_DETAILS)
    b.note("note_purged")
    if snap.assignee_id is not None:
        b.touched.add(snap.assignee_id)
    return b.freeze()
