"""The routing policy: request facts + world + clock -> an ordered chain with reasons.

Pure: no database, no Slack, no clock other than the ``now`` passed in. The
service loads a :class:`~bot.routing_types.World`, calls :func:`route`, freezes
the chain on the request and, at each offer, re-checks the next entry with
:func:`is_available` (people change status between routing and their turn).

Rules (SPEC §2–§4):

* live / feedback / hour: area IFK -> other IFKs -> IFRs; with a child involved
  the BFK comes first. In the unit model (``world.org.scope`` "unit", UDI
  2016-018) the requester's unit's IFK comes first, then the other IFKs of the
  area, then the rest; the BFK stands as the coordinator of their home unit.
  A requester in a unit outside the network (Dublin) gets the area's chain.
  ``hour`` puts the person the requester picked first.
  Live supervision without a child has the BFK after the IFKs, before the IFRs:
  memo 8.2.1 lets "andre koordinatorer" stand in when the area's IFK cannot.
* support: the picked person first (if any), then a pool of every other IFK, BFK
  and IFR; never anyone in ``excluded_person_ids`` (the requester's own leaders).
* Role holdings count only on days they are valid (Europe/Oslo date of ``now``)
  and only for active people.
* A substitute designated for a holder for today stands in, in the same tier:
  for an absent holder (who is skipped), and beside a present one at a time of
  increased need (memo §3, "ved økt behov"), sharing by workload. Not for a
  picked person: the requester chose *them*.
* Skipped and recorded: the requester, absent, away, busy, outside working
  hours (except ``live`` with an explicit, unexpired "available" status),
  excluded, and anyone already placed earlier in the chain.
* Capacity: with ``world.weekly_max`` set, nobody is offered a routed request
  (not support) once they have accepted their weekly cap
  (:func:`bot.domain.organisation.weekly_cap`): skipped as at capacity.
* Within a tier: fewest open assignments weighed by share of position (open /
  share; no share counts as 100 %), then least recently assigned (never
  assigned first), then person id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from functools import lru_cache

from bot.calendar import WorkingCalendar
from bot.domain.organisation import weekly_cap
from bot.domain.requests import ROUTED_TYPES, AvailabilityStatus, RequestType
from bot.domain.roles import BFK_HOME_AREA, Role, in_force
from bot.routing_types import (
    AbsenceInfo,
    Chain,
    ChainEntry,
    PersonInfo,
    Reason,
    RequestFacts,
    RoleHolding,
    Skipped,
    StatusInfo,
    Tier,
    WorkingHours,
    World,
)

#: Roles that can be offered a routed request.
COORDINATOR_ROLES = frozenset({Role.IFK, Role.BFK, Role.IFR})

#: Tier order per request type; every chain's tiers are non-decreasing in it.
TIER_SEQUENCE: dict[RequestType, tuple[Tier, ...]] = {
    RequestType.LIVE: (Tier.BFK, Tier.UNIT_IFK, Tier.AREA_IFK, Tier.OTHER_IFK, Tier.OTHER_COORDINATOR,
                       Tier.IFR),
    RequestType.FEEDBACK: (Tier.BFK, Tier.UNIT_IFK, Tier.AREA_IFK, Tier.OTHER_IFK, Tier.IFR),
    RequestType.HOUR: (Tier.PREFERRED, Tier.BFK, Tier.UNIT_IFK, Tier.AREA_IFK, Tier.OTHER_IFK, Tier.IFR),
    RequestType.SUPPORT: (Tier.PREFERRED, Tier.POOL),
}

#: Types whose ``preferred_person_id`` is honoured.
_PREFERRED_TYPES = frozenset({RequestType.HOUR, RequestType.SUPPORT})

_NEVER = datetime.min.replace(tzinfo=UTC)


@lru_cache(maxsize=16)
def calendar_for(hours: WorkingHours) -> WorkingCalendar:
    return WorkingCalendar(hours)


# --- small facts about one person -------------------------------------------------


def holding_valid(holding: RoleHolding, day: date) -> bool:
    """Valid on ``day``; both ends inclusive, ``None`` = open."""
    return in_force(holding.valid_from, holding.valid_to, day)


def _holding_area(holding: RoleHolding, person: PersonInfo) -> str | None:
    return holding.area if holding.area is not None else person.area


def valid_holdings(person: PersonInfo, role: Role, day: date) -> list[RoleHolding]:
    """``person``'s holdings of ``role`` that count on ``day`` (none if inactive)."""
    if not person.active:
        return []
    return [h for h in person.roles if h.role is role and holding_valid(h, day)]


def absence_end(absences: Iterable[AbsenceInfo], day: date) -> date | None:
    """Last day of the absence covering ``day`` (joining back-to-back periods), or None."""
    periods = list(absences)
    covering = [a.ends_on for a in periods if a.starts_on <= day <= a.ends_on]
    if not covering:
        return None
    end = max(covering)
    extended = True
    while extended:
        extended = False
        for a in periods:
            if a.starts_on <= end + timedelta(days=1) and a.ends_on > end:
                end = a.ends_on
                extended = True
    return end


def active_status(world: World, person_id: int, now: datetime) -> StatusInfo | None:
    """The person's status if it still holds (``until`` unset or in the future)."""
    status = world.statuses.get(person_id)
    if status is None:
        return None
    if status.until is not None and status.until <= now:
        return None
    return status


def _format_until(until: datetime | None, now: datetime, cal: WorkingCalendar) -> str:
    if until is None:
        return ""
    local = cal.to_local(until)
    if local.date() == cal.local_date(now):
        return local.strftime("%H:%M")
    return local.strftime("%d.%m %H:%M")


def unavailability(
    person_id: int, world: World, now: datetime, type: RequestType
) -> tuple[Reason, dict[str, str]] | None:
    """Why ``person_id`` cannot be offered a request of ``type`` at ``now``, with params.

    ``None`` means they can. Does not know the requester or exclusions; those are
    facts of the request, checked by :func:`route`.
    """
    cal = calendar_for(world.hours)
    person = world.people.get(person_id)
    if person is None or not person.active:
        return Reason.SKIP_INACTIVE, {}
    if not person.reachable:
        return Reason.SKIP_UNREACHABLE, {"why": person.unreachable_why} if person.unreachable_why else {}
    today = cal.local_date(now)
    end = absence_end(world.absences.get(person_id, ()), today)
    if end is not None:
        return Reason.SKIP_ABSENT, {"until": end.strftime("%d.%m")}
    status = active_status(world, person_id, now)
    if status is not None and status.status is AvailabilityStatus.AWAY:
        return Reason.SKIP_AWAY, {"until": _format_until(status.until, now, cal)}
    if status is not None and status.status is AvailabilityStatus.BUSY:
        return Reason.SKIP_BUSY, {"until": _format_until(status.until, now, cal)}
    if not cal.is_working_time(now):
        explicitly_available = status is not None and status.status is AvailabilityStatus.AVAILABLE
        if not (type is RequestType.LIVE and explicitly_available):
            return Reason.SKIP_OUTSIDE_HOURS, {}
    return at_capacity(person, world, type)


def at_capacity(person: PersonInfo, world: World, type: RequestType) -> tuple[Reason, dict[str, str]] | None:
    """Skipped when they have accepted their weekly cap of routed tasks (support never counts)."""
    cap = weekly_cap(world.weekly_max, person.share)
    if cap is None or type is RequestType.SUPPORT:
        return None
    count = world.week_counts.get(person.id, 0)
    if count < cap:
        return None
    return Reason.SKIP_AT_CAPACITY, {"count": str(count), "cap": str(cap)}


def is_available(person_id: int, world: World, now: datetime, type: RequestType) -> Reason | None:
    """``None`` if ``person_id`` can be offered now, else the skip reason."""
    found = unavailability(person_id, world, now, type)
    return None if found is None else found[0]


# --- building the chain -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Candidate:
    person_id: int
    reason: Reason
    params: dict[str, str]
    standing_in: bool = False


@dataclass(frozen=True, slots=True)
class _Slot:
    """A role holder in a tier, before substitution and availability."""

    person_id: int
    reason: Reason
    params: dict[str, str]
    area: str | None


class _Router:
    def __init__(self, facts: RequestFacts, world: World, now: datetime) -> None:
        self.facts = facts
        self.world = world
        self.now = now
        self.cal = calendar_for(world.hours)
        self.today = self.cal.local_date(now)
        self.entries: list[ChainEntry] = []
        self.skipped: list[Skipped] = []
        self._entered: set[int] = set()
        self._explained: set[int] = set()

    # holders ------------------------------------------------------------------
    def _holders(self, role: Role) -> Iterator[tuple[PersonInfo, RoleHolding]]:
        for pid in sorted(self.world.people):
            person = self.world.people[pid]
            for holding in valid_holdings(person, role, self.today):
                yield person, holding
                break

    def _ifk_slots(self, own_area: bool, unit: int | None = None) -> list[_Slot]:
        """The IFKs of the request's area (``own_area``) or of the others; in the
        unit model the IFK of ``unit`` is left out (their own tier comes first)."""
        slots: list[_Slot] = []
        seen: set[int] = set()
        for pid in sorted(self.world.people):
            person = self.world.people[pid]
            if unit is not None and person.unit_id == unit:
                continue
            for holding in valid_holdings(person, Role.IFK, self.today):
                area = _holding_area(holding, person)
                if (area == self.facts.area) != own_area or pid in seen:
                    continue
                seen.add(pid)
                reason = Reason.AREA_IFK if own_area else Reason.OTHER_IFK
                slots.append(_Slot(pid, reason, {"area": area or ""}, area))
        return slots

    def _requester_unit(self) -> int | None:
        """Unit model: the requester's unit, when it is in the network and in the
        request's area (someone asking for another area gets that area's chain)."""
        org = self.world.org
        unit = self.world.units_of.get(self.facts.requester_id)
        if not org.unit_scope or unit is None or not org.in_network(unit):
            return None
        if org.unit_areas.get(unit, self.facts.area) != self.facts.area:
            return None
        return unit

    def _unit_slots(self, unit: int) -> list[_Slot]:
        """The requester's own unit's coordinator: its IFK; the BFK when it is the BFK's home."""
        org = self.world.org
        code = org.unit_codes.get(unit, "")
        slots = [_Slot(p.id, Reason.UNIT_IFK, {"unit": code}, _holding_area(h, p))
                 for p, h in self._holders(Role.IFK) if p.unit_id == unit]
        if not self.facts.child_involved and org.bfk_home_unit == unit:
            slots += [_Slot(p.id, Reason.UNIT_BFK, {"unit": code}, _holding_area(h, p) or org.bfk_area)
                      for p, h in self._holders(Role.BFK)]
        return slots

    def _bfk_slots(self, reason: Reason = Reason.BFK_CHILD) -> list[_Slot]:
        return [
            _Slot(p.id, reason, {}, _holding_area(h, p) or self.world.org.bfk_area or BFK_HOME_AREA)
            for p, h in self._holders(Role.BFK)
        ]

    def _ifr_slots(self) -> list[_Slot]:
        return [_Slot(p.id, Reason.IFR, {}, _holding_area(h, p)) for p, h in self._holders(Role.IFR)]

    def _pool_slots(self) -> list[_Slot]:
        slots: dict[int, _Slot] = {}
        for role in (Role.IFK, Role.BFK, Role.IFR):
            for person, holding in self._holders(role):
                if person.id not in slots:
                    slots[person.id] = _Slot(person.id, Reason.POOL, {}, _holding_area(holding, person))
        return list(slots.values())

    def _is_coordinator(self, person_id: int) -> bool:
        person = self.world.people.get(person_id)
        return person is not None and any(
            valid_holdings(person, role, self.today) for role in COORDINATOR_ROLES
        )

    # tiers ----------------------------------------------------------------------
    def tiers(self) -> Iterator[tuple[Tier, list[_Slot]]]:
        facts = self.facts
        if facts.type in _PREFERRED_TYPES and facts.preferred_person_id is not None:
            pid = facts.preferred_person_id
            person = self.world.people.get(pid)
            yield Tier.PREFERRED, [_Slot(pid, Reason.PREFERRED, {}, person.area if person else None)]
        if facts.type is RequestType.SUPPORT:
            yield Tier.POOL, self._pool_slots()
            return
        if facts.child_involved:
            yield Tier.BFK, self._bfk_slots()
        unit = self._requester_unit()
        if unit is not None:
            yield Tier.UNIT_IFK, self._unit_slots(unit)
        yield Tier.AREA_IFK, self._ifk_slots(own_area=True, unit=unit)
        yield Tier.OTHER_IFK, self._ifk_slots(own_area=False, unit=unit)
        if facts.type is RequestType.LIVE and not facts.child_involved:
            yield Tier.OTHER_COORDINATOR, self._bfk_slots(Reason.BFK_FALLBACK)
        yield Tier.IFR, self._ifr_slots()

    # substitution ----------------------------------------------------------------
    def _substitutes_for(self, slot: _Slot) -> list[_Candidate]:
        absent = self.world.people.get(slot.person_id)
        name = absent.name if absent is not None else ""
        found = [
            s
            for s in self.world.substitutes
            if s.absent_person_id == slot.person_id and s.starts_on <= self.today <= s.ends_on
        ]
        # The most recently designated first; person id breaks ties.
        found.sort(key=lambda s: (-s.starts_on.toordinal(), s.substitute_person_id))
        params = {"name": name, "area": slot.area or ""}
        return [_Candidate(s.substitute_person_id, Reason.SUBSTITUTE_FOR, dict(params), True) for s in found]

    def _expand(self, tier: Tier, slots: list[_Slot]) -> list[_Candidate]:
        candidates: list[_Candidate] = []
        for slot in slots:
            candidates.append(_Candidate(slot.person_id, slot.reason, slot.params))
            if tier is Tier.PREFERRED or slot.person_id in self.facts.excluded_person_ids:
                continue
            candidates.extend(self._substitutes_for(slot))  # absent, or at a time of increased need
        return candidates

    def _load_key(self, person_id: int) -> tuple[Fraction, datetime, int]:
        """Open work weighed by share of position: 2 open at 30 % weigh more than 4 at 75 %."""
        last = self.world.last_assigned.get(person_id, _NEVER)
        person = self.world.people.get(person_id)
        share = (person.share if person is not None else None) or 100
        return (Fraction(self.world.open_assignments.get(person_id, 0), share), last, person_id)

    # classification --------------------------------------------------------------
    def _skip_reason(self, tier: Tier, person_id: int) -> tuple[Reason, dict[str, str]] | None:
        if person_id == self.facts.requester_id:
            return Reason.SKIP_REQUESTER, {}
        if person_id in self.facts.excluded_person_ids:
            return Reason.SKIP_EXCLUDED, {}
        if tier is Tier.PREFERRED and not self._is_coordinator(person_id):
            # Picked someone who no longer holds (or never held) an IFK/BFK/IFR role.
            return Reason.SKIP_INACTIVE, {}
        return unavailability(person_id, self.world, self.now, self.facts.type)

    def add_tier(self, tier: Tier, slots: list[_Slot]) -> None:
        candidates = self._expand(tier, slots)
        # A person's own holding precedes their standing in for someone else.
        candidates.sort(key=lambda c: (*self._load_key(c.person_id), c.standing_in))
        for cand in candidates:
            pid = cand.person_id
            if pid in self._entered:
                self.skipped.append(Skipped(pid, tier, Reason.SKIP_DUPLICATE, {}))
                continue
            if pid in self._explained:
                continue  # already skipped for a reason that does not depend on the tier
            found = self._skip_reason(tier, pid)
            if found is not None:
                reason, params = found
                self.skipped.append(Skipped(pid, tier, reason, params))
                self._explained.add(pid)
                continue
            self.entries.append(ChainEntry(pid, tier, cand.reason, dict(cand.params)))
            self._entered.add(pid)

    def run(self) -> Chain:
        for tier, slots in self.tiers():
            self.add_tier(tier, slots)
        return Chain(entries=tuple(self.entries), skipped=tuple(self.skipped))


def route(facts: RequestFacts, world: World, now: datetime) -> Chain:
    """The ordered chain of candidates for ``facts`` at ``now``, with who was skipped and why.

    Outside working hours every candidate except (for ``live``) the explicitly
    available ones is skipped; a service that wants to queue a ``feedback`` or
    ``hour`` request for the morning routes at ``calendar.next_working_start(now)``.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    if facts.type not in ROUTED_TYPES:
        raise ValueError(f"request type {facts.type} is not routed")
    return _Router(facts, world, now).run()
