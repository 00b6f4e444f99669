"""A small directory, a world and an in-memory store for pure lifecycle tests:
``Store`` applies a transition to a snapshot the way ``bot.services.transitions``
writes it to the database (offer ids assigned, closes, changes), so sequences
of steps can be played without a database."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time
from typing import Any

from bot.calendar import WorkingCalendar
from bot.domain.requests import AvailabilityStatus, OfferState, RequestState, RequestType
from bot.domain.roles import Role
from bot.lifecycle import step
from bot.lifecycle.model import Event, OfferView, Snapshot, StepWorld, Submit, Timeout, Transition
from bot.routing_types import (
    AbsenceInfo,
    PersonInfo,
    RequestFacts,
    RoleHolding,
    StatusInfo,
    WorkingHours,
    World,
)

HOURS = WorkingHours(time(8, 0), time(15, 45))
CAL = WorkingCalendar(HOURS)

#: Wednesday 25 November 2026, 10:00 in Oslo.
WEDNESDAY_10 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

REQUESTER = 1  # a caseworker in area B
IFK_A, IFK_B, IFK_C, BFK, IFR_1, IFR_2 = 10, 11, 12, 13, 20, 21
LEADER_B, LEADER_A = 30, 31
COORDINATORS = (IFK_A, IFK_B, IFK_C, BFK, IFR_1, IFR_2)


def people(**unreachable: bool) -> dict[int, PersonInfo]:
    def p(pid: int, area: str | None, *roles: Role) -> PersonInfo:
        return PersonInfo(pid, f"P{pid}", area, None, tuple(RoleHolding(r, None) for r in roles),
                          reachable=not unreachable.get(f"p{pid}", False))

    return {IFK_A: p(IFK_A, "A", Role.IFK), IFK_B: p(IFK_B, "B", Role.IFK), IFK_C: p(IFK_C, "C", Role.IFK),
            BFK: p(BFK, "A", Role.BFK), IFR_1: p(IFR_1, None, Role.IFR), IFR_2: p(IFR_2, None, Role.IFR)}


def world(*, statuses: dict[int, StatusInfo] | None = None,
          absences: dict[int, tuple[AbsenceInfo, ...]] | None = None,
          unreachable: tuple[int, ...] = (), leaders: dict[str, tuple[int, ...]] | None = None) -> StepWorld:
    routing = World(people=people(**{f"p{u}": True for u in unreachable}), statuses=statuses or {},
                    absences=absences or {}, hours=HOURS)
    return StepWorld(
        routing=routing, calendar=CAL,
        timeouts={RequestType.LIVE: Timeout(180, False), RequestType.FEEDBACK: Timeout(27900, True),
                  RequestType.HOUR: Timeout(27900, True), RequestType.SUPPORT: Timeout(7200, False),
                  RequestType.SIT_IN: Timeout(27900, True)},
        leaders_by_area=leaders if leaders is not None else {"A": (LEADER_A,), "B": (LEADER_B,), "C": ()},
        fallback_leaders=(99,), external_support=("BHT",))


def available(*pids: int) -> dict[int, StatusInfo]:
    return {pid: StatusInfo(AvailabilityStatus.AVAILABLE, None) for pid in pids}


def new_request(type_: RequestType, *, rid: int = 1, details: dict[str, Any] | None = None,
                created: datetime = WEDNESDAY_10) -> Snapshot:
    return Snapshot(id=rid, type=type_, state=RequestState.NEW, version=0, requester_id=REQUESTER, area="B",
                    child_involved=False, description="x", details=details or {}, chain=(), cursor=0,
                    widened=False, assignee_id=None, accepted_at=None, completed_at=None, created_at=created)


def submit_event(type_: RequestType, *, child: bool = False, preferred: int | None = None,
                 excluded: frozenset[int] = frozenset(), details: dict[str, Any] | None = None) -> Submit:
    facts = RequestFacts(type=type_, area="B", child_involved=child, requester_id=REQUESTER,
                         preferred_person_id=preferred, excluded_person_ids=excluded)
    return Submit(facts, "x", details or {})


@dataclass
class Store:
    """One request, stepped and stored in memory."""

    snap: Snapshot
    world: StepWorld
    timers: dict[str, Any] = field(default_factory=dict)
    decisions: dict[str, Any] = field(default_factory=dict)
    log: list[Transition] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def do(self, event: Event, now: datetime) -> Transition:
        tr = step(self.snap, event, self.world, now)
        self.log.append(tr)
        if tr.result.ok and tr.changes_anything:
            self._apply(tr, now)
        return tr

    def _apply(self, tr: Transition, now: datetime) -> None:
        for d in tr.decisions:
            assert d.key not in self.decisions, f"decision {d.key} made twice"
            self.decisions[d.key] = d
        closes = {c.offer_id: c.state for c in tr.closes}
        offers = [replace(o, state=closes[o.id], answered_at=now) if o.id in closes and o.open else o
                  for o in self.snap.offers]
        offers += [OfferView(next(self._ids), o.person_id, o.tier, o.reason, dict(o.params), o.state,
                             now, o.deadline_at, None if o.state is OfferState.OPEN else now)
                   for o in tr.new_offers]
        change = dict(tr.change)
        self.snap = replace(self.snap, **change, version=self.snap.version + 1, offers=tuple(offers))
        for timer in tr.timers:
            kinds = getattr(timer, "kinds", None)
            if hasattr(timer, "due_at"):
                self.timers[timer.kind] = timer
            elif kinds is None:
                self.timers.clear()
            else:
                for kind in kinds:
                    self.timers.pop(kind, None)

    def offer_of(self, pid: int) -> OfferView | None:
        return self.snap.offer_to(pid)

    def open_ids(self) -> list[int]:
        return [o.person_id for o in self.snap.open_offers]
