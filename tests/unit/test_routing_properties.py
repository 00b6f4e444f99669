"""Property tests of the router on random directories, availability and clocks.

The availability oracle here is written independently of ``bot.routing`` so a
wrong skip rule in the router cannot agree with itself. Directories come in both
organisation shapes (issue 15: coordinators per area or per unit, units outside
the network) with shares of position and a weekly cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.calendar import WorkingCalendar
from bot.domain.organisation import OrgShape, Scope
from bot.domain.requests import AvailabilityStatus, RequestType
from bot.domain.roles import Role
from bot.routing import route
from bot.routing_types import (
    AbsenceInfo,
    Chain,
    PersonInfo,
    Reason,
    RequestFacts,
    RoleHolding,
    StatusInfo,
    SubstituteInfo,
    Tier,
    World,
)

OSLO = ZoneInfo("Europe/Oslo")
AREAS = ("A", "B", "C")
ROUTED = (RequestType.LIVE, RequestType.FEEDBACK, RequestType.HOUR, RequestType.SUPPORT)
SEQUENCE = {
    RequestType.LIVE: [Tier.BFK, Tier.UNIT_IFK, Tier.AREA_IFK, Tier.OTHER_IFK, Tier.OTHER_COORDINATOR,
                       Tier.IFR],
    RequestType.FEEDBACK: [Tier.BFK, Tier.UNIT_IFK, Tier.AREA_IFK, Tier.OTHER_IFK, Tier.IFR],
    RequestType.HOUR: [Tier.PREFERRED, Tier.BFK, Tier.UNIT_IFK, Tier.AREA_IFK, Tier.OTHER_IFK, Tier.IFR],
    RequestType.SUPPORT: [Tier.PREFERRED, Tier.POOL],
}
UNAVAILABLE = {
    Reason.SKIP_ABSENT,
    Reason.SKIP_AWAY,
    Reason.SKIP_BUSY,
    Reason.SKIP_OUTSIDE_HOURS,
    Reason.SKIP_INACTIVE,
}
PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class Scenario:
    facts: RequestFacts
    world: World
    now: datetime

    @property
    def cal(self) -> WorkingCalendar:
        return WorkingCalendar(self.world.hours)

    @property
    def today(self) -> date:
        return self.now.astimezone(OSLO).date()


# --- strategies -----------------------------------------------------------------------
# Built once: constructing strategies inside the composite costs more than drawing.

# Weeks around an ordinary Monday, mostly weekdays, so that most chains are not empty.
WEEKS = st.integers(-80, 80)
WEEKDAYS = st.sampled_from([0, 1, 2, 3, 4] * 3 + [5, 6])
HOURS = st.sampled_from([*range(8, 16)] * 4 + [*range(24)])  # mostly working hours
MINUTES = st.integers(0, 59)
VALIDITY = st.sampled_from([None, None, None, None, -3, -1, 0, 1, 3])  # days from today
AREA_OR_NONE = st.sampled_from((*AREAS, None))
ROLE_LISTS = st.lists(
    st.sampled_from([Role.IFK, Role.BFK, Role.IFR, Role.CASEWORKER, Role.AREA_LEADER]),
    max_size=3,
    unique=True,
)
ACTIVE = st.sampled_from([True] * 7 + [False])
STATUS = st.sampled_from(list(AvailabilityStatus))
UNTIL_MINUTES = st.one_of(st.none(), st.integers(-600, 600))
ABSENCE_START = st.integers(-10, 3)
ABSENCE_LENGTH = st.integers(0, 10)
SUB_START = st.integers(-5, 2)
SUB_LENGTH = st.integers(0, 6)
LOAD = st.integers(0, 3)
MINUTES_AGO = st.integers(1, 20_000)
PREFERRED_OR_NONE = st.one_of(st.none(), st.integers(1, 12))
#: Units 1–4 (area A, A, B, C); unit 4 is sometimes outside the network.
UNIT_AREAS = {1: "A", 2: "A", 3: "B", 4: "C"}
UNIT_OR_NONE = st.sampled_from([1, 1, 1, 2, 3, 4, None])
SCOPES = st.sampled_from([Scope.AREA, Scope.UNIT])
SHARE = st.sampled_from([None, None, 30, 75, 80])
WEEKLY_MAX = st.sampled_from([0, 0, 2, 5])
WEEK_COUNT = st.integers(0, 4)
REQUESTER = 999  # a caseworker, not in ``people``


@st.composite
def scenarios(draw) -> Scenario:
    day = date(2025, 6, 2) + timedelta(weeks=draw(WEEKS), days=draw(WEEKDAYS))
    hour, minute = draw(HOURS), draw(MINUTES)
    now = datetime(day.year, day.month, day.day, hour, minute, tzinfo=OSLO).astimezone(UTC)
    today = now.astimezone(OSLO).date()

    def maybe_day() -> date | None:
        offset = draw(VALIDITY)
        return None if offset is None else today + timedelta(days=offset)

    n = draw(st.integers(3, 12))
    pids = list(range(1, n + 1))
    some_pids = st.lists(st.sampled_from(pids), unique=True, max_size=max(1, n // 2))
    people: dict[int, PersonInfo] = {}
    org = OrgShape(scope=draw(SCOPES), bfk_home_unit=draw(st.sampled_from([None, 2])),
                   outside_units=frozenset(draw(st.sampled_from([(), (4,)]))),
                   unit_codes={u: f"U{u}" for u in UNIT_AREAS}, unit_areas=UNIT_AREAS)
    units_of: dict[int, int] = {}
    for pid in pids:
        unit = draw(UNIT_OR_NONE)
        holdings = []
        for role in draw(ROLE_LISTS):
            own_area = unit is not None and draw(st.booleans())
            role_area = None if role is Role.IFR else UNIT_AREAS[unit] if own_area else draw(AREA_OR_NONE)
            holdings.append(RoleHolding(role, role_area, maybe_day(), maybe_day()))
        if unit is not None:
            units_of[pid] = unit
        people[pid] = PersonInfo(pid, f"P{pid}", draw(AREA_OR_NONE), unit, tuple(holdings), draw(ACTIVE),
                                 share=draw(SHARE))
    requester_unit = draw(UNIT_OR_NONE)
    if requester_unit is not None:
        units_of[REQUESTER] = requester_unit
    statuses = {}
    for pid in draw(some_pids):
        minutes = draw(UNTIL_MINUTES)
        statuses[pid] = StatusInfo(
            draw(STATUS), None if minutes is None else now + timedelta(minutes=minutes)
        )
    absences = {}
    for pid in draw(some_pids):
        periods = []
        for _ in range(draw(st.integers(1, 2))):
            start = today + timedelta(days=draw(ABSENCE_START))
            periods.append(AbsenceInfo(start, start + timedelta(days=draw(ABSENCE_LENGTH))))
        absences[pid] = tuple(periods)
    substitutes = []
    # Mostly for people who have an absence, so that substitutes actually stand in.
    absent_pool = st.sampled_from(sorted(absences)) if absences else st.sampled_from(pids)
    for _ in range(draw(st.integers(0, 3))):
        absent = draw(st.one_of(absent_pool, st.sampled_from(pids)))
        start = today + timedelta(days=draw(SUB_START))
        substitutes.append(
            SubstituteInfo(
                absent, draw(st.sampled_from(pids)), start, start + timedelta(days=draw(SUB_LENGTH))
            )
        )
    world = World(
        people=people,
        statuses=statuses,
        absences=absences,
        substitutes=tuple(substitutes),
        open_assignments={pid: draw(LOAD) for pid in draw(some_pids)},
        last_assigned={pid: now - timedelta(minutes=draw(MINUTES_AGO)) for pid in draw(some_pids)},
        org=org,
        units_of=units_of,
        week_counts={pid: draw(WEEK_COUNT) for pid in draw(some_pids)},
        weekly_max=draw(WEEKLY_MAX),
    )
    type = draw(st.sampled_from(ROUTED))
    facts = RequestFacts(
        type=type,
        # mostly the area of the requester's unit, as the form suggests
        area=UNIT_AREAS[requester_unit] if requester_unit is not None and draw(st.booleans())
        else draw(st.sampled_from(AREAS)),
        child_involved=draw(st.booleans()),
        requester_id=draw(st.one_of(st.just(REQUESTER), st.sampled_from(pids))),
        preferred_person_id=draw(PREFERRED_OR_NONE),
        excluded_person_ids=frozenset(draw(st.lists(st.sampled_from(pids), max_size=2)))
        if type is RequestType.SUPPORT
        else frozenset(),
    )
    return Scenario(facts, world, now)


# --- an independent oracle -----------------------------------------------------------


def holds(s: Scenario, pid: int, role: Role) -> bool:
    p = s.world.people.get(pid)
    if p is None or not p.active:
        return False
    return any(
        h.role is role
        and (h.valid_from is None or h.valid_from <= s.today)
        and (h.valid_to is None or s.today <= h.valid_to)
        for h in p.roles
    )


def is_absent(s: Scenario, pid: int) -> bool:
    return any(a.starts_on <= s.today <= a.ends_on for a in s.world.absences.get(pid, ()))


def available(s: Scenario, pid: int) -> bool:
    p = s.world.people.get(pid)
    if p is None or not p.active or is_absent(s, pid):
        return False
    status = s.world.statuses.get(pid)
    live_status = status if status is not None and (status.until is None or status.until > s.now) else None
    if live_status is not None and live_status.status in (AvailabilityStatus.AWAY, AvailabilityStatus.BUSY):
        return False
    local = s.now.astimezone(OSLO)
    in_hours = s.cal.is_working_day(local.date()) and s.world.hours.start <= local.time() < s.world.hours.end
    if not in_hours and not (
        s.facts.type is RequestType.LIVE
        and live_status is not None
        and live_status.status is AvailabilityStatus.AVAILABLE
    ):
        return False
    return not at_cap(s, pid)


def at_cap(s: Scenario, pid: int) -> bool:
    """The weekly maximum for a full position, scaled by share (at least 1); never for support."""
    if s.world.weekly_max <= 0 or s.facts.type is RequestType.SUPPORT:
        return False
    share = s.world.people[pid].share or 100
    return s.world.week_counts.get(pid, 0) >= max(1, s.world.weekly_max * share // 100)


def requester_unit(s: Scenario) -> int | None:
    """The unit model's own-unit tier applies: the requester's unit, in the network, in the request's area."""
    unit = s.world.units_of.get(s.facts.requester_id)
    if s.world.org.scope is not Scope.UNIT or unit is None or unit in s.world.org.outside_units:
        return None
    return unit if UNIT_AREAS[unit] == s.facts.area else None


def relevant_roles(s: Scenario) -> set[Role]:
    # Live supervision reaches the BFK with or without a child (memo 8.2.1).
    if s.facts.type in (RequestType.SUPPORT, RequestType.LIVE) or s.facts.child_involved:
        return {Role.IFK, Role.BFK, Role.IFR}
    if requester_unit(s) is not None and requester_unit(s) == s.world.org.bfk_home_unit:
        return {Role.IFK, Role.BFK, Role.IFR}  # the BFK is the coordinator of their home unit
    return {Role.IFK, Role.IFR}


def relevant_holders(s: Scenario) -> set[int]:
    return {pid for pid in s.world.people if any(holds(s, pid, r) for r in relevant_roles(s))}


def standing_in(s: Scenario) -> set[int]:
    """Substitutes for relevant holders today, absent or not (increased need; not for excluded people)."""
    return {
        sub.substitute_person_id
        for sub in s.world.substitutes
        if sub.starts_on <= s.today <= sub.ends_on
        and sub.absent_person_id in relevant_holders(s)
        and sub.absent_person_id not in s.facts.excluded_person_ids
    }


def preferred(s: Scenario) -> int | None:
    if s.facts.type in (RequestType.HOUR, RequestType.SUPPORT):
        return s.facts.preferred_person_id
    return None


def run(s: Scenario) -> Chain:
    return route(s.facts, s.world, s.now)


# --- properties ----------------------------------------------------------------------


@PROPS
@given(scenarios())
def test_never_the_requester_nor_an_excluded_person(s):
    chain = run(s)
    assert s.facts.requester_id not in chain.person_ids
    assert not set(chain.person_ids) & s.facts.excluded_person_ids


@PROPS
@given(scenarios())
def test_never_anyone_unavailable(s):
    for pid in run(s).person_ids:
        assert available(s, pid), (pid, s.world.people[pid], s.world.statuses.get(pid), s.now)


@PROPS
@given(scenarios())
def test_no_person_twice(s):
    ids = run(s).person_ids
    assert len(ids) == len(set(ids))


@PROPS
@given(scenarios())
def test_child_cases_start_with_the_bfk(s):
    if s.facts.type is RequestType.SUPPORT or not s.facts.child_involved or preferred(s) is not None:
        return
    bfks = [
        pid
        for pid in s.world.people
        if holds(s, pid, Role.BFK) and pid != s.facts.requester_id and available(s, pid)
    ]
    chain = run(s)
    if bfks:
        first = chain.entries[0]
        assert first.tier is Tier.BFK
        assert first.person_id in bfks or first.reason is Reason.SUBSTITUTE_FOR


@PROPS
@given(scenarios())
def test_live_without_a_child_asks_the_bfk_after_every_ifk(s):
    if s.facts.type is not RequestType.LIVE or s.facts.child_involved:
        return
    tiers = [e.tier for e in run(s).entries]
    if Tier.OTHER_COORDINATOR in tiers:
        at = tiers.index(Tier.OTHER_COORDINATOR)
        assert not {Tier.UNIT_IFK, Tier.AREA_IFK, Tier.OTHER_IFK} & set(tiers[at:])
        assert Tier.BFK not in tiers


@PROPS
@given(scenarios())
def test_chains_end_with_the_ifrs(s):
    if s.facts.type is RequestType.SUPPORT:
        return
    tiers = [e.tier for e in run(s).entries]
    if Tier.IFR in tiers:
        first_ifr = tiers.index(Tier.IFR)
        assert all(t is Tier.IFR for t in tiers[first_ifr:])


@PROPS
@given(scenarios())
def test_tiers_follow_the_sequence_of_the_type(s):
    chain = run(s)
    order = SEQUENCE[s.facts.type]
    positions = [order.index(e.tier) for e in chain.entries]
    assert positions == sorted(positions)
    for e in chain.entries:
        if e.tier is Tier.PREFERRED:
            assert e.person_id == preferred(s)
        elif e.reason is not Reason.SUBSTITUTE_FOR:
            role = {Tier.BFK: Role.BFK, Tier.AREA_IFK: Role.IFK, Tier.OTHER_IFK: Role.IFK,
                    Tier.OTHER_COORDINATOR: Role.BFK, Tier.IFR: Role.IFR}
            if e.tier is Tier.UNIT_IFK and e.reason is Reason.UNIT_BFK:  # the BFK's home is configured
                assert s.world.org.bfk_home_unit == requester_unit(s) and holds(s, e.person_id, Role.BFK)
            elif e.tier is Tier.UNIT_IFK:  # the IFK sitting in the requester's unit
                assert s.world.people[e.person_id].unit_id == requester_unit(s)
                assert holds(s, e.person_id, Role.IFK)
            elif e.tier in role:
                assert holds(s, e.person_id, role[e.tier])
            else:
                assert any(holds(s, e.person_id, r) for r in (Role.IFK, Role.BFK, Role.IFR))
        else:
            assert e.person_id in standing_in(s)
        for value in e.params.values():
            assert isinstance(value, str)


@PROPS
@given(scenarios())
def test_nobody_relevant_is_silently_lost(s):
    chain = run(s)
    accounted = set(chain.person_ids) | {sk.person_id for sk in chain.skipped}
    expected = relevant_holders(s) | standing_in(s)
    if preferred(s) is not None:
        expected.add(preferred(s))
    assert expected <= accounted
    # Nobody irrelevant sneaks in.
    assert set(chain.person_ids) <= expected


@PROPS
@given(scenarios())
def test_every_available_relevant_person_is_offered(s):
    chain = run(s)
    for pid in relevant_holders(s) | standing_in(s):
        if pid != s.facts.requester_id and pid not in s.facts.excluded_person_ids and available(s, pid):
            assert pid in chain.person_ids


@PROPS
@given(scenarios())
def test_skip_reasons_are_true(s):
    chain = run(s)
    entered = chain.person_ids
    for sk in chain.skipped:
        if sk.reason is Reason.SKIP_DUPLICATE:
            assert sk.person_id in entered
        else:
            assert sk.person_id not in entered
        if sk.reason is Reason.SKIP_REQUESTER:
            assert sk.person_id == s.facts.requester_id
        elif sk.reason is Reason.SKIP_EXCLUDED:
            assert sk.person_id in s.facts.excluded_person_ids
        elif sk.reason is Reason.SKIP_ABSENT:
            assert is_absent(s, sk.person_id)
            day, month = sk.params["until"].split(".")
            assert int(day) and int(month)
        elif sk.reason in UNAVAILABLE and sk.reason is not Reason.SKIP_INACTIVE:
            assert not available(s, sk.person_id)


@PROPS
@given(scenarios())
def test_within_a_tier_fewest_assignments_then_least_recent(s):
    never = datetime.min.replace(tzinfo=UTC)
    chain = run(s)
    for tier in (Tier.OTHER_IFK, Tier.IFR, Tier.POOL):
        keys = [
            (  # open work weighed by share of position (none stated: 100 %)
                Fraction(s.world.open_assignments.get(e.person_id, 0),
                         s.world.people[e.person_id].share or 100),
                s.world.last_assigned.get(e.person_id, never),
                e.person_id,
            )
            for e in chain.entries
            if e.tier is tier
        ]
        assert keys == sorted(keys)


@PROPS
@given(scenarios())
def test_the_own_unit_tier_only_in_the_unit_model_and_first_among_the_ifks(s):
    tiers = [e.tier for e in run(s).entries]
    if requester_unit(s) is None:
        assert Tier.UNIT_IFK not in tiers
    elif Tier.UNIT_IFK in tiers:
        assert not {Tier.AREA_IFK, Tier.OTHER_IFK} & set(tiers[: tiers.index(Tier.UNIT_IFK)])


@PROPS
@given(scenarios())
def test_nobody_at_their_weekly_cap_is_offered_and_the_skip_says_so(s):
    chain = run(s)
    for pid in chain.person_ids:
        assert not at_cap(s, pid)
    for skip in chain.skipped:
        if skip.reason is Reason.SKIP_AT_CAPACITY:
            assert at_cap(s, skip.person_id)
            assert int(skip.params["count"]) >= int(skip.params["cap"]) >= 1
