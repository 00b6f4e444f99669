"""The weekly production goal end to end (SPEC §5, memo §5): ``/ifn produksjon``,
the Friday reminder with its buttons, the exemption modal, the area leader's
decision (checked on the server) and Monday's attainment report — through
signed HTTP, the fake Slack and a controlled clock."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.services.production import FRIDAY_KEY, MONDAY_KEY, ProductionService
from sandbox.slack_requests import state_plain_text, state_values
from storage.models import Exemption, ProductionLog
from tests.e2e.test_home_tab import home_text, open_home
from tests.flows import buttons, click, dms, last_dm_text, person_id, replies, submit, text_of

OSLO = ZoneInfo("Europe/Oslo")

LEADER_A, LEADER_B, LEADER_C = "U0ALEADA01", "U0ALEADB01", "U0ALEADC01"
IFK_A, IFK_B, IFK_C, BFK = "U0IFKA0001", "U0IFKB0001", "U0IFKC0001", "U0BFK00001"
IFR_1, IFR_2 = "U0IFR00001", "U0IFR00002"
CW_A = "U0CWA10001"


def ifn(bot, user: str, text: str) -> str:
    resp = bot.slack.slash_command(user, text)
    assert resp.status == 200, resp.body
    body = resp.json()
    assert body["response_type"] == "ephemeral"
    return body["text"]


def logs(bot, user: str) -> list[tuple[str, date, str]]:
    with bot.services.sessions() as s:
        return [(r.kind, r.on_date, r.week) for r in s.scalars(
            select(ProductionLog).where(ProductionLog.person_id == person_id(bot, user))
            .order_by(ProductionLog.id))]


def exemption(bot, user: str) -> tuple[str, str, int | None] | None:
    with bot.services.sessions() as s:
        row = s.scalar(select(Exemption).where(Exemption.person_id == person_id(bot, user)))
        return (row.state, row.reason, row.decided_by_id) if row else None


def exemption_id(bot, user: str) -> int:
    with bot.services.sessions() as s:
        return s.scalar(select(Exemption.id).where(Exemption.person_id == person_id(bot, user)))


def production_dms(bot, user: str) -> list[dict]:
    return [m for m in dms(bot.fake, user) if "production_" in str(m.get("blocks"))
            or "Produksjonsmål" in text_of(m) or "Production goal" in text_of(m)]


# --- the command -------------------------------------------------------------------------------


def test_coordinator_logs_with_the_command_and_the_home_tab_shows_the_week(org):
    assert "Produksjonsmål uke 48 (23.11.2026–29.11.2026): ikke registrert ennå" in home_text(
        open_home(org, IFK_A))
    assert ifn(org, IFK_A, "produksjon intervju").startswith(
        "Registrert: intervju 25.11.2026 – uke 48 (23.11.2026–29.11.2026). Ukemålet er nådd.")
    assert ifn(org, IFK_A, "produksjon vedtak 23.11.2026").startswith("Registrert: vedtak 23.11.2026")
    assert logs(org, IFK_A) == [("interview", date(2026, 11, 25), "2026-W48"),
                                ("decision", date(2026, 11, 23), "2026-W48")]
    assert "*nådd* (1 intervju, 1 vedtak)" in home_text(open_home(org, IFK_A))
    assert "*nådd* (1 intervju, 1 vedtak)" in ifn(org, IFK_A, "produksjon")
    # the BFK too, in English
    assert ifn(org, BFK, "production decision").startswith("Registrert: vedtak")  # Maria reads nb
    assert ifn(org, IFK_C, "production interview 2026-11-20").startswith(
        "Logged: interview 20.11.2026 – week 47")
    assert logs(org, IFK_C) == [("interview", date(2026, 11, 20), "2026-W47")]


def test_refusals_change_nothing(org):
    assert ifn(org, CW_A, "produksjon intervju").startswith("Produksjonsmålet (ett intervju eller ett vedtak")
    assert ifn(org, LEADER_A, "produksjon").startswith("Produksjonsmålet (ett intervju")
    assert "Produksjonsmål" not in home_text(open_home(org, CW_A))
    assert ifn(org, IFK_A, "produksjon møte").startswith("«møte» forstår jeg ikke")
    assert ifn(org, IFK_A, "produksjon intervju 31.02.2026").startswith("«31.02.2026» er ikke en dato")
    assert ifn(org, IFK_A, "produksjon vedtak 26.11.2026").startswith("26.11.2026 har ikke vært ennå")
    assert ifn(org, IFK_A, "produksjon vedtak 01.10.2026").startswith("01.10.2026 er mer enn 28 dager siden")
    with org.services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ProductionLog)) == 0


# --- the weekly cycle ------------------------------------------------------------------------


def reason_values(text: str | None) -> dict:
    return state_values({"production_reason": state_plain_text(text)})


def test_friday_reminder_exemption_decision_and_monday_report(org):
    ifn(org, IFK_A, "produksjon intervju")
    org.clock.set(datetime(2026, 11, 27, 11, 59, tzinfo=OSLO))  # Friday, just before noon
    assert org.services.production.fire_due() == 0  # arms both jobs
    assert org.services.production.next_due(FRIDAY_KEY) == datetime(2026, 11, 27, 12, 0, tzinfo=OSLO)
    assert org.services.production.next_due(MONDAY_KEY) == datetime(2026, 11, 30, 8, 30, tzinfo=OSLO)
    assert production_dms(org, IFK_B) == []

    org.clock.set(datetime(2026, 11, 27, 12, 0, tzinfo=OSLO))
    assert org.services.production.fire_due() == 1
    assert org.services.production.fire_due() == 0  # once
    # a second scheduler (or a restart) over the same database does not send it again
    d = org.services
    other = ProductionService(d.sessions, d.clock, d.calendar, d.delivery)
    assert other.fire_due() == 0
    assert org.services.production.next_due(FRIDAY_KEY) == datetime(2026, 12, 4, 12, 0, tzinfo=OSLO)

    assert production_dms(org, IFK_A) == []  # already met
    for user in (IFK_B, IFK_C, BFK):
        assert len(production_dms(org, user)) == 1
    reminder = production_dms(org, IFK_B)[0]
    assert "Du har ikke registrert noe intervju eller vedtak i uke 48" in text_of(reminder)
    assert buttons(reminder) == {"production_log_interview": "2026-W48",
                                 "production_log_decision": "2026-W48",
                                 "production_request_exemption": "2026-W48"}
    assert "Intervju" in str(reminder["blocks"]) and "Ingen – søk unntak" in str(reminder["blocks"])
    assert "None – request exemption" in str(production_dms(org, IFK_C)[0]["blocks"])

    # Intervju: logged once, even when pressed twice
    click(org, IFK_B, reminder, "production_log_interview")
    # the reminder's buttons give way to the answer, for the one who got it
    answered = org.fake.message(reminder["channel"], reminder["ts"])
    assert buttons(answered) == {} and "Svart fredag 27.11: intervju registrert" in text_of(answered)
    posts = len(org.fake.calls("chat.postMessage"))
    click(org, IFK_B, reminder, "production_log_decision")  # a stale button: nothing more
    assert logs(org, IFK_B) == [("interview", date(2026, 11, 27), "2026-W48")]
    assert "Du har allerede svart for uke 48" in replies(org.fake)[-1]["text"]
    assert len(org.fake.calls("chat.postMessage")) == posts

    # Ingen – søk unntak: a modal with a required reason
    c_reminder = production_dms(org, IFK_C)[0]
    click(org, IFK_C, c_reminder, "production_request_exemption")
    view = org.fake.view(org.fake.calls("views.open")[-1].response["view"]["id"])
    assert view["callback_id"] == "production_exemption_form" and view["private_metadata"] == "2026-W48"
    resp = submit(org, IFK_C, view, reason_values(""))
    assert resp.json()["response_action"] == "errors"
    resp = submit(org, IFK_C, view, reason_values("Gjelder 01019012480"))  # a national id: refused
    assert resp.json()["response_action"] == "errors"
    assert exemption(org, IFK_C) is None
    resp = submit(org, IFK_C, view, reason_values("Kurs hele uken"))
    assert resp.status == 200 and "errors" not in resp.body
    assert exemption(org, IFK_C) == ("pending", "Kurs hele uken", None)
    assert last_dm_text(org.fake, IFK_C).startswith("Your exemption request for week 48")
    ask = dms(org.fake, LEADER_C)[-1]
    assert "*Siri Johansen* søker unntak fra produksjonsmålet for uke 48" in text_of(ask)
    assert buttons(ask) == {"production_exemption_approve": str(exemption_id(org, IFK_C)),
                            "production_exemption_reject": str(exemption_id(org, IFK_C))}
    # the same submission again is answered like the first and creates nothing more
    asks = len(dms(org.fake, LEADER_C))
    resp = submit(org, IFK_C, view, reason_values("Kurs hele uken"))
    assert resp.status == 200 and not resp.body
    assert len(dms(org.fake, LEADER_C)) == asks

    # the wrong leader (a forwarded message) and an IFR who is no admin are refused; nothing changes
    for wrong in (LEADER_A, IFR_2, IFK_C):
        click(org, wrong, ask, "production_exemption_approve")
        assert "Ingenting er endret" in replies(org.fake)[-1]["text"] or "Nothing was changed" in (
            replies(org.fake)[-1]["text"])
        assert exemption(org, IFK_C) == ("pending", "Kurs hele uken", None)
    click(org, LEADER_C, ask, "production_exemption_approve")
    assert replies(org.fake)[-1]["text"] == (
        "Du godkjente unntaket for Siri Johansen, uke 48 (23.11.2026–29.11.2026).")
    assert exemption(org, IFK_C) == ("approved", "Kurs hele uken", person_id(org, LEADER_C))
    assert last_dm_text(org.fake, IFK_C).startswith("Cecilie Moe approved your exemption")
    click(org, LEADER_C, ask, "production_exemption_reject")  # too late: already decided
    assert "allerede godkjent" in replies(org.fake)[-1]["text"]
    assert exemption(org, IFK_C)[0] == "approved"

    # the BFK's exemption goes to area A's leader, who rejects it
    click(org, BFK, production_dms(org, BFK)[0], "production_request_exemption")
    view = org.fake.view(org.fake.calls("views.open")[-1].response["view"]["id"])
    submit(org, BFK, view, reason_values("Syk"))
    ask = dms(org.fake, LEADER_A)[-1]
    assert "*Maria Haugen* søker unntak" in text_of(ask)
    assert not [m for m in dms(org.fake, LEADER_B) if "Maria Haugen" in text_of(m)]
    click(org, LEADER_A, ask, "production_exemption_reject")
    assert exemption(org, BFK)[0] == "rejected"
    assert "Anne Berg har avslått unntaket ditt" in last_dm_text(org.fake, BFK)

    # Monday 08:30: last week's attainment per area leader; the IFRs get everyone
    org.clock.set(datetime(2026, 11, 30, 8, 29, tzinfo=OSLO))
    assert org.services.production.fire_due() == 0
    org.clock.set(datetime(2026, 11, 30, 8, 30, tzinfo=OSLO))
    assert org.services.production.fire_due() == 1
    assert org.services.production.fire_due() == 0
    report_a = last_dm_text(org.fake, LEADER_A)
    assert report_a.startswith("*Produksjonsmål uke 48")
    assert "Kari Nordmann (IFK i område A): nådd (1 intervju, 0 vedtak)" in report_a
    assert "Maria Haugen (BFK): ikke nådd" in report_a
    assert "Ola" not in report_a and "Siri" not in report_a
    assert "Siri Johansen (IFK i område C): unntak – Kurs hele uken" in last_dm_text(org.fake, LEADER_C)
    assert "Ola Hansen (IFK i område B): nådd (1 intervju, 0 vedtak)" in last_dm_text(org.fake, LEADER_B)
    for ifr in (IFR_1, IFR_2):
        text = last_dm_text(org.fake, ifr)
        assert all(name in text for name in ("Kari Nordmann", "Ola Hansen", "Siri Johansen", "Maria Haugen"))


def test_a_holiday_friday_moves_the_reminder_to_the_last_working_day(org):
    """Easter 2027: Skjærtorsdag 25 March and Langfredag 26 March are public holidays,
    so the reminder comes Wednesday 24 March at 12:00; Easter Monday 29 March moves
    the report to Tuesday 30 March 08:30."""
    org.clock.set(datetime(2027, 3, 22, 9, 0, tzinfo=OSLO))
    assert org.services.production.fire_due() == 0
    assert org.services.production.next_due(FRIDAY_KEY) == datetime(2027, 3, 24, 12, 0, tzinfo=OSLO)
    assert org.services.production.next_due(MONDAY_KEY) == datetime(2027, 3, 29, 8, 30, tzinfo=OSLO).replace(
        day=30)
    org.clock.set(datetime(2027, 3, 24, 11, 59, tzinfo=OSLO))
    assert org.services.production.fire_due() == 0
    org.clock.set(datetime(2027, 3, 24, 12, 0, tzinfo=OSLO))
    assert org.services.production.fire_due() == 1
    assert "uke 12" in text_of(production_dms(org, IFK_A)[-1])
    assert org.services.production.next_due(FRIDAY_KEY) == datetime(2027, 4, 2, 12, 0, tzinfo=OSLO)
    org.clock.set(datetime(2027, 3, 29, 8, 30, tzinfo=OSLO))  # Easter Monday: nothing
    assert org.services.production.fire_due() == 0
    org.clock.set(datetime(2027, 3, 30, 8, 30, tzinfo=OSLO))
    assert org.services.production.fire_due() == 1
    assert "Kari Nordmann (IFK i område A): ikke nådd" in last_dm_text(org.fake, LEADER_A)


def test_a_reminder_missed_for_a_whole_week_is_not_replayed_and_the_ticker_runs_it(org):
    org.clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=OSLO))
    org.services.ticker.tick()  # arms Friday 27 November
    org.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=OSLO))  # the bot was down until Tuesday
    assert org.services.production.fire_due() == 1  # Monday's report (this week) runs; Friday's is skipped
    assert production_dms(org, IFK_B) == []
    assert org.services.production.next_due(FRIDAY_KEY) == datetime(2026, 12, 4, 12, 0, tzinfo=OSLO)
    org.clock.set(datetime(2026, 12, 4, 12, 0, tzinfo=OSLO))
    assert org.services.ticker.tick().other >= 1
    assert "uke 49" in text_of(production_dms(org, IFK_B)[-1])
