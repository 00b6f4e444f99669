"""Support routing against the directory: the requester's own area leader and
unit leader are never in the chain, even when they also hold a coordinator role."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.requests import RequestType
from bot.services.directory_cache import bump
from bot.services.requests import NewRequest
from bot.services.world import own_leaders
from storage.models import Request, RoleAssignment
from tests.flows import person_id

CW_B, CW_A = "U0CWB10001", "U0CWA10001"
LEADER_B, UNIT_LEADER_B1 = "U0ALEADB01", "U0ULB10001"


def _make_coordinator(bot, slack_id: str, role: str) -> int:
    pid = person_id(bot, slack_id)
    with bot.services.sessions.begin() as s:
        s.add(RoleAssignment(person_id=pid, role=role, area_code=None))
        bump(s)  # the directory changed: every process's copy is rebuilt
    return pid


def _chain(bot, requester: str) -> list[int]:
    rid = bot.services.requests.submit(person_id(bot, requester), NewRequest(
        RequestType.SUPPORT, "B", False, "", {"urgency": "today"}))
    with bot.services.sessions() as s:
        return [int(c["person_id"]) for c in s.get(Request, rid).chain]


def test_own_leaders_are_the_area_leader_and_the_unit_leader(org):
    today = org.services.calendar.local_date(org.clock.now())
    view = org.services.directory_cache.view()
    assert own_leaders(view, person_id(org, CW_B), today) == {person_id(org, LEADER_B),
                                                              person_id(org, UNIT_LEADER_B1)}
    assert own_leaders(view, person_id(org, LEADER_B), today) == frozenset()


def test_leaders_who_are_also_advisers_never_get_their_own_peoples_support(org):
    leader = _make_coordinator(org, LEADER_B, "ifr")
    unit_leader = _make_coordinator(org, UNIT_LEADER_B1, "ifr")
    chain_b = _chain(org, CW_B)
    assert leader not in chain_b and unit_leader not in chain_b
    chain_a = _chain(org, CW_A)  # someone from area A may well talk to them
    assert leader in chain_a and unit_leader in chain_a
    with org.services.sessions() as s:
        routed = s.scalars(select(Request).where(Request.requester_id == person_id(org, CW_B))).one()
    assert routed.type == "support"


def test_an_exhausted_support_request_never_messages_a_leader(org):
    with org.services.sessions.begin() as s:
        for row in s.scalars(select(RoleAssignment).where(RoleAssignment.role.in_(["ifk", "bfk", "ifr"]))):
            s.delete(row)
    _chain(org, CW_B)
    with org.services.sessions() as s:
        request = s.scalars(select(Request)).one()
    assert request.state == "unassigned"
    for leader in (LEADER_B, UNIT_LEADER_B1, "U0FAGSJEF1"):
        assert org.fake.messages(org.fake.dm_channel(leader)) == []
