"""Property tests of the lifecycle: random directories and availability (the
router's scenarios), random sequences of clicks and timeouts, and after every
step the invariants of SPEC §3 hold:

* one winner: at most one accepted offer per taking (a *Nei* to "Fikk du
  hjelpen?" offers it again, the earlier acceptance kept as history), and the
  assignee's is one of them;
* never the requester, and never anyone the world says is absent, away, busy,
  unreachable or outside their hours at the moment of the offer;
* nobody is offered the same request twice;
* every decision is made once;
* a chain always ends: with nobody accepting, every request reaches an end
  (unassigned) instead of waiting for ever on nobody.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.requests import OfferState, RequestState, RequestType
from bot.lifecycle.check_in import ASK_REQUESTER, CHECK_ASSIGNEE
from bot.lifecycle.model import (
    Accept,
    AnswerHelp,
    Cancel,
    Decline,
    FireTimer,
    StartOffering,
    StepWorld,
    Submit,
    TimeOut,
    Timeout,
)
from bot.routing import is_available
from bot.routing_types import PersonInfo
from tests.unit.lifecycle_kit import CAL, Store, new_request
from tests.unit.test_routing_properties import PROPS, scenarios

TIMEOUTS = {RequestType.LIVE: Timeout(180, False), RequestType.FEEDBACK: Timeout(27900, True),
            RequestType.HOUR: Timeout(27900, True), RequestType.SUPPORT: Timeout(7200, False)}

ACTIONS = st.lists(st.tuples(st.sampled_from(["accept", "decline", "timeout", "cancel", "follow_up", "answer",
                                              "nothing"]),
                             st.integers(0, 20)), max_size=25)
UNREACHABLE = st.lists(st.integers(1, 12), max_size=3)


def start(scenario, unreachable: list[int]) -> tuple[Store, object]:
    people = {pid: replace(p, reachable=pid not in unreachable) for pid, p in scenario.world.people.items()}
    routing = replace(scenario.world, people=people)
    world = StepWorld(routing=routing, calendar=CAL, timeouts=TIMEOUTS, leaders_by_area={},
                      fallback_leaders=(99,))
    snap = replace(new_request(scenario.facts.type), requester_id=scenario.facts.requester_id,
                   area=scenario.facts.area, child_involved=scenario.facts.child_involved)
    return Store(snap, world), Submit(scenario.facts, "x", {})


def check(store: Store, requester: int, now) -> None:
    snap = store.snap
    accepted = [o for o in snap.offers if o.state is OfferState.ACCEPTED]
    no_answers = [a for a in snap.details.get("help_answers", []) if not a["came"]]
    assert len(accepted) <= 1 + len(no_answers)
    if snap.state in (RequestState.ACCEPTED, RequestState.COMPLETED):
        assert accepted and snap.assignee_id in {o.person_id for o in accepted}
    if snap.state is RequestState.ACCEPTED:  # the latest taking is the assignee's
        assert max(accepted, key=lambda o: o.id).person_id == snap.assignee_id
    offered = [o.person_id for o in snap.offers]
    assert len(offered) == len(set(offered)), "someone was offered twice"
    assert requester not in offered
    tr = store.log[-1]
    for new in tr.new_offers:  # available and reachable at the moment of the offer
        person: PersonInfo = store.world.routing.people[new.person_id]
        assert person.reachable
        assert is_available(new.person_id, store.world.routing, now, snap.type) is None
    if snap.state is RequestState.OFFERED:
        assert snap.open_offers, "offered to nobody: the chain should have ended"


@PROPS
@given(scenarios(), ACTIONS, UNREACHABLE)
def test_invariants_hold_after_every_step(scenario, actions, unreachable):
    store, submit = start(scenario, unreachable)
    now = scenario.now
    store.do(submit, now)
    check(store, scenario.facts.requester_id, now)
    for action, pick in actions:
        now += timedelta(minutes=1)
        snap = store.snap
        people = sorted({o.person_id for o in snap.offers} | set(store.world.routing.people))
        who = people[pick % len(people)] if people else 1
        if action == "accept":
            store.do(Accept(who), now)
        elif action == "decline":
            store.do(Decline(who), now)
        elif action == "timeout" and snap.open_offers:
            offer = snap.open_offers[pick % len(snap.open_offers)]
            now = max(now, offer.deadline_at)
            store.do(TimeOut(offer.id), now)
        elif action == "cancel":
            store.do(Cancel(scenario.facts.requester_id if pick % 2 else who), now)
        elif action == "follow_up" and snap.state is RequestState.ACCEPTED:
            for kind in (CHECK_ASSIGNEE, ASK_REQUESTER):
                timer = store.timers.get(kind)
                if timer is not None:
                    now = max(now, timer.due_at)
                    store.do(FireTimer(kind), now)
        elif action == "answer":
            round_ = (snap.details.get("help_asked") or {}).get("round", 1)
            store.do(AnswerHelp(scenario.facts.requester_id if pick % 3 else who, round_, pick % 2 == 0), now)
        else:
            continue
        check(store, scenario.facts.requester_id, now)


@settings(PROPS)
@given(scenarios(), UNREACHABLE)
def test_a_chain_nobody_takes_always_ends(scenario, unreachable):
    store, submit = start(scenario, unreachable)
    now = scenario.now
    store.do(submit, now)
    for _ in range(200):
        snap = store.snap
        if snap.state is RequestState.NEW:  # waiting for the working day
            now = CAL.next_working_start(now)
            store.do(StartOffering(), now)
            continue
        if snap.state is not RequestState.OFFERED:
            break
        offer = snap.open_offers[0]
        now = max(now, offer.deadline_at)
        store.do(TimeOut(offer.id), now)
    assert store.snap.state is RequestState.UNASSIGNED
    assert len(store.snap.offers) <= len(store.snap.chain)
