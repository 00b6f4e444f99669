"""Sitting in on an interview (issue 15) as pure lifecycle steps: routed like
a supervision hour, both reminded before the interview, followed up by the
coordinator in one step that completes it and names the follow-up, which is
the coordinator's from the start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.requests import OfferState, RequestState, RequestType
from bot.domain.results import Outcome
from bot.lifecycle.check_in import CHECK_ASSIGNEE
from bot.lifecycle.model import (
    Accept,
    Cancel,
    CancelTimers,
    FireTimer,
    FollowSitIn,
    Notice,
    OpenFollowUp,
    SyncOffers,
    SyncStatus,
)
from bot.lifecycle.sit_in import AFTER, EXPIRE, REMINDER_DAY, REMINDER_SOON, follow_up_details
from bot.routing_types import Reason, Tier
from tests.unit.lifecycle_kit import (
    BFK,
    CAL,
    IFK_B,
    IFK_C,
    REQUESTER,
    WEDNESDAY_10,
    Store,
    new_request,
    submit_event,
    world,
)

T0 = WEDNESDAY_10  # Wednesday 25 Nov 2026, 10:00 Oslo
#: The interview: Friday 27 Nov 13:00 Oslo.
INTERVIEW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
DETAILS = {"interview_at": INTERVIEW.isoformat(), "room": "Rom 4", "child_kinds": []}


def sit_in(*, child: bool = False) -> Store:
    store = Store(new_request(RequestType.SIT_IN, details=dict(DETAILS)), world())
    store.do(submit_event(RequestType.SIT_IN, child=child, details=dict(DETAILS)), T0)
    return store


def accepted() -> Store:
    store = sit_in()
    assert store.do(Accept(IFK_B), T0 + timedelta(minutes=5)).result.ok
    return store


def test_a_sit_in_is_routed_and_timed_like_a_supervision_hour():
    hour = Store(new_request(RequestType.HOUR), world())
    hour.do(submit_event(RequestType.HOUR), T0)
    store = sit_in()
    def order(s: Store) -> list:
        return [(e.person_id, e.tier) for e in s.snap.chain]

    assert order(store) == order(hour) and len(order(store)) > 3
    [offer] = store.snap.offers
    assert offer.person_id == IFK_B and offer.reason is Reason.AREA_IFK
    assert offer.deadline_at == hour.snap.offers[0].deadline_at == CAL.add_working_time(T0, 27900)


def test_a_child_involved_puts_the_bfk_first():
    store = sit_in(child=True)
    assert store.snap.chain[0].person_id == BFK and store.snap.chain[0].tier is Tier.BFK
    assert store.open_ids() == [BFK]


def test_acceptance_sets_the_reminders_before_and_after_the_interview():
    store = accepted()
    day, soon, after = (store.timers[k] for k in (REMINDER_DAY, REMINDER_SOON, AFTER))
    assert day.due_at == datetime(2026, 11, 26, 7, 0, tzinfo=UTC)  # Thursday 08:00 Oslo, the day before
    assert soon.due_at == INTERVIEW - timedelta(minutes=15)
    assert soon.stale_after == INTERVIEW  # never sent once the interview has begun
    assert day.stale_after == datetime(2026, 11, 26, 14, 45, tzinfo=UTC)  # nor after Thursday's working day
    assert after.due_at == INTERVIEW + timedelta(minutes=120)
    assert CHECK_ASSIGNEE not in store.timers  # no "was the help given?" round for a sit-in


def test_accepted_after_the_day_before_began_only_the_later_reminders_are_set():
    store = sit_in()
    store.do(Accept(IFK_B), datetime(2026, 11, 26, 9, 0, tzinfo=UTC))  # Thursday 10:00
    assert REMINDER_DAY not in store.timers and {REMINDER_SOON, AFTER} <= set(store.timers)


def test_both_are_reminded_and_the_coordinator_is_asked_to_follow_up_after():
    store = accepted()
    tr = store.do(FireTimer(REMINDER_DAY), datetime(2026, 11, 26, 7, 0, tzinfo=UTC))
    notices = [m for m in tr.messages if isinstance(m, Notice)]
    assert [(n.person_id, n.key) for n in notices] == [(REQUESTER, "sit_in.reminder_day"),
                                                       (IFK_B, "sit_in.reminder_day")]
    assert notices[0].params["name_person"] == IFK_B and notices[0].params["room"] == "Rom 4"
    assert notices[0].params["time_clock"] == INTERVIEW.isoformat()
    tr = store.do(FireTimer(AFTER), INTERVIEW + timedelta(minutes=120))
    assert [(m.person_id, m.key) for m in tr.messages] == [(IFK_B, "sit_in.after")]


def test_only_the_coordinator_follows_up_and_only_once_the_interview_has_begun():
    store = accepted()
    early = store.do(FollowSitIn(IFK_B, RequestType.FEEDBACK, 7), INTERVIEW - timedelta(minutes=1))
    assert early.result.outcome is Outcome.INVALID and early.result.message_key == "sit_in.follow.too_early"
    other = store.do(FollowSitIn(IFK_C, RequestType.FEEDBACK, 7), INTERVIEW + timedelta(hours=1))
    assert other.result.outcome is Outcome.NOT_ASSIGNEE
    mine = store.do(FollowSitIn(REQUESTER, RequestType.HOUR, 7), INTERVIEW + timedelta(hours=1))
    assert mine.result.outcome is Outcome.NOT_ASSIGNEE
    assert not (early.changes_anything or other.changes_anything or mine.changes_anything)
    assert store.snap.state is RequestState.ACCEPTED


def test_following_up_completes_the_sit_in_and_names_the_follow_up():
    store = accepted()
    at = INTERVIEW + timedelta(hours=2)
    tr = store.do(FollowSitIn(IFK_B, RequestType.FEEDBACK, 7), at)
    assert tr.result.ok and tr.result.params == {"request_id": 7}
    assert store.snap.state is RequestState.COMPLETED and store.snap.completed_at == at
    assert store.snap.details["followed_by"] == {"kind": "feedback", "request_id": 7, "at": at.isoformat()}
    assert CancelTimers(None) in tr.timers and not store.timers
    assert [a.kind for a in tr.audit] == ["sit_in_followed"]
    assert store.decisions["request:1:end"].outcome == "followed_feedback"
    assert tr.messages[:2] == (SyncStatus(), SyncOffers(frozenset({IFK_B})))
    # the same click again: the same follow-up, nothing changes; the other kind is refused
    again = store.do(FollowSitIn(IFK_B, RequestType.FEEDBACK, 8), at + timedelta(minutes=1))
    assert again.result.ok and again.result.params == {"request_id": 7} and not again.changes_anything
    other = store.do(FollowSitIn(IFK_B, RequestType.HOUR, 8), at + timedelta(minutes=1))
    assert other.result.outcome is Outcome.ALREADY_DECIDED and other.result.params["id"] == 7
    assert other.result.params["kind_key"] == "req.type.feedback"


def test_a_reminder_after_the_sit_in_ended_sends_nothing():
    store = accepted()
    store.do(Cancel(REQUESTER), T0 + timedelta(hours=1))
    assert store.snap.state is RequestState.CANCELLED and not store.timers
    tr = store.do(FireTimer(REMINDER_SOON), INTERVIEW - timedelta(minutes=15))
    assert not tr.changes_anything


def test_a_sit_in_cannot_be_followed_up_with_anything_but_feedback_or_an_hour():
    store = accepted()
    tr = store.do(FollowSitIn(IFK_B, RequestType.LIVE, 7), INTERVIEW + timedelta(hours=1))
    assert tr.result.outcome is Outcome.NOT_FOUND and not tr.changes_anything


def test_the_follow_up_is_the_coordinators_at_once():
    sat = accepted()
    at = INTERVIEW + timedelta(hours=2)  # Friday 15:00
    details = follow_up_details(sat.snap, RequestType.FEEDBACK, CAL, at)
    assert details == {"sit_in_id": 1, "interview_at": INTERVIEW.isoformat(), "room": "Rom 4",
                       "child_kinds": [], "focus": [], "deadline": "2026-12-04"}  # five working days
    store = Store(new_request(RequestType.FEEDBACK, rid=7, details=details, created=at), world())
    tr = store.do(OpenFollowUp(1, IFK_B), at)
    assert store.snap.state is RequestState.ACCEPTED and store.snap.assignee_id == IFK_B
    [offer] = store.snap.offers
    assert offer.person_id == IFK_B and offer.state is OfferState.ACCEPTED and offer.answered_at == at
    assert [a.kind for a in tr.audit] == ["created", "follow_up_of_sit_in", "accepted"]
    assert store.decisions["request:7:taken"].actor_id == IFK_B
    assert tr.messages[:2] == (SyncStatus(), SyncOffers(frozenset({IFK_B})))
    assert not store.snap.chain  # nobody else is asked
    # reminded the working day before the deadline, as any feedback with one
    assert store.timers["feedback_reminder"].due_at == datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    # stepped again (a retry): nothing happens
    assert not store.do(OpenFollowUp(1, IFK_B), at).changes_anything


def test_an_hour_follow_up_waits_for_the_coordinators_times():
    sat = accepted()
    at = INTERVIEW + timedelta(hours=2)
    details = follow_up_details(sat.snap, RequestType.HOUR, CAL, at)
    assert "focus" not in details and "deadline" not in details
    store = Store(new_request(RequestType.HOUR, rid=8, details=details, created=at), world())
    store.do(OpenFollowUp(1, IFK_B), at)
    assert store.snap.state is RequestState.ACCEPTED
    # as for any hour taken: the coordinator is reminded if no times are proposed
    assert store.timers[CHECK_ASSIGNEE].due_at == CAL.add_working_time(at, 27900)


def test_a_leader_asking_for_a_caseworker_tells_and_reminds_the_caseworker_too():
    caseworker = 2
    details = {**DETAILS, "interviewer_id": caseworker, "interviewer_name": "P2"}
    store = Store(new_request(RequestType.SIT_IN, details=details), world())
    tr = store.do(submit_event(RequestType.SIT_IN, details=details), T0)
    [told] = [m for m in tr.messages if isinstance(m, Notice)]
    assert (told.person_id, told.key, told.params["name_person"]) == (caseworker, "sit_in.interviewer_told",
                                                                      REQUESTER)
    store.do(Accept(IFK_B), T0)
    tr = store.do(FireTimer(REMINDER_SOON), INTERVIEW - timedelta(minutes=15))
    assert [(m.person_id, m.params["name_person"]) for m in tr.messages] == [
        (REQUESTER, IFK_B), (IFK_B, caseworker), (caseworker, IFK_B)]
    tr = store.do(FireTimer(AFTER), INTERVIEW + timedelta(hours=2))
    assert [(m.person_id, m.params["name_person"]) for m in tr.messages] == [(IFK_B, caseworker)]


def test_a_sit_in_nobody_took_ends_when_the_interview_begins():
    store = sit_in()
    assert store.timers[EXPIRE].due_at == INTERVIEW
    late = store.do(Accept(IFK_B), INTERVIEW + timedelta(minutes=1))  # before the tick ran
    assert late.result.outcome is Outcome.FINAL and late.result.message_key == "sit_in.too_late"
    assert not late.changes_anything
    tr = store.do(FireTimer(EXPIRE), INTERVIEW + timedelta(minutes=1))
    assert store.snap.state is RequestState.UNASSIGNED
    assert [o.state for o in store.snap.offers] == [OfferState.WITHDRAWN]
    notices = [(m.person_id, m.key) for m in tr.messages if isinstance(m, Notice)]
    assert notices == [(REQUESTER, "sit_in.expired")]
    assert store.decisions["request:1:end"].outcome == "expired" and not store.timers


def test_a_taken_sit_in_does_not_expire():
    store = accepted()
    assert EXPIRE not in store.timers
    assert not store.do(FireTimer(EXPIRE), INTERVIEW).changes_anything
    assert store.snap.state is RequestState.ACCEPTED
