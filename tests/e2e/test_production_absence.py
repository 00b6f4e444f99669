"""The production goal with absence (memo §5, issue 13 item 5), end to end: a
coordinator registered absent the whole week is neither prompted on Friday nor
reported "ikke nådd"; an exemption is asked in advance for a period; only the
area leader decides — through signed HTTP, the fake Slack and fixed clocks."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.domain.language import Lang
from bot.reports import render_table
from bot.services.directory_cache import bump
from sandbox.slack_requests import state_datepicker, state_plain_text, state_values
from storage.models import Exemption, Person, RoleAssignment
from tests.e2e.test_home_tab import open_home
from tests.e2e.test_production import IFK_A, IFK_B, IFK_C, LEADER_B, LEADER_C, ifn, production_dms
from tests.flows import buttons, click, dms, last_dm_text, person_id, replies, submit, text_of

OSLO = ZoneInfo("Europe/Oslo")
ADMIN_IFR = "U0IFR00001"  # Ingrid Solberg: IFR and admin, not an area leader
BFK = "U0BFK00001"


def period_values(start: str | None, end: str | None, reason: str | None) -> dict:
    return state_values({"production_start": state_datepicker(start), "production_end": state_datepicker(end),
                         "production_reason": state_plain_text(reason)})


def open_period_form(bot, user: str) -> dict:
    before = len(bot.fake.calls("views.open"))
    resp = bot.slack.slash_command(user, "produksjon unntak")
    assert resp.status == 200, resp.body
    assert len(bot.fake.calls("views.open")) == before + 1, resp.body
    return bot.fake.view(bot.fake.calls("views.open")[-1].response["view"]["id"])


def exemptions(bot, user: str) -> list[tuple[str, str | None, str]]:
    with bot.services.sessions() as s:
        return [(e.week, e.last_week, e.state) for e in s.scalars(
            select(Exemption).where(Exemption.person_id == person_id(bot, user)).order_by(Exemption.id))]


def test_absent_all_week_is_not_prompted_and_reads_fravaer_on_monday(org):
    # Wednesday 25 November: Ola registers absence for the whole of week 49 (30.11–04.12)
    assert "registrert" in ifn(org, IFK_B, "fravær 30.11.2026 04.12.2026").lower()
    # Siri is away only Monday to Thursday of that week: she is still prompted
    ifn(org, IFK_C, "fravær 30.11.2026 03.12.2026")
    org.clock.set(datetime(2026, 12, 4, 11, 59, tzinfo=OSLO))
    assert org.services.production.fire_due() == 0  # arms both weekly jobs
    org.clock.set(datetime(2026, 12, 4, 12, 0, tzinfo=OSLO))  # Friday of week 49, noon
    assert org.services.production.fire_due() == 1
    assert production_dms(org, IFK_B) == []  # absent all week: not prompted
    assert "week 49" in text_of(production_dms(org, IFK_C)[-1])  # Siri reads English
    assert "uke 49" in text_of(production_dms(org, IFK_A)[-1])
    org.clock.set(datetime(2026, 12, 7, 8, 30, tzinfo=OSLO))  # Monday: the attainment report
    assert org.services.production.fire_due() == 1
    assert "Ola Hansen (IFK i område B): fravær hele uken" in last_dm_text(org.fake, LEADER_B)
    assert "Siri Johansen (IFK i område C): ikke nådd" in last_dm_text(org.fake, LEADER_C)
    # the quality report counts the week as absence, not as missed
    report = org.services.reports.report(date(2026, 11, 30), date(2026, 12, 6))
    b = next(g for g in report.goals if g.area == "B")
    assert (b.met, b.exempted, b.absent, b.missed) == (0, 0, 1, 0)
    assert "Fravær" in render_table(Lang.NB, report)


def test_an_exemption_asked_in_advance_for_a_period_only_the_area_leader_decides(org):
    view = open_period_form(org, IFK_B)
    assert view["callback_id"] == "production_exemption_period_form"
    # bad input: a clear message on the right field, nothing stored
    resp = submit(org, IFK_B, view, period_values("2026-12-14", "2026-12-07", "Kurs"))
    assert "Siste dag kan ikke være før første dag" in resp.json()["errors"]["production_end"]
    resp = submit(org, IFK_B, view, period_values("2026-11-16", "2026-12-07", "Kurs"))
    assert "begynne denne uken" in resp.json()["errors"]["production_start"]
    resp = submit(org, IFK_B, view, period_values("2026-12-07", "2027-07-07", "Kurs"))
    assert "høyst 26 uker" in resp.json()["errors"]["production_end"]
    resp = submit(org, IFK_B, view, period_values("2026-12-07", "2026-12-27", ""))
    assert resp.json()["errors"]["production_reason"] == "Dette feltet må fylles ut."
    assert exemptions(org, IFK_B) == []
    # weeks 50–52, asked on Wednesday of week 48
    resp = submit(org, IFK_B, view, period_values("2026-12-07", "2026-12-27", "Prosjekt i fagstaben"))
    assert resp.status == 200 and not resp.body
    assert exemptions(org, IFK_B) == [("2026-W50", "2026-W52", "pending")]
    assert "uke 50–52 (07.12.2026–27.12.2026) er sendt til Bjørn Dahl" in last_dm_text(org.fake, IFK_B)
    ask = dms(org.fake, LEADER_B)[-1]
    assert "*Ola Hansen* søker unntak fra produksjonsmålet for uke 50–52" in text_of(ask)
    # an overlapping request is refused and sends nothing
    asks = len(dms(org.fake, LEADER_B))
    again = open_period_form(org, IFK_B)
    resp = submit(org, IFK_B, again, period_values("2026-12-21", "2027-01-10", "Mer prosjekt"))
    assert "allerede søkt unntak for uke 50–52" in resp.json()["errors"]["production_start"]
    assert len(dms(org.fake, LEADER_B)) == asks
    # an admin who is no area leader may not decide (memo §5: "godkjennes av områdeleder")
    click(org, ADMIN_IFR, ask, "production_exemption_approve")
    assert "Bare områdelederen" in replies(org.fake)[-1]["text"]
    assert exemptions(org, IFK_B)[0][2] == "pending"
    # the area leader approves from the Home tab's list of pending exemptions
    home = open_home(org, LEADER_B)
    ex_id = str(exemptions_ids(org, IFK_B)[0])
    assert ex_id in buttons({"blocks": home["blocks"]}).values()
    org.slack.block_actions(LEADER_B, [{"type": "button", "action_id": "production_exemption_approve",
                                        "value": ex_id, "block_id": "x", "action_ts": "1"}], view=home)
    assert exemptions(org, IFK_B)[0][2] == "approved"
    assert "Bjørn Dahl har godkjent unntaket ditt fra produksjonsmålet for uke 50–52" in last_dm_text(
        org.fake, IFK_B)
    # the leader's DM lost its buttons; a second click changes nothing
    assert buttons(org.fake.message(ask["channel"], ask["ts"])) == {}
    click(org, LEADER_B, ask, "production_exemption_reject")
    assert "allerede godkjent av Bjørn Dahl" in replies(org.fake)[-1]["text"]
    # Friday of week 51: exempted, not prompted; the Home tab says so
    org.clock.set(datetime(2026, 12, 18, 11, 59, tzinfo=OSLO))
    assert org.services.production.fire_due() == 0
    org.clock.set(datetime(2026, 12, 18, 12, 0, tzinfo=OSLO))
    assert org.services.production.fire_due() == 1
    assert production_dms(org, IFK_B) == []
    assert "uke 51" in text_of(production_dms(org, IFK_A)[-1])  # the others are prompted
    assert "Produksjonsmål uke 51" in text_of({"blocks": open_home(org, IFK_B)["blocks"]})
    assert "*unntak godkjent*" in text_of({"blocks": open_home(org, IFK_B)["blocks"]})


def exemptions_ids(bot, user: str) -> list[int]:
    with bot.services.sessions() as s:
        return list(s.scalars(select(Exemption.id).where(Exemption.person_id == person_id(bot, user))
                              .order_by(Exemption.id)))


def test_the_bfk_asks_area_a_and_an_area_without_a_leader_goes_to_the_fagsjef(org):
    view = open_period_form(org, BFK)
    resp = submit(org, BFK, view, period_values("2026-11-30", "2026-12-06", "Kurs for barnefaglig"))
    assert resp.status == 200 and not resp.body
    assert "Maria Haugen" in text_of(dms(org.fake, "U0ALEADA01")[-1])
    assert not [m for m in dms(org.fake, LEADER_B) if "Maria Haugen" in text_of(m)]
    # area C loses its leader: who answers for the area (issue 12) is the fagsjef, who gets the request
    with org.services.sessions.begin() as s:
        leader = s.scalar(select(Person).where(Person.slack_user_id == LEADER_C))
        for ra in list(s.scalars(select(RoleAssignment).where(RoleAssignment.person_id == leader.id))):
            s.delete(ra)
        bump(s)
    view = open_period_form(org, IFK_C)
    resp = submit(org, IFK_C, view, period_values("2026-11-30", "2026-12-06", "Course"))
    assert resp.status == 200 and not resp.body
    assert len(exemptions(org, IFK_C)) == 1
    ifk_c_name = org.services.people.name_of(person_id(org, IFK_C))
    assert any(ifk_c_name in text_of(m) for m in dms(org.fake, "U0FAGSJEF1"))
    assert not [m for m in dms(org.fake, LEADER_C) if ifk_c_name in text_of(m)]
