"""What a routing decision reads from the database (``load_routing_world``):
absences and stand-ins come from one statement, so check on the real database
that it finds exactly the rows the router must see — those of the routing roles'
holders and of whoever stands in for them today, each absence once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.domain.requests import AvailabilityStatus
from bot.routing_types import AbsenceInfo, StatusInfo, SubstituteInfo
from bot.services.world import load_routing_world
from storage.models import Absence, Substitute
from storage.models import AvailabilityStatus as StatusRow
from tests.flows import person_id

OSLO = ZoneInfo("Europe/Oslo")
IFK_A, IFK_B, IFK_C, BFK = "U0IFKA0001", "U0IFKB0001", "U0IFKC0001", "U0BFK00001"
IFR_1, ADMIN = "U0IFR00001", "U0ADMIN001"
CW_A, CW_B, LEADER_A = "U0CWA10001", "U0CWB10001", "U0ALEADA01"
#: A Wednesday, 10:00 in Oslo.
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=OSLO)
TODAY = date(2026, 12, 2)


def D(y: int, m: int, d: int) -> date:  # noqa: N802 - reads like a date literal
    return date(y, m, d)


def world_at(bot, moment: datetime = NOW):
    with bot.services.sessions() as s:
        return load_routing_world(s, bot.services.directory_cache.view(), moment, bot.services.calendar)


def test_absences_and_stand_ins_of_today_each_once_and_nobody_elses(org):
    kari, ola, ivar, bfk, ifr = (person_id(org, u) for u in (IFK_A, IFK_B, IFK_C, BFK, IFR_1))
    siri, per, admin = person_id(org, CW_A), person_id(org, CW_B), person_id(org, ADMIN)
    anne = person_id(org, LEADER_A)
    with org.services.sessions.begin() as s:
        s.add_all([
            Absence(person_id=kari, starts_on=D(2026, 11, 30), ends_on=D(2026, 12, 4)),
            Absence(person_id=kari, starts_on=D(2026, 12, 5), ends_on=D(2026, 12, 9)),  # back to back
            Absence(person_id=kari, starts_on=D(2026, 11, 1), ends_on=D(2026, 11, 3)),  # over: not read
            Absence(person_id=ivar, starts_on=D(2026, 12, 1), ends_on=D(2026, 12, 2)),
            Absence(person_id=bfk, starts_on=D(2027, 1, 4), ends_on=D(2027, 1, 8)),  # later: read
            # Siri, a caseworker, stands in for Kari and Ivar: her own absence is read once.
            Absence(person_id=siri, starts_on=D(2026, 12, 2), ends_on=D(2026, 12, 2)),
            # Per stood in for Ola last month only: neither he nor his absence is in the world.
            Absence(person_id=per, starts_on=D(2026, 12, 1), ends_on=D(2026, 12, 10)),
            Absence(person_id=anne, starts_on=D(2026, 12, 1), ends_on=D(2026, 12, 10)),  # not routed
            Substitute(absent_person_id=kari, substitute_person_id=siri, role="ifk", area_code="A",
                       starts_on=D(2026, 11, 30), ends_on=D(2026, 12, 9), designated_by_id=admin),
            Substitute(absent_person_id=ivar, substitute_person_id=siri, role="ifk", area_code="C",
                       starts_on=D(2026, 12, 2), ends_on=D(2026, 12, 2), designated_by_id=admin),
            Substitute(absent_person_id=ivar, substitute_person_id=ifr, role="ifk", area_code="C",
                       starts_on=D(2026, 12, 1), ends_on=D(2026, 12, 3), designated_by_id=admin),
            Substitute(absent_person_id=ola, substitute_person_id=per, role="ifk", area_code="B",
                       starts_on=D(2026, 11, 2), ends_on=D(2026, 11, 6), designated_by_id=admin),
            StatusRow(person_id=siri, status="busy", until=datetime(2026, 12, 2, 12, 0, tzinfo=UTC),
                      updated_at=datetime(2026, 12, 2, 8, 0, tzinfo=UTC)),
        ])
    world = world_at(org)

    assert siri in world.people and per not in world.people and anne not in world.people
    assert {kari, ola, ivar, bfk, ifr} <= set(world.people)
    assert world.absences == {
        kari: (AbsenceInfo(D(2026, 11, 30), D(2026, 12, 4)), AbsenceInfo(D(2026, 12, 5), D(2026, 12, 9))),
        ivar: (AbsenceInfo(D(2026, 12, 1), D(2026, 12, 2)),),
        bfk: (AbsenceInfo(D(2027, 1, 4), D(2027, 1, 8)),),
        siri: (AbsenceInfo(D(2026, 12, 2), D(2026, 12, 2)),),
    }
    assert sorted(world.substitutes, key=lambda x: (x.absent_person_id, x.substitute_person_id)) == sorted([
        SubstituteInfo(kari, siri, D(2026, 11, 30), D(2026, 12, 9)),
        SubstituteInfo(ivar, siri, D(2026, 12, 2), D(2026, 12, 2)),
        SubstituteInfo(ivar, ifr, D(2026, 12, 1), D(2026, 12, 3)),
    ], key=lambda x: (x.absent_person_id, x.substitute_person_id))
    # The stand-in's status is read with everyone else's.
    noon = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    assert world.statuses[siri] == StatusInfo(AvailabilityStatus.BUSY, noon)

    # The next day Ivar is back, Siri's designation for him is over, and her absence too.
    later = world_at(org, datetime(2026, 12, 3, 10, 0, tzinfo=OSLO))
    assert ivar not in later.absences and siri not in later.absences
    pairs = {(x.absent_person_id, x.substitute_person_id) for x in later.substitutes}
    assert pairs == {(kari, siri), (ivar, ifr)}
    # After Kari's designation ends, Siri is no longer in the routing world at all.
    after = world_at(org, datetime(2026, 12, 10, 10, 0, tzinfo=OSLO))
    assert siri not in after.people and after.substitutes == () and kari not in after.absences
