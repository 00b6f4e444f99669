"""The request lifecycle's transitions, per request type, as pure steps: each
test plays events on an in-memory request and reads the transitions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.requests import OfferState, RequestState, RequestType
from bot.domain.results import Outcome
from bot.lifecycle.model import (
    Accept,
    Cancel,
    CancelTimers,
    Complete,
    Decline,
    DeliverFeedback,
    FeedbackLetter,
    FireTimer,
    GroupIntro,
    Notice,
    PickTime,
    ProposeTimes,
    PurgeNote,
    ReferExternal,
    StartOffering,
    SyncOffers,
    SyncProposal,
    SyncStatus,
    TimeOut,
)
from bot.routing_types import AbsenceInfo, Reason
from tests.unit.lifecycle_kit import (
    BFK,
    CAL,
    IFK_A,
    IFK_B,
    IFK_C,
    IFR_1,
    IFR_2,
    LEADER_B,
    REQUESTER,
    WEDNESDAY_10,
    Store,
    available,
    new_request,
    submit_event,
    world,
)

T0 = WEDNESDAY_10


def live(**kw) -> Store:
    store = Store(new_request(RequestType.LIVE), world(**kw))
    store.do(submit_event(RequestType.LIVE), T0)
    return store


def nothing_changed(tr) -> bool:
    return not tr.changes_anything


# --------------------------------------------------------------------- live


def test_live_goes_to_the_area_ifk_first_with_a_three_minute_deadline():
    store = Store(new_request(RequestType.LIVE), world())
    tr = store.do(submit_event(RequestType.LIVE), T0)
    assert tr.result.ok and tr.change["state"] is RequestState.OFFERED
    [offer] = tr.new_offers
    assert offer.person_id == IFK_B and offer.deadline_at == T0 + timedelta(seconds=180)
    assert [a.kind for a in tr.audit] == ["created", "routed", "offered"]
    assert tr.messages[:2] == (SyncStatus(), SyncOffers(frozenset({IFK_B})))
    assert [e.person_id for e in store.snap.chain][:1] == [IFK_B]


def test_a_decline_moves_to_the_next_and_a_decline_by_someone_else_changes_nothing():
    store = live()
    stranger = store.do(Decline(IFK_C), T0)
    assert stranger.result.outcome is Outcome.NOT_OFFERED and nothing_changed(stranger)
    tr = store.do(Decline(IFK_B), T0 + timedelta(seconds=10))
    assert tr.closes[0].state is OfferState.DECLINED
    assert [o.person_id for o in tr.new_offers] == [store.snap.chain[1].person_id]
    assert {d.key for d in tr.decisions} == {f"offer:{store.offer_of(IFK_B).id}"}
    again = store.do(Decline(IFK_B), T0 + timedelta(seconds=20))
    assert again.result.outcome is Outcome.ALREADY_DECIDED and nothing_changed(again)
    assert again.result.message_key == "req.notice.you_declined"


def test_the_first_timeout_of_live_offers_everyone_left_at_once_and_the_last_one_ends_it():
    store = live()
    first = store.snap.offers[0]
    early = store.do(TimeOut(first.id), T0 + timedelta(seconds=179))
    assert nothing_changed(early), "not due yet"
    tr = store.do(TimeOut(first.id), T0 + timedelta(seconds=180))
    assert tr.change["widened"] is True
    assert sorted(o.person_id for o in tr.new_offers) == sorted({IFK_A, IFK_C, BFK, IFR_1, IFR_2})
    late = T0 + timedelta(seconds=400)
    for offer in list(store.snap.open_offers):
        last = store.do(TimeOut(offer.id), late)
    assert last.change["state"] is RequestState.UNASSIGNED
    assert Notice(LEADER_B, "req.leader.unassigned",
                  {"type_key": "req.type.live", "name_person": REQUESTER, "area": "B", "id": 1},
                  once=f"exhausted:1:{LEADER_B}") in last.messages


def test_one_accept_wins_the_other_is_told_who_and_a_second_click_by_the_winner_is_nothing():
    store = live()
    store.do(TimeOut(store.snap.offers[0].id), T0 + timedelta(seconds=181))
    won = store.do(Accept(IFR_1), T0 + timedelta(seconds=200))
    assert won.change["state"] is RequestState.ACCEPTED and won.change["assignee_id"] == IFR_1
    assert {c.state for c in won.closes} == {OfferState.ACCEPTED, OfferState.WITHDRAWN}
    lost = store.do(Accept(IFR_2), T0 + timedelta(seconds=201))
    assert lost.result.outcome is Outcome.ALREADY_TAKEN and nothing_changed(lost)
    assert lost.result.params["name_person"] == IFR_1
    again = store.do(Accept(IFR_1), T0 + timedelta(seconds=202))
    assert again.result.ok and nothing_changed(again)


def test_only_the_requester_cancels_and_only_once():
    store = live()
    refused = store.do(Cancel(IFK_B), T0)
    assert refused.result.outcome is Outcome.NOT_REQUESTER and nothing_changed(refused)
    tr = store.do(Cancel(REQUESTER), T0 + timedelta(seconds=5))
    assert tr.change["state"] is RequestState.CANCELLED
    assert tr.closes[0].state is OfferState.WITHDRAWN and CancelTimers(None) in tr.timers
    twice = store.do(Cancel(REQUESTER), T0 + timedelta(seconds=6))
    assert twice.result.outcome is Outcome.FINAL and nothing_changed(twice)


def test_only_the_assignee_completes_and_a_second_click_is_nothing():
    store = live()
    store.do(Accept(IFK_B), T0)
    assert store.do(Complete(IFK_A), T0).result.outcome is Outcome.NOT_ASSIGNEE
    done = store.do(Complete(IFK_B), T0 + timedelta(minutes=30))
    assert done.change["state"] is RequestState.COMPLETED
    assert nothing_changed(store.do(Complete(IFK_B), T0 + timedelta(minutes=31)))


def test_live_outside_working_hours_goes_only_to_who_said_they_are_available():
    night = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
    store = Store(new_request(RequestType.LIVE), world(statuses=available(IFR_2)))
    tr = store.do(submit_event(RequestType.LIVE), night)
    assert [o.person_id for o in tr.new_offers] == [IFR_2]


def test_live_outside_working_hours_with_nobody_available_says_why():
    night = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
    store = Store(new_request(RequestType.LIVE), world())
    tr = store.do(submit_event(RequestType.LIVE), night)
    assert tr.change["state"] is RequestState.UNASSIGNED
    assert tr.change["details"]["exhausted_why"] == "outside_hours"


def test_an_unreachable_or_absent_ifk_is_skipped_and_the_timeline_says_why():
    absent = {IFK_A: (AbsenceInfo(CAL.local_date(T0), CAL.local_date(T0) + timedelta(days=3)),)}
    store = Store(new_request(RequestType.LIVE), world(unreachable=(IFK_B,), absences=absent))
    tr = store.do(submit_event(RequestType.LIVE), T0)
    skipped = {s["person_id"]: s["reason"] for s in tr.audit[1].data["skipped"]}
    assert skipped[IFK_B] == Reason.SKIP_UNREACHABLE.value and skipped[IFK_A] == Reason.SKIP_ABSENT.value
    assert tr.new_offers[0].person_id == IFK_C


def test_a_child_case_starts_with_the_bfk():
    store = Store(new_request(RequestType.LIVE), world())
    tr = store.do(submit_event(RequestType.LIVE, child=True), T0)
    assert tr.new_offers[0].person_id == BFK


# ------------------------------------------------------------------ feedback


def test_feedback_outside_working_hours_waits_for_the_morning_then_gets_a_working_day():
    evening = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # 18:00 in Oslo
    store = Store(new_request(RequestType.FEEDBACK, details={"deadline": "2026-12-04"}), world())
    tr = store.do(submit_event(RequestType.FEEDBACK), evening)
    assert tr.change["state"] is RequestState.NEW and not tr.new_offers
    morning = CAL.next_working_start(evening)
    [timer] = tr.timers
    assert timer.kind == "first_offer" and timer.due_at == morning
    start = store.do(StartOffering(), morning)
    assert start.new_offers[0].deadline_at == CAL.add_working_time(morning, 27900)


def test_feedback_accepted_arms_a_reminder_and_delivering_it_completes_once():
    store = Store(new_request(RequestType.FEEDBACK, details={"deadline": "2026-12-04"}), world())
    store.do(submit_event(RequestType.FEEDBACK), T0)
    accepted = store.do(Accept(IFK_B), T0)
    timer, check = accepted.timers
    assert timer.kind == "feedback_reminder"
    assert CAL.to_local(timer.due_at).strftime("%a %d.%m %H:%M") == "Thu 03.12 08:00"
    # and, if not delivered by then, the follow-up at the deadline (its working day's end)
    assert check.kind == "checkin_assignee"
    assert CAL.to_local(check.due_at).strftime("%a %d.%m %H:%M") == "Fri 04.12 15:45"
    tr = store.do(DeliverFeedback(IFK_B, {"c1": "good"}, "Bra", {"c1": {"nb": "K1", "en": "C1"}}), T0)
    assert tr.change["state"] is RequestState.COMPLETED and FeedbackLetter() in tr.messages
    assert tr.change["details"]["feedback"]["labels"] == {"c1": {"nb": "K1", "en": "C1"}}
    again = store.do(DeliverFeedback(IFK_B, {"c1": "good"}, "Bra"), T0)
    assert again.result.ok and nothing_changed(again)
    reminder = store.do(FireTimer("feedback_reminder"), T0 + timedelta(days=8))
    assert nothing_changed(reminder), "no reminder for feedback already delivered"


# ---------------------------------------------------------------------- hour


def hour_store() -> Store:
    store = Store(new_request(RequestType.HOUR), world())
    store.do(submit_event(RequestType.HOUR), T0)
    store.do(Accept(IFK_B), T0)
    return store


MONDAY_13 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("when", [
    datetime(2026, 11, 28, 11, 0, tzinfo=UTC),  # a Saturday
    datetime(2026, 11, 30, 17, 0, tzinfo=UTC),  # Monday 18:00
    datetime(2026, 11, 25, 8, 0, tzinfo=UTC),  # in the past
    datetime(2026, 12, 25, 10, 0, tzinfo=UTC),  # Christmas Day
])
def test_proposed_times_must_be_working_time_in_the_future(when):
    store = hour_store()
    tr = store.do(ProposeTimes(IFK_B, (when,)), T0)
    assert tr.result.outcome is Outcome.INVALID and nothing_changed(tr)


def test_picking_a_time_decides_the_round_and_arms_reminders_that_expire():
    store = hour_store()
    proposed = store.do(ProposeTimes(IFK_B, (MONDAY_13, MONDAY_13 + timedelta(hours=1))), T0)
    assert SyncProposal(1) in proposed.messages
    assert nothing_changed(store.do(ProposeTimes(IFK_B, (MONDAY_13, MONDAY_13 + timedelta(hours=1))), T0))
    assert store.do(PickTime(IFK_B, 1, 0), T0).result.outcome is Outcome.NOT_REQUESTER
    picked = store.do(PickTime(REQUESTER, 1, 1), T0)
    assert picked.result.ok and [d.key for d in picked.decisions] == ["hour_time:1:1"]
    day, soon, check = sorted(picked.timers, key=lambda x: x.due_at)
    assert check.kind == "checkin_assignee" and check.due_at == MONDAY_13 + timedelta(hours=2)  # + 60 min
    assert CAL.to_local(day.due_at).strftime("%a %d.%m %H:%M") == "Fri 27.11 08:00"  # the working day before
    agreed = MONDAY_13 + timedelta(hours=1)
    assert soon.due_at == agreed - timedelta(minutes=15) and soon.stale_after == agreed
    assert {n.person_id for n in picked.messages if isinstance(n, Notice)} == {REQUESTER, IFK_B}
    again = store.do(PickTime(REQUESTER, 1, 0), T0)
    assert again.result.outcome is Outcome.ALREADY_DECIDED and nothing_changed(again)


def test_new_times_replace_the_old_ones_which_can_no_longer_be_picked():
    store = hour_store()
    store.do(ProposeTimes(IFK_B, (MONDAY_13,)), T0)
    renewed = store.do(ProposeTimes(IFK_B, (MONDAY_13 + timedelta(days=1),)), T0)
    assert SyncProposal(1) in renewed.messages and SyncProposal(2) in renewed.messages
    stale = store.do(PickTime(REQUESTER, 1, 0), T0)
    assert stale.result.message_key == "req.hour.replaced" and nothing_changed(stale)


# -------------------------------------------------------------------- support


def test_support_never_reaches_excluded_leaders_and_an_empty_chain_tells_only_the_requester():
    store = Store(new_request(RequestType.SUPPORT), world())
    excluded = frozenset({IFK_A, IFK_B, IFK_C, BFK, IFR_1, IFR_2})
    tr = store.do(submit_event(RequestType.SUPPORT, excluded=excluded), T0)
    assert tr.change["state"] is RequestState.UNASSIGNED
    notices = [m for m in tr.messages if isinstance(m, Notice)]
    assert [n.person_id for n in notices] == [REQUESTER] and notices[0].key == "support.exhausted"


def test_support_taken_puts_the_two_in_touch_and_refers_externally_once():
    store = Store(new_request(RequestType.SUPPORT), world())
    store.do(submit_event(RequestType.SUPPORT, preferred=IFR_2), T0)
    assert store.open_ids() == [IFR_2]
    accepted = store.do(Accept(IFR_2), T0)
    assert GroupIntro() in accepted.messages
    referred = store.do(ReferExternal(IFR_2), T0)
    assert any(isinstance(m, Notice) and m.key == "support.referred" for m in referred.messages)
    twice = store.do(ReferExternal(IFR_2), T0)
    assert twice.result.outcome is Outcome.ALREADY_DECIDED and nothing_changed(twice)


def test_purging_a_support_note_removes_the_words_and_keeps_the_request():
    store = Store(new_request(RequestType.SUPPORT, details={"note": "tungt", "urgency": "today"}), world())
    store.do(submit_event(RequestType.SUPPORT), T0)
    tr = store.do(PurgeNote(), T0 + timedelta(days=91))
    assert tr.change["description"] == "" and "note" not in tr.change["details"]
    assert tr.redact == frozenset({"note", "description"})
    assert nothing_changed(store.do(PurgeNote(), T0 + timedelta(days=92)))
