"""The follow-up of accepted work (``bot.lifecycle.check_in``) as pure steps: when
the assignee is reminded per type, when the requester is asked, and what Ja and
Nei do — including a second click and answers that come too late."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.requests import OfferState, RequestState, RequestType
from bot.domain.results import Outcome
from bot.lifecycle.check_in import ASK_REQUESTER, CHECK_ASSIGNEE
from bot.lifecycle.model import (
    Accept,
    AnswerHelp,
    AskHelp,
    Cancel,
    Complete,
    FireTimer,
    Notice,
    PickTime,
    ProposeTimes,
    SetTimer,
)
from tests.unit.lifecycle_kit import (
    CAL,
    IFK_A,
    IFK_B,
    REQUESTER,
    WEDNESDAY_10,
    Store,
    new_request,
    submit_event,
    world,
)

T0 = WEDNESDAY_10  # Wednesday 25.11.2026 10:00 Oslo


def taken(type_: RequestType, details: dict | None = None) -> Store:
    store = Store(new_request(type_, details=details), world())
    store.do(submit_event(type_, details=details), T0)
    assert store.do(Accept(IFK_B), T0).result.ok
    return store


def check_timer(store: Store) -> SetTimer:
    return store.timers[CHECK_ASSIGNEE]


def local(dt) -> str:
    return CAL.to_local(dt).strftime("%a %d.%m %H:%M")


def notices(tr) -> list[Notice]:
    return [m for m in tr.messages if isinstance(m, Notice)]


def test_live_is_checked_after_the_interview_is_expected_over():
    store = taken(RequestType.LIVE, {"room": "Rom 3", "start_time": "09:30"})
    # started 09:30, taken 10:00: expected over two hours after it was taken (the later of the two)
    assert local(check_timer(store).due_at) == "Wed 25.11 12:00"
    early = store.do(FireTimer(CHECK_ASSIGNEE), T0 + timedelta(hours=2))
    [reminder] = notices(early)
    assert reminder.person_id == IFK_B and reminder.key == "checkin.assignee.live"
    assert reminder.params["room"] == "Rom 3" and reminder.params["name_person"] == REQUESTER
    # the question comes one working day later, at Thursday 11:45 (working time)
    assert local(store.timers[ASK_REQUESTER].due_at) == "Thu 26.11 12:00"
    asked = store.do(FireTimer(ASK_REQUESTER), store.timers[ASK_REQUESTER].due_at)
    assert AskHelp(1) in asked.messages
    assert store.snap.details["help_asked"]["round"] == 1
    again = store.do(FireTimer(ASK_REQUESTER), store.timers[ASK_REQUESTER].due_at)
    assert not again.changes_anything, "asked once"


def test_feedback_is_checked_at_its_deadline_and_not_when_delivered():
    store = taken(RequestType.FEEDBACK, {"deadline": "2026-12-05", "case_ref": "26/01234"})  # a Saturday
    assert local(check_timer(store).due_at) == "Mon 07.12 08:00"  # the deadline's day is off: next morning
    done = taken(RequestType.FEEDBACK, {"deadline": "2026-12-04"})
    done.do(Complete(IFK_B), T0)
    assert not done.do(FireTimer(CHECK_ASSIGNEE), T0 + timedelta(days=10)).changes_anything


def test_an_hour_without_times_then_one_whose_time_has_passed():
    store = taken(RequestType.HOUR)
    assert local(check_timer(store).due_at) == "Thu 26.11 10:00"  # one working day
    tr = store.do(FireTimer(CHECK_ASSIGNEE), check_timer(store).due_at)
    assert [n.key for n in notices(tr)] == ["checkin.assignee.hour_propose"]
    # times proposed but not picked: the requester holds it, nobody is asked
    proposed = taken(RequestType.HOUR)
    monday = CAL.at_local(CAL.next_working_day(CAL.local_date(T0) + timedelta(days=4)), CAL.hours.start)
    proposed.do(ProposeTimes(IFK_B, (monday,)), T0)
    assert not proposed.do(FireTimer(CHECK_ASSIGNEE), T0 + timedelta(days=1)).changes_anything
    # picked: checked an hour after it began, not before
    proposed.do(PickTime(REQUESTER, 1, 0), T0)
    assert check_timer(proposed).due_at == monday + timedelta(hours=1)
    assert not proposed.do(FireTimer(CHECK_ASSIGNEE), monday - timedelta(hours=1)).changes_anything
    late = proposed.do(FireTimer(CHECK_ASSIGNEE), monday + timedelta(hours=1))
    assert [n.key for n in notices(late)] == ["checkin.assignee.hour_done"]


def asked(store: Store):
    store.do(FireTimer(CHECK_ASSIGNEE), check_timer(store).due_at)
    return store.do(FireTimer(ASK_REQUESTER), store.timers[ASK_REQUESTER].due_at)


def test_yes_completes_the_request_once():
    store = taken(RequestType.LIVE, {"start_time": "10:00"})
    asked(store)
    later = T0 + timedelta(days=2)
    assert store.do(AnswerHelp(IFK_B, 1, True), later).result.outcome is Outcome.NOT_REQUESTER
    yes = store.do(AnswerHelp(REQUESTER, 1, True), later)
    assert yes.result.ok and yes.change["state"] is RequestState.COMPLETED
    assert [d.key for d in yes.decisions] == ["help_came:1:1", "request:1:end"]
    assert [n.key for n in notices(yes)] == ["checkin.assignee.confirmed"]
    assert AskHelp(1) in yes.messages  # the question shows the answer in place
    for came in (True, False):  # a second click, on either button, changes nothing
        again = store.do(AnswerHelp(REQUESTER, 1, came), later + timedelta(minutes=1))
        assert again.result.outcome is Outcome.ALREADY_DECIDED and not again.changes_anything
        assert again.result.params["answer_key"] == "checkin.answer.yes"


def test_no_offers_it_again_to_someone_not_asked_before_keeping_the_history():
    store = taken(RequestType.FEEDBACK, {"deadline": "2026-11-27", "case_ref": "26/01234"})
    first_offer = store.offer_of(IFK_B)
    asked(store)
    at = CAL.add_working_time(store.timers[ASK_REQUESTER].due_at, 60)
    no = store.do(AnswerHelp(REQUESTER, 1, False), at)
    assert no.result.ok
    assert store.snap.state is RequestState.OFFERED and store.snap.assignee_id is None
    [offer] = no.new_offers
    assert offer.person_id == IFK_A  # the next IFK; Ola (who took it) is not asked again
    assert store.offer_of(IFK_B) == first_offer and first_offer.state is OfferState.ACCEPTED  # kept
    assert {a.kind for a in no.audit} >= {"help_came_no", "reopened", "offered"}
    assert [n.key for n in notices(no)] == ["checkin.assignee.moved_on"]
    assert store.snap.details["help_answers"][0]["came"] is False
    # Kari takes it: a new round, its own decision; the deadline has passed, so she is
    # checked a working day later, and the requester's question is round 2
    assert store.do(Accept(IFK_A), at).result.ok
    assert "request:1:taken:2" in store.decisions
    assert check_timer(store).due_at == CAL.add_working_time(at, 27900)
    store.do(FireTimer(CHECK_ASSIGNEE), check_timer(store).due_at)
    round2 = store.do(FireTimer(ASK_REQUESTER), store.timers[ASK_REQUESTER].due_at)
    assert AskHelp(2) in round2.messages
    stale = store.do(AnswerHelp(REQUESTER, 1, True), store.timers[ASK_REQUESTER].due_at)
    assert stale.result.outcome is Outcome.ALREADY_DECIDED  # round 1 was answered: no


def test_done_or_withdrawn_while_asked_the_question_says_so_and_cannot_be_answered():
    store = taken(RequestType.LIVE, {"start_time": "10:00"})
    asked(store)
    done = store.do(Complete(IFK_B), T0 + timedelta(days=2))
    assert AskHelp(1) in done.messages
    late = store.do(AnswerHelp(REQUESTER, 1, False), T0 + timedelta(days=2, minutes=5))
    assert late.result.outcome is Outcome.FINAL and not late.changes_anything
    gone = taken(RequestType.HOUR)
    asked(gone)
    withdrawn = gone.do(Cancel(REQUESTER), T0 + timedelta(days=3))
    assert AskHelp(1) in withdrawn.messages


def test_support_is_never_followed_up():
    store = Store(new_request(RequestType.SUPPORT), world())
    store.do(submit_event(RequestType.SUPPORT), T0)
    assert store.do(Accept(store.snap.open_offers[0].person_id), T0).result.ok
    assert CHECK_ASSIGNEE not in store.timers
    assert not store.do(FireTimer(ASK_REQUESTER), T0 + timedelta(days=3)).changes_anything
