"""The 2016 mandate's shape (examples/org-2016.yaml, UDI 2016-018) end to end:
a request routed by unit, a caseworker of a unit outside the network, the duty
post per unit, and the weekly cap — through signed HTTP, the fake Slack and a
fixed clock (Wednesday 25 November 2026, 10:00 in Oslo)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.forms import FormBlock
from sandbox.slack_requests import (
    state_checkboxes,
    state_datepicker,
    state_plain_text,
    state_static_select,
    state_timepicker,
    state_values,
)
from storage.models import Person, Request
from tests.conftest import EXAMPLE_ORG_2016
from tests.flows import click, dms, last_dm_text, open_form, person_id, submit, text_of

OSLO = ZoneInfo("Europe/Oslo")
NETWORK = "CNETWORK01"
CW_A1, CW_B2 = "U0CWA10001", "U0CWB20001"  # Ahmed Ali (A1), Mohammed Rahimi (B2, coordination unit)
CW_A2 = "U0CWA20001"  # Jonas Berntsen, caseworker in the children's unit
IFK_A1, IFK_A3, IFK_B1 = "U0IFKA0001", "U0CWA10002", "U0IFKB0001"  # Kari, Sofie, Ola
LEADER_A = "U0ALEADA01"


@pytest.fixture
def org_file():
    return EXAMPLE_ORG_2016


@pytest.fixture
def bot_settings():
    # a full position may take 4 routed tasks a week: an IFK at 30 % takes 1, an IFR at 75 % takes 3
    return {"ifn_weekly_max_tasks": 4}


def common(area: str, description: str = "Søkeren svarer unnvikende om reiseruten.") -> dict:
    return {FormBlock.AREA: state_static_select(area), FormBlock.CHILD: state_checkboxes([]),
            FormBlock.DESCRIPTION: state_plain_text(description)}


def ask_live(bot, user: str, area: str) -> int:
    view = open_form(bot, user, "veiledning")
    values = state_values({**common(area), FormBlock.ROOM: state_plain_text("Rom 3"),
                           FormBlock.START_TIME: state_timepicker("10:15")})
    assert submit(bot, user, view, values).status == 200
    return newest_request(bot)


def ask_feedback(bot, user: str, area: str) -> int:
    view = open_form(bot, user, "tilbakemelding")
    values = {**common(area, "Ønsker tilbakemelding på rapporten."),
              FormBlock.CASE_REF: state_plain_text("26/01234"),
              FormBlock.REPORT_LOCATION: state_plain_text("P:/rapporter/26-01234.pdf"),
              FormBlock.DEADLINE: state_datepicker("2026-12-04")}
    assert submit(bot, user, view, state_values(values)).status == 200
    return newest_request(bot)


def newest_request(bot) -> int:
    with bot.services.sessions() as s:
        return s.scalar(select(Request.id).order_by(Request.id.desc()).limit(1))


def log(bot, user: str, rid: int) -> str:
    return bot.slack.slash_command(user, f"logg {rid}").json()["text"]


def test_a_request_goes_to_the_own_units_ifk_then_the_other_ifk_of_the_area(org):
    rid = ask_live(org, CW_A1, "A")
    assert "Løpende veiledning" in text_of(dms(org.fake, IFK_A1)[-1])
    assert dms(org.fake, IFK_A3) == []
    assert "IFK i enhet A1" in text_of(dms(org.fake, IFK_A1)[-1])  # why they are asked
    assert click(org, IFK_A1, dms(org.fake, IFK_A1)[-1], "request_decline").status == 200
    # next: the IFK of the area's other unit (A3), not another area's
    assert "request_accept" in str(dms(org.fake, IFK_A3)[-1])
    assert "IFK i område A" in text_of(dms(org.fake, IFK_A3)[-1])
    assert "Sendt til *Sofie Andersen*" in last_dm_text(org.fake, CW_A1)
    assert dms(org.fake, IFK_B1) == []
    timeline = log(org, CW_A1, rid)
    assert "blir spurt i denne rekkefølgen: Kari Nordmann, Sofie Andersen, Ola Hansen, Siri Johansen" \
        in timeline


def test_a_caseworker_outside_the_network_gets_the_areas_ifk(org):
    ask_live(org, CW_B2, "B")  # the coordination unit has no IFK of its own
    assert "IFK i område B" in text_of(dms(org.fake, IFK_B1)[-1])
    assert "Sendt til *Ola Hansen*" in last_dm_text(org.fake, CW_B2)


def test_at_the_weekly_cap_a_coordinator_is_skipped_and_the_timeline_says_why(org):
    first = ask_feedback(org, CW_A1, "A")
    assert click(org, IFK_A1, dms(org.fake, IFK_A1)[-1], "request_accept").status == 200  # Kari: 1 of 1
    offers_before = len(dms(org.fake, IFK_A1))
    second = ask_feedback(org, CW_A1, "A")
    assert second != first
    assert len(dms(org.fake, IFK_A1)) == offers_before, "Kari is at her cap: not offered"
    assert "request_accept" in str(dms(org.fake, IFK_A3)[-1])
    assert "Kari Nordmann hoppet over (har nådd ukemaksimum: 1 av 1 oppgaver denne uka)" \
        in log(org, CW_A1, second)


def test_the_duty_post_lists_an_ifk_per_unit_and_no_unit_outside_the_network(org):
    org.clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=OSLO))  # Thursday, the working day starts
    org.services.ticker.tick()
    [post] = [m for m in org.fake.messages(NETWORK) if text_of(m).startswith("Hvem er på vakt")]
    text = text_of(post)
    assert "*Område A* – IFK\n• _Enhet A1_ – Kari Nordmann: ledig\n• _Enhet A3_ – Sofie Andersen: ledig" \
        in text
    assert "*Område B* – IFK\n• _Enhet B1_ – Ola Hansen: ledig *Område C*" in text  # B2: no line
    assert "B2" not in text and "C2" not in text
    assert "*Barnefaglig koordinator* – alle områder\n• Maria Haugen: ledig" in text


def test_a_substitute_in_the_unit_model_names_the_ifk_and_stands_in_in_the_unit_tier(org):
    def ifn(text: str) -> str:
        return org.slack.slash_command(LEADER_A, text).json()["text"]

    # area A has two IFKs now: the leader must say whose substitute Ahmed is
    refused = ifn("stedfortreder <@U0CWA10001|ahmed> 25.11.2026 04.12.2026")
    assert refused.startswith("Si hvem stedfortrederen skal tre inn for")
    assert "økt behov" in ifn(f"stedfortreder <@{CW_A2}|jonas> 25.11.2026 04.12.2026 for <@{IFK_A1}|kari>")
    ask_live(org, CW_A1, "A")  # Kari and Jonas share unit A1's tier: Kari first (no open work either)
    assert "IFK i enhet A1" in text_of(dms(org.fake, IFK_A1)[-1])
    click(org, IFK_A1, dms(org.fake, IFK_A1)[-1], "request_accept")
    ask_live(org, CW_A1, "A")  # Kari is at her cap (1 at 30 %): her substitute, before Sofie (A3)
    assert "stedfortreder for Kari Nordmann" in text_of(dms(org.fake, CW_A2)[-1])
    assert dms(org.fake, IFK_A3) == []


def test_who_names_the_own_units_coordinator_first(org):
    ahmed = org.slack.slash_command(CW_A1, "hvem").json()["text"]
    assert "Koordinator i enheten din (A1): Kari Nordmann (ledig)" in ahmed
    assert "IFK: Sofie Andersen (ledig)" in ahmed
    jonas = org.slack.slash_command(CW_A2, "hvem").json()["text"]  # the children's unit: the BFK
    assert "Koordinator i enheten din (A2): Maria Haugen (ledig)" in jonas
    outside = org.slack.slash_command(CW_B2, "hvem").json()["text"]  # coordination unit: the area's IFK
    assert "Koordinator i enheten din" not in outside and "IFK: Ola Hansen (ledig)" in outside


def test_the_admin_view_checks_the_unit_model_and_keeps_the_share(org):
    from tests.e2e.test_directory_admin import flat, form, open_home, pick, roles_of

    admin, ahmed = "U0IFR00001", person_id(org, CW_A1)
    listing = flat(org.slack.slash_command(admin, "katalog").json()["blocks"])
    assert "Koordinatorene er organisert per enhet (én IFK i hver enhet i nettverket)." in listing
    assert "_Enhet B2 – Koordineringsenheten_ (utenfor nettverket): " in listing
    assert "_Enhet B1 – Midtøsten_: " in listing
    before = roles_of(org, CW_A1)
    # a second IFK in unit A1 (Kari is its IFK): refused on the roles field, in Norwegian
    view = pick(org, admin, open_home(org, admin), ahmed)
    resp = submit(org, admin, view, form("Ahmed Ali", "ifk\ncaseworker", slack=CW_A1,
                                         email="ahmed.ali@ifn.example", unit="A1", active="active"))
    assert resp.json()["errors"] == {"dir_roles": "det kan bare være én ifk om gangen i enhet A1 – 'Kari "
                                     "Nordmann' har rollen i samme periode; gi datoer som ikke overlapper"}
    assert roles_of(org, CW_A1) == before
    # moving Ahmed's IFK role to the coordination unit (outside the network) is refused too
    view = pick(org, admin, open_home(org, admin), ahmed)
    resp = submit(org, admin, view, form("Ahmed Ali", "ifk\ncaseworker", slack=CW_A1,
                                         email="ahmed.ali@ifn.example", unit="B2", active="active"))
    assert resp.json()["errors"] == {"dir_unit": "enhet 'B2' står utenfor nettverket (network: false) "
                                                 "og har ingen IFK"}
    # an edit of Sofie (IFK of A3, share 30) that the form cannot show keeps her share
    sofie = person_id(org, IFK_A3)
    view = pick(org, admin, open_home(org, admin), sofie)
    resp = submit(org, admin, view, form("Sofie Andersen-Vik", "ifk\ncaseworker", slack=IFK_A3,
                                         email="sofie.andersen@ifn.example", unit="A3", active="active"))
    assert resp.status == 200 and resp.body == ""
    with org.services.sessions() as s:
        person = s.get(Person, sofie)
        assert (person.name, person.network_share) == ("Sofie Andersen-Vik", 30)


def test_mondays_attainment_reaches_the_unit_leaders_of_the_coordinators(org):
    org.clock.set(datetime(2026, 11, 30, 8, 30, tzinfo=OSLO))  # Monday: last week's attainment
    assert org.services.production.fire_due() == 1
    lars = last_dm_text(org.fake, "U0ULA10001")  # unit leader of A1
    assert lars.startswith("*Produksjonsmål uke 48")
    assert "Kari Nordmann (IFK i område A): ikke nådd" in lars and "Sofie" not in lars
    assert "Maria Haugen (BFK)" in last_dm_text(org.fake, "U0ULA20001")  # the children's unit's leader
    assert dms(org.fake, "U0ULB20001") == []  # the coordination unit has no coordinator
    anne = last_dm_text(org.fake, LEADER_A)  # the area leader still hears of all of area A's
    assert all(name in anne for name in ("Kari Nordmann", "Sofie Andersen", "Maria Haugen"))


def test_the_friday_prompt_reaches_every_units_ifk_and_nobody_outside_the_network(org):
    org.clock.set(datetime(2026, 11, 27, 11, 59, tzinfo=OSLO))  # Friday, just before noon
    assert org.services.production.fire_due() == 0  # arms the jobs
    org.clock.set(datetime(2026, 11, 27, 12, 0, tzinfo=OSLO))
    assert org.services.production.fire_due() == 1
    prompted = {u for u in (IFK_A1, IFK_A3, IFK_B1, "U0IFKC0001", "U0BFK00001")
                if any("production_" in str(m.get("blocks")) for m in dms(org.fake, u))}
    assert prompted == {IFK_A1, IFK_A3, IFK_B1, "U0IFKC0001", "U0BFK00001"}
    # caseworkers of the units outside the network (coordination, Dublin) have no coordinator role
    for user in (CW_B2, "U0CWC20001"):
        assert not [m for m in dms(org.fake, user) if "production_" in str(m.get("blocks"))]
