"""Group sessions against the database: the last place goes to exactly one of
two simultaneous sign-ups (the session row is locked on PostgreSQL), and the
reminder timers belong to the group sweep, not to the request service's."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.services.group_sessions import NewSession
from storage.models import GroupSignup, Timer
from tests.flows import person_id

IFK_B, CW_B, CW_B2 = "U0IFKB0001", "U0CWB10001", "U0CWB10002"
START = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def _session(org, capacity: int = 1) -> int:
    result = org.services.group_sessions.create(person_id(org, IFK_B), NewSession("Traumer", START, "Fjorden",
                                                                              capacity))
    assert result.ok, result
    return result.params["id"]


def test_two_simultaneous_signups_for_the_last_place_get_one_place_and_one_waitlist(org, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers are a PostgreSQL test (SQLite serialises them)")
    sid = _session(org)
    people = [person_id(org, CW_B), person_id(org, CW_B2)]
    barrier = threading.Barrier(2)
    results = {}

    def sign(pid: int) -> None:
        barrier.wait()
        results[pid] = org.services.group_sessions.sign_up(sid, pid)

    threads = [threading.Thread(target=sign, args=(p,)) for p in people]
    for th in threads:
        th.start()
    for th in threads:
        th.join(10)
    assert sorted(r.message_key for r in results.values()) == ["group.notice.signed_up",
                                                                "group.notice.waitlisted"]
    with org.services.sessions() as s:
        states = sorted(s.scalars(select(GroupSignup.state)).all())
    assert states == ["signed_up", "waitlisted"]


def test_reminder_timers_are_left_alone_by_the_request_sweep(org):
    sid = _session(org, capacity=3)
    org.services.group_sessions.sign_up(sid, person_id(org, CW_B))
    org.clock.set(datetime(2026, 12, 1, 12, 1, tzinfo=UTC))
    assert org.services.requests.fire_due_timers() == 0
    assert org.services.group_sessions.fire_due() == 1
    with org.services.sessions() as s:
        states = {t.kind: t.state for t in s.scalars(select(Timer).where(Timer.kind.like("group_%")))}
    assert states == {"group_reminder_day": "fired", "group_reminder_hour": "pending"}
