"""The quality report's load against share (issue 15, UDI 2016-018 §2.1): each
coordinator's and adviser's accepted tasks beside their share of position, in
the 2016 example's shape; support conversations never counted."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.language import Lang
from bot.reports import render_table
from storage.models import Request
from tests.conftest import EXAMPLE_ORG_2016
from tests.flows import person_id

OSLO = ZoneInfo("Europe/Oslo")
NOV_START, NOV_END = date(2026, 11, 1), date(2026, 11, 30)


@pytest.fixture
def org_file():
    return EXAMPLE_ORG_2016


def seed(bot, assignee: str, n: int, kind: str = "feedback", day: int = 10) -> None:
    who, requester = person_id(bot, assignee), person_id(bot, "U0CWB10001")
    with bot.services.sessions.begin() as s:
        for i in range(n):
            when = datetime(2026, 11, day, 10, 0, tzinfo=OSLO).astimezone(UTC) + timedelta(minutes=i)
            s.add(Request(type=kind, state="accepted", requester_id=requester, area_code="B", chain=[],
                          assignee_id=who, created_at=when, accepted_at=when,
                          idempotency_key=f"{assignee}-{kind}-{day}-{i}"))


def test_load_against_share_per_person_without_support(org):
    seed(org, "U0IFKB0001", 3)  # Ola, IFK at 30 %
    seed(org, "U0IFR00001", 5, "live")  # Ingrid, IFR at 75 %
    seed(org, "U0IFR00001", 4, "support")  # confidential: never counted
    seed(org, "U0IFKA0001", 2, day=31 - 30)  # Kari: 1 November, in the period
    seed(org, "U0IFKA0001", 7, "hour", day=30)  # 30 November 10:00: in the period too
    with org.services.sessions.begin() as s:  # and one on 1 December: outside it
        s.add(Request(type="hour", state="accepted", requester_id=person_id(org, "U0CWB10001"), area_code="A",
                      chain=[], assignee_id=person_id(org, "U0IFKA0001"),
                      created_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
                      accepted_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC), idempotency_key="december"))
    report = org.services.reports.report(NOV_START, NOV_END)
    by_name = {x.name: x for x in report.loads}
    assert set(by_name) == {"Kari Nordmann", "Ola Hansen", "Siri Johansen", "Sofie Andersen", "Maria Haugen",
                            "Ingrid Solberg", "Tore Bakken"}
    assert {n: (x.role, x.share, x.tasks) for n, x in by_name.items()} == {
        "Kari Nordmann": ("ifk", 30, 9), "Ola Hansen": ("ifk", 30, 3), "Siri Johansen": ("ifk", 30, 0),
        "Sofie Andersen": ("ifk", 30, 0), "Maria Haugen": ("bfk", 80, 0), "Ingrid Solberg": ("ifr", 75, 5),
        "Tore Bakken": ("ifr", 75, 0)}
    capacity = 4 * 30 + 80 + 2 * 75  # 350
    assert by_name["Ola Hansen"].task_share == pytest.approx(3 / 17)
    assert by_name["Ola Hansen"].capacity_share == pytest.approx(30 / capacity)
    assert by_name["Ingrid Solberg"].task_share == pytest.approx(5 / 17)
    assert "Ola Hansen" not in render_table(Lang.NB, report)  # only the leaders' version names anyone
    table = render_table(Lang.NB, report, people=True)
    assert "Belastning mot stillingsandel (oppgaver tatt, uten støttesamtaler)" in table
    ola = next(line for line in table.splitlines() if line.startswith("Ola Hansen"))
    assert ola.split() == ["Ola", "Hansen", "IFK", "30", "%", "3", "18", "%", "9", "%"]
    english = render_table(Lang.EN, report, people=True)
    assert "Load against share of position" in english and "Part of the capacity" in english
