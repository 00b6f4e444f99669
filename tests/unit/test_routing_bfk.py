"""The BFK in the live fallback pool (memo 8.2.1: "andre koordinatorer" may be
asked when the area's IFK is not available): after the IFKs, before the IFRs,
for live supervision without a child; with a child the BFK comes first as before.
Same small directory as ``test_routing``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain.requests import AvailabilityStatus, RequestType
from bot.routing import route
from bot.routing_types import AbsenceInfo, ChainEntry, Reason, StatusInfo, SubstituteInfo, Tier
from tests.unit.test_routing import (
    BFK,
    CW_A,
    CW_SUB,
    IFK_A,
    IFK_B,
    IFK_C,
    IFR1,
    IFR2,
    NOW,
    facts,
    ids,
    skipped,
    world,
)


def test_live_without_a_child_has_the_bfk_after_the_ifks_before_the_ifrs():
    """Memo 8.2.1: when the area's IFK cannot, "andre koordinatorer" may be asked."""
    chain = route(facts(RequestType.LIVE, "B"), world(), NOW)
    assert chain.entries == (
        ChainEntry(IFK_B, Tier.AREA_IFK, Reason.AREA_IFK, {"area": "B"}),
        ChainEntry(IFK_A, Tier.OTHER_IFK, Reason.OTHER_IFK, {"area": "A"}),
        ChainEntry(IFK_C, Tier.OTHER_IFK, Reason.OTHER_IFK, {"area": "C"}),
        ChainEntry(BFK, Tier.OTHER_COORDINATOR, Reason.BFK_FALLBACK, {}),
        ChainEntry(IFR1, Tier.IFR, Reason.IFR, {}),
        ChainEntry(IFR2, Tier.IFR, Reason.IFR, {}),
    )
    assert chain.skipped == ()


def test_live_bfk_fallback_is_skipped_when_busy_and_replaced_by_a_substitute_when_absent():
    busy = {BFK: StatusInfo(AvailabilityStatus.BUSY, NOW + timedelta(minutes=30))}
    chain = route(facts(RequestType.LIVE, "B"), world(statuses=busy), NOW)
    assert BFK not in ids(chain)
    assert skipped(chain) == {BFK: (Tier.OTHER_COORDINATOR, Reason.SKIP_BUSY, {"until": "10:30"})}
    subs = (SubstituteInfo(BFK, CW_SUB, date(2025, 6, 1), date(2025, 6, 30)),)
    w = world(absences={BFK: (AbsenceInfo(date(2025, 6, 10), date(2025, 6, 12)),)}, substitutes=subs)
    chain = route(facts(RequestType.LIVE, "B"), w, NOW)
    assert ids(chain) == [IFK_B, IFK_A, IFK_C, CW_SUB, IFR1, IFR2]
    assert chain.entries[3] == ChainEntry(CW_SUB, Tier.OTHER_COORDINATOR, Reason.SUBSTITUTE_FOR,
                                          {"name": "Berit BFK", "area": "A"})



@pytest.mark.parametrize("type", [RequestType.FEEDBACK, RequestType.HOUR])
def test_bfk_not_in_chain_without_child_except_for_live(type):
    assert BFK not in ids(route(facts(type, "A", requester=CW_A), world(), NOW))
    assert ids(route(facts(RequestType.LIVE, "A", requester=CW_A), world(), NOW))[-3] == BFK
