"""Every button that decides something decides once (issue 16): after the
decision the message that carried the buttons shows the outcome instead, and a
second click — by the same person or another, on a copy of the old message —
is answered privately with who decided what, changes nothing in the database
and sends nothing to anyone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.domain.requests import RequestType
from bot.services.requests import NewRequest
from sandbox.fakeslack import RESPONSE_URL
from sandbox.slack_requests import (
    state_datepicker,
    state_plain_text,
    state_static_select,
    state_timepicker,
    state_users_select,
    state_values,
)
from storage.models import (
    AuditEvent,
    Decision,
    Exemption,
    GroupSignup,
    Minutes,
    Offer,
    OutboxMessage,
    ProductionLog,
    Request,
    Substitute,
)
from tests.e2e.test_meetings import create_meeting
from tests.e2e.test_request_flows import common, live_values
from tests.flows import buttons, click, dms, open_form, person_id, replies, submit, text_of

OSLO = ZoneInfo("Europe/Oslo")
CW_B, CW_B2 = "U0CWB10001", "U0CWB10002"
IFK_A, IFK_B, IFK_C = "U0IFKA0001", "U0IFKB0001", "U0IFKC0001"
IFR_1, IFR_2 = "U0IFR00001", "U0IFR00002"
LEADER_B, LEADER_C, ADMIN = "U0ALEADB01", "U0ALEADC01", "U0ADMIN001"
TABLES = (Request, Offer, AuditEvent, Decision, OutboxMessage, Exemption, ProductionLog, Minutes, Substitute,
          GroupSignup)


def world(bot) -> tuple:
    """Everything a click could change or send: row counts, the requests' and
    offers' states, and every Slack call except the private answer."""
    with bot.services.sessions() as s:
        counts = tuple(s.scalar(select(func.count()).select_from(m)) for m in TABLES)
        states = tuple(s.execute(select(Request.id, Request.state, Request.version)).all())
        offers = tuple(s.execute(select(Offer.id, Offer.state)).all())
        exemptions = tuple(s.execute(select(Exemption.id, Exemption.state)).all())
    calls = [c.method for c in bot.fake.calls() if c.method != RESPONSE_URL]
    return counts, states, offers, exemptions, len(calls)


def stale_click(bot, user: str, message: dict, action: str) -> str:
    """Click ``action`` on ``message`` as it was before the decision; the private
    answer is returned, and nothing else may have happened."""
    before = world(bot)
    assert click(bot, user, message, action).status == 200
    assert world(bot) == before, "a second click changed or sent something"
    return replies(bot.fake)[-1]["text"]


def current(bot, message: dict) -> dict:
    return bot.fake.message(message["channel"], message["ts"])


def test_accept_twice_and_accept_after_someone_took_it(org):
    assert submit(org, CW_B, open_form(org, CW_B, "veiledning"), live_values()).status == 200
    offer = dms(org.fake, IFK_B)[-1]
    assert click(org, IFK_B, offer, "request_accept").status == 200
    assert "request_accept" not in buttons(current(org, offer))
    assert "Allerede tatt av Ola Hansen" in stale_click(org, IFK_A, offer, "request_accept")
    before = world(org)
    assert click(org, IFK_B, offer, "request_accept").status == 200  # the winner again: silence
    assert world(org) == before


def test_decline_twice(org):
    submit(org, CW_B, open_form(org, CW_B, "veiledning"), live_values())
    offer = dms(org.fake, IFK_B)[-1]
    click(org, IFK_B, offer, "request_decline")
    assert "Du avslo denne" in stale_click(org, IFK_B, offer, "request_decline")
    assert "Du avslo denne" in stale_click(org, IFK_B, offer, "request_accept")


def test_withdraw_twice_and_done_twice(org):
    submit(org, CW_B, open_form(org, CW_B, "veiledning"), live_values())
    status = dms(org.fake, CW_B)[-1]
    click(org, IFK_B, dms(org.fake, IFK_B)[-1], "request_accept")
    task = dms(org.fake, IFK_B)[-1]
    click(org, IFK_B, task, "request_done")
    assert "Ferdig" not in str(current(org, task)["blocks"])
    before = world(org)
    click(org, IFK_B, task, "request_done")
    assert world(org) == before
    assert "allerede fullført" in stale_click(org, CW_B, status, "request_cancel")


def test_picking_a_second_time_after_one_was_picked(org):
    view = open_form(org, CW_B, "time")
    fields = {**common("Vil snakke om et intervju."), "preferred_person": state_static_select("anyone"),
              "preferred_times": state_plain_text("Mandag")}
    submit(org, CW_B, view, state_values(fields))
    click(org, IFK_B, dms(org.fake, IFK_B)[-1], "request_accept")
    click(org, IFK_B, dms(org.fake, IFK_B)[-1], "request_propose_times")
    modal = org.fake.view(org.fake.calls("views.open")[-1].response["view"]["id"])
    submit(org, IFK_B, modal, state_values({
        "slot1_date": state_datepicker("2026-11-30"), "slot1_time": state_timepicker("10:00"),
        "slot2_date": state_datepicker("2026-11-30"), "slot2_time": state_timepicker("13:00")}))
    proposal = dms(org.fake, CW_B)[-1]
    click(org, CW_B, proposal, "request_pick_time_0")
    assert "Valgt: *30.11.2026 10:00*" in text_of(current(org, proposal))
    answer = stale_click(org, CW_B, proposal, "request_pick_time_1")
    assert "Tiden er allerede valgt: 30.11.2026 10:00" in answer
    with org.services.sessions() as s:
        picks = select(func.count()).select_from(AuditEvent).where(AuditEvent.kind == "time_picked")
        assert s.scalar(picks) == 1


def test_a_weekend_slot_is_refused_on_its_field(org):
    fields = {**common("Time."), "preferred_person": state_static_select("anyone"),
              "preferred_times": state_plain_text("Helg")}
    submit(org, CW_B, open_form(org, CW_B, "time"), state_values(fields))
    click(org, IFK_B, dms(org.fake, IFK_B)[-1], "request_accept")
    click(org, IFK_B, dms(org.fake, IFK_B)[-1], "request_propose_times")
    modal = org.fake.view(org.fake.calls("views.open")[-1].response["view"]["id"])
    resp = submit(org, IFK_B, modal, state_values({
        "slot1_date": state_datepicker("2026-11-28"), "slot1_time": state_timepicker("10:00")}))
    assert "28.11.2026 er ikke en arbeidsdag" in resp.json()["errors"]["slot1_date"]
    resp = submit(org, IFK_B, modal, state_values({
        "slot1_date": state_datepicker("2026-11-30"), "slot1_time": state_timepicker("17:00")}))
    assert "arbeidstiden, 08:00–15:45" in resp.json()["errors"]["slot1_time"]


def test_an_hour_reminder_whose_moment_has_passed_is_dropped(org):
    req = org.services.requests
    rid = req.submit(person_id(org, CW_B), NewRequest(RequestType.HOUR, "B", False, "Time", {}))
    req.accept(rid, person_id(org, IFK_B))
    nine = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # Thursday 09:00 in Oslo
    assert req.propose_times(rid, person_id(org, IFK_B), [nine]).ok
    assert req.pick_time(rid, person_id(org, CW_B), 1, 0).ok
    org.clock.set(datetime(2026, 11, 26, 11, 0, tzinfo=UTC))  # 12:00: the bot was down all morning
    sent = len(dms(org.fake, CW_B))
    org.services.ticker.tick()
    assert len(dms(org.fake, CW_B)) == sent, "no '15 minutes before' at 12:00"


def test_exemption_decided_once_for_every_leader(org):
    org.clock.set(datetime(2026, 11, 27, 12, 0, tzinfo=OSLO))
    org.services.production.fire_due()
    reminder = next(m for m in dms(org.fake, IFK_C) if "production_request_exemption" in buttons(m))
    click(org, IFK_C, reminder, "production_request_exemption")
    view = org.fake.view(org.fake.calls("views.open")[-1].response["view"]["id"])
    submit(org, IFK_C, view, {"production_reason": {"production_reason": {
        "type": "plain_text_input", "value": "Kurs hele uken"}}})
    assert "production_request_exemption" not in buttons(current(org, reminder))
    ask = dms(org.fake, LEADER_C)[-1]
    click(org, LEADER_C, ask, "production_exemption_approve")
    assert buttons(current(org, ask)) == {} and "godkjente unntaket" in text_of(current(org, ask))
    answer = stale_click(org, ADMIN, ask, "production_exemption_reject")  # no area leader: refused first
    assert "Only the area leader of the coordinator's area" in answer
    answer = stale_click(org, LEADER_C, ask, "production_exemption_approve")
    assert "allerede godkjent av Cecilie Moe" in answer
    answer = stale_click(org, IFK_C, reminder, "production_log_interview")
    assert "already answered for week 48" in answer


def test_the_substitute_reminder_after_a_designation(org):
    org.slack.slash_command(IFK_B, "fravær 25.11.2026 11.12.2026")
    org.clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=OSLO))
    org.services.ticker.tick()
    reminder = dms(org.fake, LEADER_B)[-1]
    click(org, LEADER_B, reminder, "substitute_designate")
    view = org.fake.view(org.fake.calls("views.open")[-1].response["view"]["id"])
    submit(org, LEADER_B, view, state_values({"substitute_person": state_users_select(CW_B2),
                                              "substitute_start": state_datepicker("2026-11-26"),
                                              "substitute_end": state_datepicker("2026-12-11")}))
    assert buttons(current(org, reminder)) == {}
    assert "Stedfortreder utpekt: Ida Olsen" in text_of(current(org, reminder))
    answer = stale_click(org, LEADER_B, reminder, "substitute_designate")
    assert "Ida Olsen er allerede utpekt som stedfortreder for Ola Hansen" in answer


def test_write_minutes_after_they_are_in(org):
    create_meeting(org)
    org.clock.set(datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    org.services.ticker.tick()
    prompt = dms(org.fake, IFK_A)[-1]
    click(org, IFK_A, prompt, "minutes_write")
    modal = org.fake.view(org.fake.calls("views.open")[-1].response["view"]["id"])
    submit(org, IFK_A, modal, {"min_decisions": {"min_decisions": state_plain_text("Vedtatt.")},
                               "min_actions": {"min_actions": state_plain_text("")},
                               "min_notes": {"min_notes": state_plain_text("")}})
    assert buttons(current(org, prompt)) == {} and "Referatet er levert av Kari Nordmann" in text_of(
        current(org, prompt))
    assert "allerede levert av Kari Nordmann" in stale_click(org, IFK_A, prompt, "minutes_write")


def test_sign_up_twice(org):
    view = open_form(org, IFR_1, "gruppe")
    values = {"group_title": {"group_title": state_plain_text("Vanskelige samtaler")},
              "group_date": {"group_date": state_datepicker("2026-12-02")},
              "group_time": {"group_time": state_timepicker("10:00")},
              "group_place": {"group_place": state_plain_text("Rom 4")},
              "group_capacity": {"group_capacity": state_plain_text("6")}}
    assert submit(org, IFR_1, view, values).status == 200
    [post] = [m for m in org.fake.messages("CNETWORK01") if "group_sign_up" in buttons(m)]
    click(org, CW_B, post, "group_sign_up")
    assert "allerede påmeldt" in stale_click(org, CW_B, post, "group_sign_up")
