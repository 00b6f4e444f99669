"""The leaders' Home views (issue 13 item 3) end to end: the area leader's
pending exemptions, coordinators' status and production, open requests (never
support) with their timelines, and line issues; the fagsjef's issues across
areas; management's report and minutes, by DM when no management channel is
set — through signed HTTP, the fake Slack and fixed clocks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.directory_file import load_directory_file
from sandbox.slack_requests import SignedRequests, button
from tests.conftest import EXAMPLE_ORG
from tests.e2e.test_home_tab import home_text, open_home
from tests.e2e.test_line_issue_flows import raise_issue
from tests.e2e.test_request_flows import live_values
from tests.e2e.test_support_flows import ask_for_support
from tests.flows import buttons, dms, last_dm_text, open_form, submit, text_of
from tests.harness import Bot, BotServer, make_settings

OSLO = ZoneInfo("Europe/Oslo")
CW_B, CW_A = "U0CWB10001", "U0CWA10001"
IFK_B, IFR_1, BFK = "U0IFKB0001", "U0IFR00001", "U0BFK00001"
LEADER_A, LEADER_B, FAGSJEF, MANAGEMENT = "U0ALEADA01", "U0ALEADB01", "U0FAGSJEF1", "U0MGMT0001"


def ifn(bot, user: str, text: str) -> str:
    resp = bot.slack.slash_command(user, text)
    assert resp.status == 200, resp.body
    return resp.json()["text"]


def test_the_area_leader_sees_the_area_and_opens_its_timelines_but_never_support(org):
    submit(org, CW_B, open_form(org, CW_B, "veiledning"), live_values())  # #1, area B
    support = ask_for_support(org)  # #2: confidential
    raise_issue(org)  # a country issue in area B, to Bjørn
    ifn(org, IFK_B, "status opptatt til 14:00")
    view = open_home(org, LEADER_B)
    text = home_text(view)
    assert "Område B – som områdeleder" in text
    assert "Ingen søknader venter." in text
    assert "Ola Hansen: opptatt i intervju til 14:00 (IFK) · produksjon denne uken: ikke registrert" in text
    assert "Åpne forespørsler i området (1)" in text
    assert "#1 Løpende veiledning fra Emil Strand" in text
    assert f"#{support.id}" not in text and "Støttesamtale" not in text
    assert "Faglige problemstillinger i området som ikke er besvart (1)" in text
    assert "Språkanalyse for Eritrea (landspesifikk) – fra Ola Hansen til Bjørn Dahl" in text
    assert "Maria Haugen" not in text  # the BFK answers to area A
    assert "Maria Haugen: ledig (BFK)" in home_text(open_home(org, LEADER_A))
    # the timeline, from the Home tab: a DM with the request's history
    assert buttons({"blocks": view["blocks"]})["leader_timeline"] == "1"
    org.slack.block_actions(LEADER_B, [button("leader_timeline", "1")], view=view)
    assert last_dm_text(org.fake, LEADER_B).startswith("*Tidslinje for #1*")
    assert "sendt til Ola Hansen" in last_dm_text(org.fake, LEADER_B)
    # … and with the command; another area's leader may not, nor may anyone read a support one
    assert ifn(org, LEADER_B, "logg 1").startswith("*Tidslinje for #1*")
    assert ifn(org, LEADER_A, "logg 1") == "Du har ikke tilgang til tidslinjen for #1."
    forbidden = f"Du har ikke tilgang til tidslinjen for #{support.id}."
    assert ifn(org, LEADER_B, f"logg {support.id}") == forbidden
    org.slack.block_actions(LEADER_B, [button("leader_timeline", str(support.id))], view=view)
    assert last_dm_text(org.fake, LEADER_B) == forbidden
    # people who lead nothing see no leader section
    assert "som områdeleder" not in home_text(open_home(org, CW_B))
    assert "som områdeleder" not in home_text(open_home(org, IFK_B))


def test_the_fagsjef_sees_open_issues_across_areas_and_management_the_report_and_minutes(org):
    raise_issue(org)  # area B, to Bjørn
    raise_issue(org, IFR_1, kind="general", area=None, title="Felles mal for tolkebruk")
    raise_issue(org, BFK, kind="case", area="C", title="Alder i en enkeltsak")  # the BFK raises too
    text = home_text(open_home(org, FAGSJEF))
    assert "Som fagsjef" in text
    assert "på tvers av områdene som ikke er besvart (3)" in text
    for title in ("Språkanalyse for Eritrea", "Felles mal for tolkebruk", "Alder i en enkeltsak"):
        assert title in text
    assert "Alder i en enkeltsak" in text_of(dms(org.fake, "U0ALEADC01")[-1])  # to area C's leader
    management = home_text(open_home(org, MANAGEMENT))
    assert "Som avdelingsledelse" in management
    assert "Kvalitetsrapporten kommer i ledelseskanalen" in management
    assert "Som fagsjef" not in management and "som områdeleder" not in management


@pytest.fixture
def no_management_channel(fake_slack, engine, db_url, clock) -> Iterator[Bot]:
    """The bot with the demo directory and no management channel."""
    server = BotServer(make_settings(fake_slack, db_url, ifn_management_channel=""), engine, clock).start()
    slack = SignedRequests(server.url, server.services.settings.slack_signing_secret.get_secret_value(),
                           response_url_base=fake_slack.hooks_url)
    bot = Bot(server.services, fake_slack, clock, server.url, slack)
    data = load_directory_file(EXAMPLE_ORG)
    bot.services.directory.import_directory(data)
    for person in data.people:
        if person.slack_id:
            fake_slack.add_user(person.slack_id, name=person.name, email=person.email)
    try:
        yield bot
    finally:
        server.stop()


def test_without_a_management_channel_management_gets_the_report_and_plans_by_dm(no_management_channel):
    bot = no_management_channel
    assert "som direktemelding" in home_text(open_home(bot, MANAGEMENT))
    view = open_form(bot, "U0IFR00002", "referat plan")
    values = {"plan_title": {"plan_title": {"type": "plain_text_input", "value": "Strategiplan 2027"}},
              "plan_body": {"plan_body": {"type": "plain_text_input", "value": "https://wiki.example/s"}}}
    assert submit(bot, "U0IFR00002", view, values).status == 200
    assert "Plan: Strategiplan 2027" in last_dm_text(bot.fake, MANAGEMENT)
    bot.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=OSLO))
    bot.services.reports.fire_due()  # arms
    bot.clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=OSLO))
    bot.services.ticker.tick()
    assert last_dm_text(bot.fake, MANAGEMENT).startswith("*Kvalitetsrapport 01.11.2026–30.11.2026*")
    assert "Strategiplan 2027" in home_text(open_home(bot, MANAGEMENT))
    assert not any(c.args["channel"].startswith("CMGMT") for c in bot.fake.calls("chat.postMessage"))
