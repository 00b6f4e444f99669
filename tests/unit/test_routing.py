"""Table tests of the routing policy on a small hand-built directory.

Areas A/B/C with one IFK each, the BFK (under A), two IFRs, caseworkers and
leaders. "Now" is Wednesday 11 June 2025 10:00 in Oslo unless a test says so.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.requests import AvailabilityStatus, RequestType
from bot.domain.roles import Role
from bot.routing import TIER_SEQUENCE, absence_end, is_available, route, unavailability
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
    SubstituteInfo,
    Tier,
    WorkingHours,
    World,
)

OSLO = ZoneInfo("Europe/Oslo")

IFK_A, IFK_B, IFK_C, BFK, IFR1, IFR2 = 1, 2, 3, 4, 5, 6
CW_B, CW_A, CW_C, CW_SUB = 10, 11, 12, 13
LEADER_A, LEADER_B, UNIT_LEADER_A = 20, 21, 22
COORDINATORS = {IFK_A, IFK_B, IFK_C, BFK, IFR1, IFR2}


def oslo(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=OSLO).astimezone(UTC)


NOW = oslo(2025, 6, 11, 10, 0)  # Wednesday
TODAY = date(2025, 6, 11)


def person(pid: int, name: str, area: str | None, *roles: tuple[Role, str | None], **kw) -> PersonInfo:
    return PersonInfo(
        id=pid,
        name=name,
        area=area,
        unit_id=kw.pop("unit_id", None),
        roles=tuple(RoleHolding(role, role_area, **kw) for role, role_area in roles),
    )


def people() -> dict[int, PersonInfo]:
    ps = [
        person(IFK_A, "Anna IFK A", "A", (Role.IFK, "A")),
        person(IFK_B, "Bjørn IFK B", "B", (Role.IFK, "B")),
        person(IFK_C, "Cecilie IFK C", "C", (Role.IFK, "C")),
        person(BFK, "Berit BFK", "A", (Role.BFK, None)),
        person(IFR1, "Ivar IFR", None, (Role.IFR, None)),
        person(IFR2, "Ida IFR", None, (Role.IFR, None)),
        person(CW_B, "Kari saksbehandler", "B", (Role.CASEWORKER, "B")),
        person(CW_A, "Ola saksbehandler", "A", (Role.CASEWORKER, "A")),
        person(CW_C, "Per saksbehandler", "C", (Role.CASEWORKER, "C")),
        person(CW_SUB, "Siri stedfortreder", "A", (Role.CASEWORKER, "A")),
        person(LEADER_A, "Åse områdeleder", "A", (Role.AREA_LEADER, "A")),
        person(LEADER_B, "Bent områdeleder", "B", (Role.AREA_LEADER, "B")),
        person(UNIT_LEADER_A, "Unni enhetsleder", "A", (Role.UNIT_LEADER, "A")),
    ]
    return {p.id: p for p in ps}


def world(**kw) -> World:
    ps = people()
    ps.update(kw.pop("extra_people", {}))
    return World(people=ps, **kw)


def facts(type: RequestType = RequestType.LIVE, area: str = "B", requester: int = CW_B, **kw) -> RequestFacts:
    return RequestFacts(
        type=type,
        area=area,
        child_involved=kw.pop("child", False),
        requester_id=requester,
        **kw,
    )


def ids(chain: Chain) -> list[int]:
    return chain.person_ids


def skipped(chain: Chain) -> dict[int, tuple[Tier, Reason, dict[str, str]]]:
    return {s.person_id: (s.tier, s.reason, s.params) for s in chain.skipped}


# --- the plain chains -----------------------------------------------------------------


@pytest.mark.parametrize("type", [RequestType.FEEDBACK, RequestType.HOUR])
def test_plain_request_area_ifk_then_other_ifks_then_ifrs(type):
    chain = route(facts(type, "B"), world(), NOW)
    assert chain.entries == (
        ChainEntry(IFK_B, Tier.AREA_IFK, Reason.AREA_IFK, {"area": "B"}),
        ChainEntry(IFK_A, Tier.OTHER_IFK, Reason.OTHER_IFK, {"area": "A"}),
        ChainEntry(IFK_C, Tier.OTHER_IFK, Reason.OTHER_IFK, {"area": "C"}),
        ChainEntry(IFR1, Tier.IFR, Reason.IFR, {}),
        ChainEntry(IFR2, Tier.IFR, Reason.IFR, {}),
    )
    assert chain.skipped == ()


@pytest.mark.parametrize(("area", "first"), [("A", IFK_A), ("B", IFK_B), ("C", IFK_C)])
def test_area_decides_the_first_ifk(area, first):
    chain = route(facts(RequestType.FEEDBACK, area, requester=CW_A), world(), NOW)
    assert ids(chain)[0] == first
    assert sorted(ids(chain)[1:3]) == sorted({IFK_A, IFK_B, IFK_C} - {first})
    assert ids(chain)[3:] == [IFR1, IFR2]


@pytest.mark.parametrize("type", [RequestType.LIVE, RequestType.FEEDBACK, RequestType.HOUR])
def test_child_involved_puts_bfk_first_then_area_ifk(type):
    chain = route(facts(type, "C", requester=CW_C, child=True), world(), NOW)
    assert ids(chain) == [BFK, IFK_C, IFK_A, IFK_B, IFR1, IFR2]
    assert chain.entries[0] == ChainEntry(BFK, Tier.BFK, Reason.BFK_CHILD, {})
    assert chain.entries[1].tier is Tier.AREA_IFK


def test_ifk_requester_is_never_in_their_own_chain():
    chain = route(facts(RequestType.LIVE, "B", requester=IFK_B), world(), NOW)
    assert ids(chain) == [IFK_A, IFK_C, BFK, IFR1, IFR2]
    assert chain.skipped == (Skipped(IFK_B, Tier.AREA_IFK, Reason.SKIP_REQUESTER, {}),)


def test_bfk_requester_is_skipped_in_child_case():
    chain = route(facts(RequestType.FEEDBACK, "A", requester=BFK, child=True), world(), NOW)
    assert ids(chain) == [IFK_A, IFK_B, IFK_C, IFR1, IFR2]
    assert skipped(chain) == {BFK: (Tier.BFK, Reason.SKIP_REQUESTER, {})}


def test_ifr_requester_is_skipped():
    chain = route(facts(RequestType.HOUR, "A", requester=IFR2), world(), NOW)
    assert ids(chain) == [IFK_A, IFK_B, IFK_C, IFR1]
    assert skipped(chain) == {IFR2: (Tier.IFR, Reason.SKIP_REQUESTER, {})}


def test_group_and_issue_are_not_routed():
    for type in (RequestType.GROUP, RequestType.ISSUE):
        with pytest.raises(ValueError):
            route(facts(type), world(), NOW)


def test_naive_now_is_refused():
    with pytest.raises(ValueError):
        route(facts(), world(), datetime(2025, 6, 11, 10, 0))


def test_route_is_deterministic():
    w = world(open_assignments={IFK_A: 1, IFR2: 2})
    assert route(facts(), w, NOW) == route(facts(), w, NOW)


# --- absence and substitutes ------------------------------------------------------------


def absent_a(**kw) -> World:
    return world(absences={IFK_A: (AbsenceInfo(date(2025, 6, 9), date(2025, 6, 20)),)}, **kw)


def test_absent_ifk_without_substitute_is_skipped_with_end_date():
    chain = route(facts(RequestType.FEEDBACK, "A", requester=CW_A), absent_a(), NOW)
    assert ids(chain) == [IFK_B, IFK_C, IFR1, IFR2]
    assert chain.entries[0].tier is Tier.OTHER_IFK
    assert skipped(chain) == {IFK_A: (Tier.AREA_IFK, Reason.SKIP_ABSENT, {"until": "20.06"})}


def test_absent_ifk_with_substitute_is_replaced_in_the_same_tier():
    subs = (SubstituteInfo(IFK_A, CW_SUB, date(2025, 6, 9), date(2025, 6, 20)),)
    chain = route(facts(RequestType.FEEDBACK, "A", requester=CW_A), absent_a(substitutes=subs), NOW)
    assert ids(chain) == [CW_SUB, IFK_B, IFK_C, IFR1, IFR2]
    assert chain.entries[0] == ChainEntry(
        CW_SUB, Tier.AREA_IFK, Reason.SUBSTITUTE_FOR, {"name": "Anna IFK A", "area": "A"}
    )
    assert skipped(chain) == {IFK_A: (Tier.AREA_IFK, Reason.SKIP_ABSENT, {"until": "20.06"})}


def test_substitute_also_stands_in_among_other_ifks():
    subs = (SubstituteInfo(IFK_A, CW_SUB, date(2025, 6, 9), date(2025, 6, 20)),)
    chain = route(facts(RequestType.LIVE, "B"), absent_a(substitutes=subs), NOW)
    assert ids(chain) == [IFK_B, IFK_C, CW_SUB, BFK, IFR1, IFR2]
    assert chain.entries[2] == ChainEntry(
        CW_SUB, Tier.OTHER_IFK, Reason.SUBSTITUTE_FOR, {"name": "Anna IFK A", "area": "A"}
    )


def test_substitute_for_increased_need_shares_the_tier_with_the_present_holder():
    """Memo §3: a substitute also for a time of increased need, without any absence."""
    subs = (SubstituteInfo(IFK_A, CW_SUB, date(2025, 6, 9), date(2025, 6, 20)),)
    chain = route(facts(RequestType.FEEDBACK, "A", requester=CW_A), world(substitutes=subs), NOW)
    assert ids(chain) == [IFK_A, CW_SUB, IFK_B, IFK_C, IFR1, IFR2]
    assert chain.entries[1] == ChainEntry(CW_SUB, Tier.AREA_IFK, Reason.SUBSTITUTE_FOR,
                                          {"name": "Anna IFK A", "area": "A"})
    # Shared by workload: the IFK with more open work comes after the substitute.
    busy_ifk = world(substitutes=subs, open_assignments={IFK_A: 2})
    assert ids(route(facts(RequestType.FEEDBACK, "A", requester=CW_A), busy_ifk, NOW))[:2] == [CW_SUB, IFK_A]
    # The holder away (not absent): the substitute designated for the period still takes it.
    away = {IFK_A: StatusInfo(AvailabilityStatus.AWAY)}
    chain = route(
        facts(RequestType.FEEDBACK, "A", requester=CW_A), world(substitutes=subs, statuses=away), NOW
    )
    assert ids(chain) == [CW_SUB, IFK_B, IFK_C, IFR1, IFR2]


def test_substitute_outside_their_period_does_not_stand_in():
    subs = (SubstituteInfo(IFK_A, CW_SUB, date(2025, 6, 12), date(2025, 6, 20)),)
    chain = route(facts(RequestType.FEEDBACK, "A", requester=CW_A), absent_a(substitutes=subs), NOW)
    assert CW_SUB not in ids(chain)
    assert ids(chain) == [IFK_B, IFK_C, IFR1, IFR2]


def test_unavailable_substitute_is_skipped_too():
    subs = (SubstituteInfo(IFK_A, CW_SUB, date(2025, 6, 9), date(2025, 6, 20)),)
    busy = {CW_SUB: StatusInfo(AvailabilityStatus.BUSY, NOW + timedelta(minutes=40))}
    chain = route(
        facts(RequestType.LIVE, "A", requester=CW_A), absent_a(substitutes=subs, statuses=busy), NOW
    )
    assert ids(chain) == [IFK_B, IFK_C, BFK, IFR1, IFR2]
    assert skipped(chain)[CW_SUB] == (Tier.AREA_IFK, Reason.SKIP_BUSY, {"until": "10:40"})


def test_another_ifk_as_substitute_keeps_the_first_position_only():
    # IFK C stands in for the absent IFK A: in area A's chain C comes first, once.
    subs = (SubstituteInfo(IFK_A, IFK_C, date(2025, 6, 1), date(2025, 6, 30)),)
    chain = route(facts(RequestType.FEEDBACK, "A", requester=CW_A), absent_a(substitutes=subs), NOW)
    assert ids(chain) == [IFK_C, IFK_B, IFR1, IFR2]
    assert chain.entries[0].reason is Reason.SUBSTITUTE_FOR
    assert skipped(chain)[IFK_C] == (Tier.OTHER_IFK, Reason.SKIP_DUPLICATE, {})


def test_absent_bfk_substitute_in_child_case():
    subs = (SubstituteInfo(BFK, CW_SUB, date(2025, 6, 1), date(2025, 6, 30)),)
    w = world(absences={BFK: (AbsenceInfo(date(2025, 6, 10), date(2025, 6, 11)),)}, substitutes=subs)
    chain = route(facts(RequestType.LIVE, "B", child=True), w, NOW)
    assert ids(chain) == [CW_SUB, IFK_B, IFK_A, IFK_C, IFR1, IFR2]
    assert chain.entries[0] == ChainEntry(
        CW_SUB, Tier.BFK, Reason.SUBSTITUTE_FOR, {"name": "Berit BFK", "area": "A"}
    )
    assert skipped(chain)[BFK] == (Tier.BFK, Reason.SKIP_ABSENT, {"until": "11.06"})


def test_absence_that_ended_yesterday_or_starts_tomorrow_does_not_count():
    w = world(
        absences={
            IFK_B: (AbsenceInfo(date(2025, 6, 2), date(2025, 6, 10)),),
            IFK_C: (AbsenceInfo(date(2025, 6, 12), date(2025, 6, 13)),),
        }
    )
    assert ids(route(facts(), w, NOW)) == [IFK_B, IFK_A, IFK_C, BFK, IFR1, IFR2]


def test_back_to_back_absences_are_joined_for_the_until_date():
    absences = (
        AbsenceInfo(date(2025, 6, 16), date(2025, 6, 27)),
        AbsenceInfo(date(2025, 6, 9), date(2025, 6, 15)),
        AbsenceInfo(date(2025, 8, 1), date(2025, 8, 2)),
    )
    assert absence_end(absences, TODAY) == date(2025, 6, 27)
    assert absence_end(absences, date(2025, 7, 1)) is None
    chain = route(facts(), world(absences={IFK_B: absences}), NOW)
    assert skipped(chain)[IFK_B] == (Tier.AREA_IFK, Reason.SKIP_ABSENT, {"until": "27.06"})


def test_absence_uses_the_oslo_date():
    # 23:30 UTC on 10 June is 01:30 on 11 June in Oslo: the absence on the 11th counts.
    w = world(
        absences={IFK_B: (AbsenceInfo(TODAY, TODAY),)},
        statuses={IFK_B: StatusInfo(AvailabilityStatus.AVAILABLE)},
    )
    late = datetime(2025, 6, 10, 23, 30, tzinfo=UTC)
    assert is_available(IFK_B, w, late, RequestType.LIVE) is Reason.SKIP_ABSENT


# --- status -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "reason"),
    [(AvailabilityStatus.AWAY, Reason.SKIP_AWAY), (AvailabilityStatus.BUSY, Reason.SKIP_BUSY)],
)
def test_away_or_busy_until_future_is_skipped(status, reason):
    w = world(statuses={IFK_B: StatusInfo(status, oslo(2025, 6, 11, 14, 30))})
    chain = route(facts(), w, NOW)
    assert IFK_B not in ids(chain)
    assert skipped(chain) == {IFK_B: (Tier.AREA_IFK, reason, {"until": "14:30"})}


@pytest.mark.parametrize("status", [AvailabilityStatus.AWAY, AvailabilityStatus.BUSY])
def test_away_or_busy_without_until_is_skipped(status):
    chain = route(facts(), world(statuses={IFK_C: StatusInfo(status)}), NOW)
    assert ids(chain) == [IFK_B, IFK_A, BFK, IFR1, IFR2]
    assert skipped(chain)[IFK_C][2] == {"until": ""}


@pytest.mark.parametrize("status", [AvailabilityStatus.AWAY, AvailabilityStatus.BUSY])
def test_away_or_busy_until_past_is_offered(status):
    w = world(statuses={IFK_B: StatusInfo(status, oslo(2025, 6, 11, 9, 30))})
    chain = route(facts(), w, NOW)
    assert ids(chain) == [IFK_B, IFK_A, IFK_C, BFK, IFR1, IFR2]
    assert chain.skipped == ()


def test_until_on_another_day_shows_the_date():
    w = world(statuses={IFK_B: StatusInfo(AvailabilityStatus.AWAY, oslo(2025, 6, 13, 12, 0))})
    assert skipped(route(facts(), w, NOW))[IFK_B][2] == {"until": "13.06 12:00"}


def test_absent_wins_over_available_status():
    w = world(
        statuses={IFK_B: StatusInfo(AvailabilityStatus.AVAILABLE)},
        absences={IFK_B: (AbsenceInfo(TODAY, TODAY),)},
    )
    assert skipped(route(facts(), w, NOW))[IFK_B][1] is Reason.SKIP_ABSENT


# --- working hours ------------------------------------------------------------------------

OUTSIDE = [
    pytest.param(oslo(2025, 6, 14, 11, 0), id="saturday"),
    pytest.param(oslo(2025, 6, 11, 20, 0), id="evening"),
    pytest.param(oslo(2025, 6, 11, 7, 30), id="early-morning"),
    pytest.param(oslo(2024, 5, 17, 11, 0), id="17-may"),
    pytest.param(oslo(2024, 3, 29, 11, 0), id="langfredag"),
]


@pytest.mark.parametrize("now", OUTSIDE)
@pytest.mark.parametrize(
    "type", [RequestType.LIVE, RequestType.FEEDBACK, RequestType.HOUR, RequestType.SUPPORT]
)
def test_outside_working_hours_everyone_is_skipped(now, type):
    chain = route(facts(type), world(), now)
    assert chain.entries == ()
    assert {s.person_id for s in chain.skipped} >= {IFK_A, IFK_B, IFK_C, IFR1, IFR2}
    assert {s.reason for s in chain.skipped} == {Reason.SKIP_OUTSIDE_HOURS}


@pytest.mark.parametrize("now", OUTSIDE)
def test_live_outside_hours_reaches_those_explicitly_available(now):
    w = world(
        statuses={
            IFK_C: StatusInfo(AvailabilityStatus.AVAILABLE),
            IFR2: StatusInfo(AvailabilityStatus.AVAILABLE, now + timedelta(hours=2)),
            IFR1: StatusInfo(AvailabilityStatus.AVAILABLE, now - timedelta(minutes=1)),  # expired
        }
    )
    chain = route(facts(RequestType.LIVE), w, now)
    assert chain.entries == (
        ChainEntry(IFK_C, Tier.OTHER_IFK, Reason.OTHER_IFK, {"area": "C"}),
        ChainEntry(IFR2, Tier.IFR, Reason.IFR, {}),
    )
    assert skipped(chain)[IFR1][1] is Reason.SKIP_OUTSIDE_HOURS


@pytest.mark.parametrize("type", [RequestType.FEEDBACK, RequestType.HOUR, RequestType.SUPPORT])
def test_available_status_does_not_open_other_types_outside_hours(type):
    w = world(statuses={IFK_C: StatusInfo(AvailabilityStatus.AVAILABLE)})
    chain = route(facts(type), w, oslo(2025, 6, 11, 20, 0))
    assert chain.entries == ()


def test_working_hours_come_from_the_world():
    w = world(hours=WorkingHours(time(7, 0), time(9, 0)))
    assert route(facts(), w, NOW).entries == ()
    assert ids(route(facts(), w, oslo(2025, 6, 11, 7, 15))) == [IFK_B, IFK_A, IFK_C, BFK, IFR1, IFR2]


# --- workload and round robin -------------------------------------------------------------


def test_fewest_open_assignments_first_within_tier():
    w = world(open_assignments={IFK_A: 3, IFK_C: 1, IFR1: 2, IFR2: 0, IFK_B: 9})
    chain = route(facts(), w, NOW)
    # The area IFK stays first whatever their load.
    assert ids(chain) == [IFK_B, IFK_C, IFK_A, BFK, IFR2, IFR1]


def test_round_robin_least_recently_assigned_first_then_never():
    w = world(
        open_assignments={IFK_A: 1, IFK_C: 1},
        last_assigned={
            IFK_A: oslo(2025, 6, 4, 9, 0),
            IFK_C: oslo(2025, 6, 10, 9, 0),
            IFR1: oslo(2025, 6, 10, 9, 0),
        },
    )
    chain = route(facts(), w, NOW)
    assert ids(chain) == [IFK_B, IFK_A, IFK_C, BFK, IFR2, IFR1]  # IFR2 never assigned


def test_load_beats_recency():
    w = world(open_assignments={IFR2: 1}, last_assigned={IFR1: NOW - timedelta(minutes=5)})
    assert ids(route(facts(), w, NOW))[-2:] == [IFR1, IFR2]


# --- hour with a picked person --------------------------------------------------------------


def test_hour_with_preferred_ifr_first_then_normal_chain():
    chain = route(facts(RequestType.HOUR, "B", preferred_person_id=IFR2), world(), NOW)
    assert ids(chain) == [IFR2, IFK_B, IFK_A, IFK_C, IFR1]
    assert chain.entries[0] == ChainEntry(IFR2, Tier.PREFERRED, Reason.PREFERRED, {})
    assert skipped(chain) == {IFR2: (Tier.IFR, Reason.SKIP_DUPLICATE, {})}


def test_hour_with_preferred_and_child_keeps_bfk_second():
    chain = route(facts(RequestType.HOUR, "B", child=True, preferred_person_id=IFK_C), world(), NOW)
    assert ids(chain) == [IFK_C, BFK, IFK_B, IFK_A, IFR1, IFR2]


def test_hour_with_unavailable_preferred_falls_back_to_chain():
    w = world(statuses={IFK_A: StatusInfo(AvailabilityStatus.AWAY)})
    chain = route(facts(RequestType.HOUR, "B", preferred_person_id=IFK_A), w, NOW)
    assert ids(chain) == [IFK_B, IFK_C, IFR1, IFR2]
    assert skipped(chain) == {IFK_A: (Tier.PREFERRED, Reason.SKIP_AWAY, {"until": ""})}


def test_preferred_who_is_not_a_coordinator_is_skipped():
    chain = route(facts(RequestType.HOUR, "B", preferred_person_id=CW_A), world(), NOW)
    assert ids(chain) == [IFK_B, IFK_A, IFK_C, IFR1, IFR2]
    assert skipped(chain) == {CW_A: (Tier.PREFERRED, Reason.SKIP_INACTIVE, {})}


def test_preferred_is_ignored_for_live_and_feedback():
    for type, expected in ((RequestType.LIVE, [IFK_B, IFK_A, IFK_C, BFK, IFR1, IFR2]),
                           (RequestType.FEEDBACK, [IFK_B, IFK_A, IFK_C, IFR1, IFR2])):
        chain = route(facts(type, "B", preferred_person_id=IFR2), world(), NOW)
        assert ids(chain) == expected


def test_absent_preferred_is_not_replaced_by_their_substitute():
    subs = (SubstituteInfo(IFK_C, CW_SUB, date(2025, 6, 1), date(2025, 6, 30)),)
    w = world(absences={IFK_C: (AbsenceInfo(TODAY, TODAY),)}, substitutes=subs)
    chain = route(facts(RequestType.HOUR, "B", preferred_person_id=IFK_C), w, NOW)
    assert chain.entries[0].tier is Tier.AREA_IFK
    # ... but the substitute stands in where IFK C belongs in the normal chain.
    assert ids(chain) == [IFK_B, IFK_A, CW_SUB, IFR1, IFR2]


# --- support --------------------------------------------------------------------------------


def test_support_without_preference_is_the_whole_pool():
    chain = route(facts(RequestType.SUPPORT, "A", requester=CW_A), world(), NOW)
    assert ids(chain) == [IFK_A, IFK_B, IFK_C, BFK, IFR1, IFR2]
    assert {e.tier for e in chain.entries} == {Tier.POOL}
    assert {e.reason for e in chain.entries} == {Reason.POOL}


def test_support_pool_is_ordered_by_load():
    w = world(open_assignments={IFK_A: 2, IFK_B: 1}, last_assigned={IFR1: NOW - timedelta(days=1)})
    chain = route(facts(RequestType.SUPPORT, "A", requester=CW_A), w, NOW)
    assert ids(chain) == [IFK_C, BFK, IFR2, IFR1, IFK_B, IFK_A]


def test_support_with_preference_and_excluded_leaders():
    # The requester's own IFK and area leader are excluded (e.g. IFK A leads their unit).
    f = facts(
        RequestType.SUPPORT,
        "A",
        requester=CW_A,
        preferred_person_id=IFR1,
        excluded_person_ids=frozenset({IFK_A, LEADER_A}),
    )
    chain = route(f, world(), NOW)
    assert ids(chain) == [IFR1, IFK_B, IFK_C, BFK, IFR2]
    assert chain.entries[0].tier is Tier.PREFERRED
    assert skipped(chain) == {
        IFK_A: (Tier.POOL, Reason.SKIP_EXCLUDED, {}),
        IFR1: (Tier.POOL, Reason.SKIP_DUPLICATE, {}),
    }


def test_support_excluded_preferred_is_refused():
    f = facts(
        RequestType.SUPPORT,
        "A",
        requester=CW_A,
        preferred_person_id=IFK_A,
        excluded_person_ids=frozenset({IFK_A}),
    )
    chain = route(f, world(), NOW)
    assert IFK_A not in ids(chain)
    assert skipped(chain) == {IFK_A: (Tier.PREFERRED, Reason.SKIP_EXCLUDED, {})}


def test_support_excluded_absent_person_reveals_nothing_and_has_no_substitute():
    subs = (SubstituteInfo(IFK_A, CW_SUB, date(2025, 6, 1), date(2025, 6, 30)),)
    w = world(absences={IFK_A: (AbsenceInfo(TODAY, TODAY),)}, substitutes=subs)
    f = facts(RequestType.SUPPORT, "A", requester=CW_A, excluded_person_ids=frozenset({IFK_A}))
    chain = route(f, w, NOW)
    assert skipped(chain) == {IFK_A: (Tier.POOL, Reason.SKIP_EXCLUDED, {})}
    assert CW_SUB not in ids(chain)


def test_support_requester_who_is_coordinator_is_skipped():
    chain = route(facts(RequestType.SUPPORT, "B", requester=IFK_B), world(), NOW)
    assert IFK_B not in ids(chain)
    assert skipped(chain) == {IFK_B: (Tier.POOL, Reason.SKIP_REQUESTER, {})}


# --- role validity and multiple roles -------------------------------------------------------


def test_role_with_valid_to_in_the_past_is_ignored():
    ps = people()
    ps[IFK_C] = dataclasses.replace(
        ps[IFK_C], roles=(RoleHolding(Role.IFK, "C", valid_to=date(2025, 6, 10)),)
    )
    new_c = person(30, "Camilla ny IFK C", "C", (Role.IFK, "C"), valid_from=TODAY)
    chain = route(facts(RequestType.LIVE, "C", requester=CW_C), World(people={**ps, 30: new_c}), NOW)
    assert ids(chain) == [30, IFK_A, IFK_B, BFK, IFR1, IFR2]
    assert IFK_C not in {s.person_id for s in chain.skipped}


def test_role_valid_to_today_still_counts_and_valid_from_tomorrow_not_yet():
    ps = people()
    ps[IFR1] = person(IFR1, "Ivar IFR", None, (Role.IFR, None), valid_to=TODAY)
    ps[IFR2] = person(IFR2, "Ida IFR", None, (Role.IFR, None), valid_from=date(2025, 6, 12))
    assert ids(route(facts(), World(people=ps), NOW))[-1] == IFR1
    assert IFR2 not in ids(route(facts(), World(people=ps), NOW))


def test_inactive_person_is_ignored():
    ps = people()
    ps[IFR1] = dataclasses.replace(ps[IFR1], active=False)
    chain = route(facts(), World(people=ps), NOW)
    assert ids(chain) == [IFK_B, IFK_A, IFK_C, BFK, IFR2]
    assert is_available(IFR1, World(people=ps), NOW, RequestType.LIVE) is Reason.SKIP_INACTIVE


def test_role_area_defaults_to_person_area():
    ps = people()
    ps[IFK_B] = person(IFK_B, "Bjørn IFK B", "B", (Role.IFK, None))
    assert ids(route(facts(RequestType.LIVE, "B"), World(people=ps), NOW))[0] == IFK_B


def test_person_with_two_roles_appears_once():
    ps = people()
    ps[IFR1] = person(IFR1, "Ivar IFR + IFK C", "C", (Role.IFR, None), (Role.IFK, "C"))
    del ps[IFK_C]
    chain = route(facts(RequestType.LIVE, "B"), World(people=ps), NOW)
    assert ids(chain) == [IFK_B, IFK_A, IFR1, BFK, IFR2]  # IFR1 is also IFK C: in the IFK tier
    assert chain.entries[2].tier is Tier.OTHER_IFK
    assert skipped(chain) == {IFR1: (Tier.IFR, Reason.SKIP_DUPLICATE, {})}
    pool = route(facts(RequestType.SUPPORT, "B"), World(people=ps), NOW)
    assert ids(pool).count(IFR1) == 1 and pool.skipped == ()


def test_non_coordinators_are_never_candidates():
    for type in TIER_SEQUENCE:
        chain = route(facts(type, "A", requester=CW_A, child=True), world(), NOW)
        assert set(ids(chain)) <= COORDINATORS


# --- is_available -------------------------------------------------------------------------


def test_is_available_rechecks_one_person():
    w = world(
        statuses={
            IFK_A: StatusInfo(AvailabilityStatus.BUSY, NOW + timedelta(minutes=5)),
            IFK_C: StatusInfo(AvailabilityStatus.AVAILABLE),
        },
        absences={IFR1: (AbsenceInfo(TODAY, date(2025, 6, 13)),)},
    )
    assert is_available(IFK_B, w, NOW, RequestType.FEEDBACK) is None
    assert is_available(IFK_A, w, NOW, RequestType.FEEDBACK) is Reason.SKIP_BUSY
    assert is_available(IFK_A, w, NOW + timedelta(minutes=5), RequestType.FEEDBACK) is None
    assert unavailability(IFR1, w, NOW, RequestType.LIVE) == (Reason.SKIP_ABSENT, {"until": "13.06"})
    evening = oslo(2025, 6, 11, 20, 0)
    assert is_available(IFK_B, w, evening, RequestType.LIVE) is Reason.SKIP_OUTSIDE_HOURS
    assert is_available(IFK_C, w, evening, RequestType.LIVE) is None
    assert is_available(IFK_C, w, evening, RequestType.HOUR) is Reason.SKIP_OUTSIDE_HOURS
    assert is_available(999, w, NOW, RequestType.LIVE) is Reason.SKIP_INACTIVE
