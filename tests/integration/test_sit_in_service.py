"""The sit-in follow-up at the service (issue 15): one click makes exactly one
follow-up in the same transaction as completing the sit-in, however often and
however concurrently it is clicked; the quality report counts the sit-in and
leaves the follow-up out of the waiting figures."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from bot.domain.requests import RequestType
from bot.domain.results import Outcome
from bot.services.requests import NewRequest
from storage.models import Decision, Request
from tests.flows import person_id

INTERVIEW = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)  # Wednesday 14:00 Oslo, the suite's first day


def sit_in(org) -> tuple[int, int]:
    requester, ifk_b = person_id(org, "U0CWB10001"), person_id(org, "U0IFKB0001")
    new = NewRequest(RequestType.SIT_IN, "B", False, "Se på tolkingen.",
                     {"interview_at": INTERVIEW.isoformat(), "room": "Rom 2", "child_kinds": []})
    rid = org.services.requests.submit(requester, new, idempotency_key="sit-in-1")
    assert org.services.requests.accept(rid, ifk_b).ok
    return rid, ifk_b


def counts(org) -> tuple[int, int]:
    with org.services.sessions() as s:
        return (s.scalar(select(func.count()).select_from(Request)),
                s.scalar(select(func.count()).select_from(Decision).where(Decision.key.like("request:%:end"))))


def test_concurrent_clicks_make_one_follow_up(org):
    rid, ifk_b = sit_in(org)
    org.clock.set(INTERVIEW)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: org.services.sit_in.follow_up(rid, ifk_b, RequestType.FEEDBACK),
                                range(4)))
    assert all(r.ok for r in results)
    assert {r.params["request_id"] for r in results} == {rid + 1}
    assert counts(org) == (2, 1)
    with org.services.sessions() as s:
        sat, follow_up = s.get(Request, rid), s.get(Request, rid + 1)
        assert sat.state == "completed" and follow_up.state == "accepted"
        assert follow_up.idempotency_key == f"sit_in:{rid}:follow_up"


def test_a_refused_follow_up_makes_nothing(org):
    rid, ifk_b = sit_in(org)
    early = org.services.sit_in.follow_up(rid, ifk_b, RequestType.HOUR)  # before the interview
    assert early.outcome is Outcome.INVALID
    org.clock.set(INTERVIEW)
    assert org.services.sit_in.follow_up(rid, person_id(org, "U0IFKA0001"), RequestType.HOUR).outcome \
        is Outcome.NOT_ASSIGNEE
    assert org.services.sit_in.follow_up(rid + 50, ifk_b, RequestType.HOUR).outcome is Outcome.NOT_FOUND
    assert counts(org) == (1, 0)


def test_the_quality_report_counts_the_sit_in_and_not_its_follow_up(org):
    rid, ifk_b = sit_in(org)
    org.clock.set(INTERVIEW)
    assert org.services.sit_in.follow_up(rid, ifk_b, RequestType.FEEDBACK).ok
    report = org.services.reports.report(date(2026, 11, 1), date(2026, 11, 30))
    assert [(f.type, f.area, f.count) for f in report.requests] == [("sit_in", "B", 1)]
    assert report.requests[0].fallback_share == 0
