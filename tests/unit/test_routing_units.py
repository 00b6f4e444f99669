"""The routing policy in the unit model (UDI 2016-018) and the capacity cap.

A small department: area A with units A1, A2 (the children's unit, the BFK's
home) and A9 (Dublin, outside the network); area B with units B1 and B2. An IFK
in A1, B1 and B2; the BFK in A2; two IFRs. "Now" is Wednesday 11 June 2025 10:00
in Oslo.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.organisation import OrgShape, Scope, weekly_cap
from bot.domain.requests import RequestType
from bot.domain.roles import Role
from bot.routing import is_available, route
from bot.routing_types import (
    ChainEntry,
    PersonInfo,
    Reason,
    RequestFacts,
    RoleHolding,
    Skipped,
    SubstituteInfo,
    Tier,
    World,
)

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2025, 6, 11, 10, 0, tzinfo=OSLO).astimezone(UTC)
TODAY = date(2025, 6, 11)

U_A1, U_A2, U_A9, U_B1, U_B2 = 101, 102, 109, 201, 202
UNIT_AREAS = {U_A1: "A", U_A2: "A", U_A9: "A", U_B1: "B", U_B2: "B"}
CODES = {U_A1: "A1", U_A2: "A2", U_A9: "A9", U_B1: "B1", U_B2: "B2"}

IFK_A1, IFK_B1, IFK_B2, BFK, IFR1, IFR2 = 1, 2, 3, 4, 5, 6
CW_A1, CW_A2, CW_DUB, CW_B2, CW_B1, CW_NONE = 11, 12, 13, 14, 15, 16


def person(pid: int, unit: int | None, *roles: Role, share: int | None = None) -> PersonInfo:
    area = UNIT_AREAS.get(unit) if unit is not None else None
    holdings = tuple(RoleHolding(r, area if r is not Role.BFK else "A") for r in roles)
    return PersonInfo(id=pid, name=f"p{pid}", area=area, unit_id=unit, roles=holdings, share=share)


def people(**shares: int) -> dict[int, PersonInfo]:
    ps = [
        person(IFK_A1, U_A1, Role.IFK, share=shares.get("ifk_a1")),
        person(IFK_B1, U_B1, Role.IFK, share=shares.get("ifk_b1")),
        person(IFK_B2, U_B2, Role.IFK, share=shares.get("ifk_b2")),
        person(BFK, U_A2, Role.BFK, share=shares.get("bfk")),
        person(IFR1, None, Role.IFR, share=shares.get("ifr1")),
        person(IFR2, None, Role.IFR, share=shares.get("ifr2")),
    ]
    return {p.id: p for p in ps}


UNITS_OF = {IFK_A1: U_A1, IFK_B1: U_B1, IFK_B2: U_B2, BFK: U_A2, CW_A1: U_A1, CW_A2: U_A2,
            CW_DUB: U_A9, CW_B2: U_B2, CW_B1: U_B1}

UNIT_MODEL = OrgShape(scope=Scope.UNIT, bfk_home_unit=U_A2, bfk_area="A", outside_units=frozenset({U_A9}),
                      unit_codes=CODES, unit_areas=UNIT_AREAS)


def world(org: OrgShape = UNIT_MODEL, shares: dict[str, int] | None = None, **kw) -> World:
    return World(people=people(**(shares or {})), org=org, units_of=UNITS_OF, **kw)


def facts(requester: int, area: str, type: RequestType = RequestType.FEEDBACK,
          child: bool = False) -> RequestFacts:
    return RequestFacts(type=type, area=area, child_involved=child, requester_id=requester)


# --- the unit chain -----------------------------------------------------------------


@pytest.mark.parametrize("type", [RequestType.FEEDBACK, RequestType.HOUR])
def test_unit_ifk_then_the_areas_other_ifks_then_the_rest_then_ifrs(type):
    chain = route(facts(CW_B2, "B", type), world(), NOW)
    assert chain.entries == (
        ChainEntry(IFK_B2, Tier.UNIT_IFK, Reason.UNIT_IFK, {"unit": "B2"}),
        ChainEntry(IFK_B1, Tier.AREA_IFK, Reason.AREA_IFK, {"area": "B"}),
        ChainEntry(IFK_A1, Tier.OTHER_IFK, Reason.OTHER_IFK, {"area": "A"}),
        ChainEntry(IFR1, Tier.IFR, Reason.IFR, {}),
        ChainEntry(IFR2, Tier.IFR, Reason.IFR, {}),
    )
    assert chain.skipped == ()


def test_the_same_request_in_the_area_model_has_no_unit_tier():
    area_model = OrgShape(unit_codes=CODES, unit_areas=UNIT_AREAS)
    chain = route(facts(CW_B2, "B"), world(area_model), NOW)
    tiers = [e.tier for e in chain.entries]
    assert tiers == [Tier.AREA_IFK, Tier.AREA_IFK, Tier.OTHER_IFK, Tier.IFR, Tier.IFR]
    assert chain.person_ids[:2] == [IFK_B1, IFK_B2]  # by person id, no unit preferred


def test_dublin_caseworker_outside_the_network_gets_the_area_chain():
    chain = route(facts(CW_DUB, "A"), world(), NOW)
    assert chain.person_ids == [IFK_A1, IFK_B1, IFK_B2, IFR1, IFR2]
    assert chain.entries[0].tier is Tier.AREA_IFK
    assert all(e.tier is not Tier.UNIT_IFK for e in chain.entries)


def test_the_childrens_unit_has_the_bfk_as_its_coordinator():
    chain = route(facts(CW_A2, "A"), world(), NOW)
    assert chain.entries[0] == ChainEntry(BFK, Tier.UNIT_IFK, Reason.UNIT_BFK, {"unit": "A2"})
    assert chain.person_ids == [BFK, IFK_A1, IFK_B1, IFK_B2, IFR1, IFR2]


def test_child_involved_puts_the_bfk_first_then_the_unit_ifk():
    chain = route(facts(CW_B2, "B", child=True), world(), NOW)
    assert chain.person_ids == [BFK, IFK_B2, IFK_B1, IFK_A1, IFR1, IFR2]
    assert [e.tier for e in chain.entries[:2]] == [Tier.BFK, Tier.UNIT_IFK]


def test_live_without_child_has_the_bfk_after_all_ifks():
    chain = route(facts(CW_B1, "B", RequestType.LIVE), world(), NOW)
    assert chain.person_ids == [IFK_B1, IFK_B2, IFK_A1, BFK, IFR1, IFR2]


def test_asking_for_another_area_gets_that_areas_chain_without_a_unit_tier():
    chain = route(facts(CW_A1, "B"), world(), NOW)
    assert chain.person_ids == [IFK_B1, IFK_B2, IFK_A1, IFR1, IFR2]
    assert chain.entries[0].tier is Tier.AREA_IFK


def test_requester_without_a_unit_gets_the_area_chain():
    chain = route(facts(CW_NONE, "B"), world(), NOW)
    assert chain.entries[0].tier is Tier.AREA_IFK
    assert chain.person_ids[:2] == [IFK_B1, IFK_B2]


def test_absent_unit_ifk_is_replaced_by_their_substitute_in_the_unit_tier():
    from bot.routing_types import AbsenceInfo

    sub = SubstituteInfo(IFK_B2, CW_B2 + 100, TODAY, TODAY)
    ps = people()
    ps[CW_B2 + 100] = person(CW_B2 + 100, U_B2, Role.CASEWORKER)
    w = World(people=ps, org=UNIT_MODEL, units_of=UNITS_OF, substitutes=(sub,),
              absences={IFK_B2: (AbsenceInfo(TODAY, TODAY),)})
    chain = route(facts(CW_B2, "B"), w, NOW)
    assert chain.entries[0].person_id == CW_B2 + 100
    assert chain.entries[0].tier is Tier.UNIT_IFK
    assert chain.entries[0].reason is Reason.SUBSTITUTE_FOR
    assert Skipped(IFK_B2, Tier.UNIT_IFK, Reason.SKIP_ABSENT, {"until": "11.06"}) in chain.skipped


# --- capacity -----------------------------------------------------------------------


@pytest.mark.parametrize(("weekly_max", "share", "cap"), [
    (0, 30, None), (10, None, 10), (10, 30, 3), (10, 80, 8), (10, 75, 7), (2, 30, 1),
])
def test_weekly_cap_scales_with_share_and_never_below_one(weekly_max, share, cap):
    assert weekly_cap(weekly_max, share) == cap


def test_a_person_at_their_weekly_cap_is_skipped_with_count_and_cap():
    w = world(shares={"ifk_b2": 30}, weekly_max=10, week_counts={IFK_B2: 3, IFK_B1: 2})
    chain = route(facts(CW_B2, "B"), w, NOW)
    assert IFK_B2 not in chain.person_ids
    at_cap = Skipped(IFK_B2, Tier.UNIT_IFK, Reason.SKIP_AT_CAPACITY, {"count": "3", "cap": "3"})
    assert at_cap in chain.skipped
    assert chain.person_ids[0] == IFK_B1  # 2 of 10: still free
    assert is_available(IFK_B2, w, NOW, RequestType.FEEDBACK) is Reason.SKIP_AT_CAPACITY


def test_one_below_the_cap_is_still_offered():
    w = world(shares={"ifk_b2": 30}, weekly_max=10, week_counts={IFK_B2: 2})
    assert route(facts(CW_B2, "B"), w, NOW).person_ids[0] == IFK_B2


def test_no_weekly_max_means_no_cap():
    w = world(weekly_max=0, week_counts={IFK_B2: 50})
    assert route(facts(CW_B2, "B"), w, NOW).person_ids[0] == IFK_B2


def test_support_is_never_capped():
    w = world(weekly_max=1, week_counts={pid: 5 for pid in (IFK_A1, IFK_B1, IFK_B2, BFK, IFR1, IFR2)})
    support = route(RequestFacts(RequestType.SUPPORT, "B", False, CW_B2), w, NOW)
    assert sorted(support.person_ids) == sorted([IFK_A1, IFK_B1, IFK_B2, BFK, IFR1, IFR2])
    feedback = route(facts(CW_B2, "B"), w, NOW)
    assert feedback.person_ids == []
    assert {s.reason for s in feedback.skipped} == {Reason.SKIP_AT_CAPACITY}


def test_load_within_a_tier_is_weighed_by_share():
    # IFR1 has 2 open at 30 %, IFR2 4 open at 75 %: 2/30 > 4/75, so IFR2 first.
    w = world(shares={"ifr1": 30, "ifr2": 75}, open_assignments={IFR1: 2, IFR2: 4})
    assert route(facts(CW_B2, "B"), w, NOW).person_ids[-2:] == [IFR2, IFR1]


def test_without_shares_the_fewest_open_come_first_as_before():
    w = world(open_assignments={IFR1: 2, IFR2: 1})
    assert route(facts(CW_B2, "B"), w, NOW).person_ids[-2:] == [IFR2, IFR1]
