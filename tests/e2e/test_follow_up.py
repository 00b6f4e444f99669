"""Accepted work is followed up (SPEC §5, issue 13 item 2), end to end through
signed HTTP and the fake Slack, with the clock at the moments that matter: the
assignee is reminded when the work should be done, then the requester is asked
"Fikk du hjelpen du trengte?"; *Nei* offers the request again with its history
kept, *Ja* completes it, a second click changes nothing, and both answers are
counted in the quality report."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.language import Lang
from bot.forms import FormBlock
from bot.reports import render_table
from sandbox.slack_requests import state_datepicker, state_plain_text, state_static_select, state_values
from tests.e2e.test_request_flows import common, live_values, only_request
from tests.flows import buttons, click, dms, last_dm_text, open_form, replies, submit, text_of

OSLO = ZoneInfo("Europe/Oslo")
CW_B, IFK_A, IFK_B = "U0CWB10001", "U0IFKA0001", "U0IFKB0001"


def at(bot, *args: int):
    bot.clock.set(datetime(*args, tzinfo=OSLO))
    return bot.services.ticker.tick()


def question(bot) -> dict:
    found = [m for m in dms(bot.fake, CW_B) if "Fikk du hjelpen du trengte?" in text_of(m)]
    assert found, "no question to the requester"
    return found[-1]


def current(bot, message: dict) -> dict:
    return bot.fake.message(message["channel"], message["ts"])


def test_live_reminder_question_no_offers_it_again_then_yes_completes_it(org):
    # Wednesday 10:00: Emil asks for live supervision (the interview starts 10:15); Ola takes it
    submit(org, CW_B, open_form(org, CW_B, "veiledning"), live_values())
    ola_offer = dms(org.fake, IFK_B)[-1]
    click(org, IFK_B, ola_offer, "request_accept")
    # nothing until the interview is expected over: 10:15 + 120 minutes
    at(org, 2026, 11, 25, 12, 14)
    assert "ikke markert som ferdig" not in last_dm_text(org.fake, IFK_B)
    at(org, 2026, 11, 25, 12, 15)
    reminder = last_dm_text(org.fake, IFK_B)
    assert "Den løpende veiledningen for Emil Strand (#1, Rom 3, start kl. 10:15) er ikke markert" in reminder
    assert not [m for m in dms(org.fake, CW_B) if "Fikk du hjelpen" in text_of(m)]
    # one working day later (Thursday 12:15) the requester is asked
    at(org, 2026, 11, 26, 12, 14)
    assert not [m for m in dms(org.fake, CW_B) if "Fikk du hjelpen" in text_of(m)]
    at(org, 2026, 11, 26, 12, 15)
    ask = question(org)
    assert "Løpende veiledning (#1) ble tatt av Ola Hansen" in text_of(ask)
    assert buttons(ask) == {"request_help_came_yes": "1:1", "request_help_came_no": "1:1"}

    # Nei: offered again to someone not asked before (Kari), Ola's message says it moved on
    assert click(org, CW_B, ask, "request_help_came_no").status == 200
    assert buttons(current(org, ask)) == {}
    assert "Du svarte nei (torsdag 26.11 12:15)" in text_of(current(org, ask))
    assert only_request(org).state == "offered"
    kari_offer = dms(org.fake, IFK_A)[-1]
    assert "request_accept" in buttons(kari_offer) and "Emil Strand" in text_of(kari_offer)
    assert "svarte at hjelpen ikke kom, og forespørselen er sendt videre" in text_of(current(org, ola_offer))
    assert "request_done" not in buttons(current(org, ola_offer))
    assert "svarte at hjelpen ikke kom, så #1 er sendt videre" in last_dm_text(org.fake, IFK_B)
    # the same button again (or the other one) changes nothing
    click(org, CW_B, ask, "request_help_came_yes")
    assert "Du har allerede svart «Nei»" in replies(org.fake)[-1]["text"]
    assert only_request(org).state == "offered"
    # the history is kept: the timeline has the first taking, the answer and the new offer
    log = org.slack.slash_command(CW_B, "logg 1").json()["text"]
    assert "tatt av Ola Hansen" in log and "Emil Strand svarte at hjelpen ikke kom" in log
    assert "sendt videre på nytt" in log and "sendt til Kari Nordmann" in log

    # Kari takes it; two hours later she is reminded, a working day later Emil is asked again
    click(org, IFK_A, kari_offer, "request_accept")
    at(org, 2026, 11, 26, 14, 15)
    assert "ikke markert som ferdig" in last_dm_text(org.fake, IFK_A)
    at(org, 2026, 11, 27, 14, 15)
    second = question(org)
    assert second["ts"] != ask["ts"] and "ble tatt av Kari Nordmann" in text_of(second)
    assert buttons(second) == {"request_help_came_yes": "1:2", "request_help_came_no": "1:2"}
    click(org, CW_B, second, "request_help_came_yes")
    assert only_request(org).state == "completed"
    assert "Du svarte ja" in text_of(current(org, second))
    assert "Emil Strand bekreftet at hjelpen kom" in last_dm_text(org.fake, IFK_A)
    # both answers go into the quality report (per type and area, never per person)
    report = org.services.reports.report(date(2026, 11, 1), date(2026, 11, 30))
    [row] = report.help_answers
    assert (row.type, row.area, row.yes, row.no) == ("live", "B", 1, 1)
    table = render_table(Lang.NB, report)
    assert "Fikk du hjelpen du trengte?" in table and "Emil" not in table and "Ola" not in table


def test_done_in_time_is_never_followed_up_and_feedback_is_checked_at_its_deadline(org):
    # a live request marked done before the reminder: nothing more
    submit(org, CW_B, open_form(org, CW_B, "veiledning"), live_values())
    click(org, IFK_B, dms(org.fake, IFK_B)[-1], "request_accept")
    click(org, IFK_B, dms(org.fake, IFK_B)[-1], "request_done")
    # a feedback request with its deadline on Friday
    fields = {**common("Tilbakemelding på rapporten."), FormBlock.CASE_REF: state_plain_text("26/01234"),
              FormBlock.REPORT_LOCATION: state_plain_text("P:/rapporter/26-01234.pdf"),
              FormBlock.DEADLINE: state_datepicker("2026-11-27")}
    submit(org, CW_B, open_form(org, CW_B, "tilbakemelding"), state_values(fields))
    click(org, IFK_B, dms(org.fake, IFK_B)[-1], "request_accept")
    at(org, 2026, 11, 27, 15, 44)
    assert not any("ikke sendt ennå" in text_of(m) for m in dms(org.fake, IFK_B))
    at(org, 2026, 11, 27, 15, 45)  # the deadline's working day is over
    assert "Fristen for tilbakemeldingen på #2 (26/01234) til Emil Strand var fredag 27.11" in last_dm_text(
        org.fake, IFK_B)
    assert not any("#1" in text_of(m) and "ikke markert" in text_of(m) for m in dms(org.fake, IFK_B))
    at(org, 2026, 11, 30, 15, 45)  # a working day later: Emil is asked about #2 only
    assert "Skriftlig tilbakemelding (#2)" in text_of(question(org))


def test_an_hour_with_no_times_proposed_within_a_working_day(org):
    fields = {**common("Vil snakke om et vanskelig intervju."),
              FormBlock.PREFERRED_PERSON: state_static_select("anyone"),
              FormBlock.PREFERRED_TIMES: state_plain_text("Torsdag formiddag")}
    submit(org, CW_B, open_form(org, CW_B, "time"), state_values(fields))
    click(org, IFK_B, dms(org.fake, IFK_B)[-1], "request_accept")
    at(org, 2026, 11, 26, 9, 59)
    assert "ikke foreslått tidspunkter" not in last_dm_text(org.fake, IFK_B)
    at(org, 2026, 11, 26, 10, 0)  # Thursday 10:00: one working day after it was taken
    assert "Du tok veiledningstimen for Emil Strand (#1), men har ikke foreslått tidspunkter ennå" in \
        last_dm_text(org.fake, IFK_B)
    at(org, 2026, 11, 27, 10, 0)
    ask = question(org)
    click(org, CW_B, ask, "request_help_came_no")
    assert "Veiledningstime" in last_dm_text(org.fake, IFK_A) and only_request(org).state == "offered"
