"""The hand-over step (issue 12) as a pure function: someone who left or cannot
be reached gives up their part of a request, which moves on with its history."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.requests import OfferState, RequestState, RequestType
from bot.lifecycle.model import Accept, CancelTimers, HandOver, Notice, PickTime, ProposeTimes, SyncProposal
from tests.unit.lifecycle_kit import (
    IFK_A,
    IFK_B,
    IFK_C,
    REQUESTER,
    WEDNESDAY_10,
    Store,
    new_request,
    submit_event,
    world,
)

T0 = WEDNESDAY_10


def started(type_: RequestType = RequestType.FEEDBACK, **kw) -> Store:
    store = Store(new_request(type_, **kw), world())
    store.do(submit_event(type_), T0)
    return store


def test_an_open_offer_to_someone_who_left_moves_on_at_once():
    store = started()
    assert store.open_ids() == [IFK_B]
    tr = store.do(HandOver(IFK_B, "deactivated"), T0 + timedelta(minutes=1))
    assert store.offer_of(IFK_B).state is OfferState.SKIPPED
    assert len(store.open_ids()) == 1 and store.open_ids()[0] != IFK_B
    assert [a.kind for a in tr.audit] == ["handed_over", "offered"]
    assert tr.audit[0].data == {"why": "deactivated", "was": "offered"}
    assert store.snap.details["handovers"][0]["person_id"] == IFK_B
    # Someone with no part in it: nothing happens.
    assert not store.do(HandOver(99, "deactivated"), T0).changes_anything


def test_an_accepted_request_is_offered_again_and_its_follow_ups_end():
    store = started(details={"deadline": "2026-12-04"})
    store.do(Accept(IFK_B), T0)
    assert store.timers  # the feedback deadline's reminder
    store.decisions.pop(f"request:{store.snap.id}:taken")  # the service releases it in the same transaction
    tr = store.do(HandOver(IFK_B, "unreachable"), T0 + timedelta(hours=1))
    assert store.snap.state is RequestState.OFFERED and store.snap.assignee_id is None
    assert store.offer_of(IFK_B).state is OfferState.ACCEPTED  # the history stays as it was
    assert CancelTimers(None) in tr.timers and not store.timers
    nxt = store.open_ids()[0]
    assert nxt in (IFK_A, IFK_C)
    assert store.do(Accept(nxt), T0 + timedelta(hours=2)).result.ok
    assert store.snap.assignee_id == nxt


def test_agreed_times_of_an_hour_go_with_the_person_who_left():
    store = started(RequestType.HOUR)
    store.do(Accept(IFK_B), T0)
    store.do(ProposeTimes(IFK_B, (T0 + timedelta(days=1), T0 + timedelta(days=2))), T0)
    store.do(PickTime(REQUESTER, 1, 0), T0)
    store.decisions.pop(f"request:{store.snap.id}:taken")
    tr = store.do(HandOver(IFK_B, "deactivated"), T0 + timedelta(minutes=5))
    assert store.snap.details["agreed_time"] is None and store.snap.details["proposed_times"] is None
    assert SyncProposal(1) in tr.messages
    # The requester's old button picks nothing, now or once someone else has taken it.
    assert not store.do(PickTime(REQUESTER, 1, 0), T0 + timedelta(minutes=6)).result.ok
    nxt = store.open_ids()[0]
    store.do(Accept(nxt), T0 + timedelta(minutes=7))
    refused = store.do(PickTime(REQUESTER, 1, 0), T0 + timedelta(minutes=8))
    assert refused.result.message_key == "req.hour.replaced"


def test_a_support_conversation_is_not_passed_on_unasked():
    store = started(RequestType.SUPPORT)
    taker = store.open_ids()[0]
    store.do(Accept(taker), T0)
    tr = store.do(HandOver(taker, "deactivated"), T0 + timedelta(minutes=5))
    assert store.snap.state is RequestState.UNASSIGNED and store.open_ids() == []
    [notice] = [m for m in tr.messages if isinstance(m, Notice)]
    assert (notice.person_id, notice.key) == (REQUESTER, "handover.support_gone")
    assert notice.params["services"] == "• BHT"
