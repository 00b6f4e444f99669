"""/ifn status, /ifn fravær and /ifn stedfortreder end to end: signed HTTP into
the running app, Slack faked on loopback, time moved by the test's clock. Every
refusal is checked to have changed nothing in the database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.domain.language import Lang
from bot.i18n import t
from sandbox.slack_requests import SignedRequests, state_datepicker, state_users_select, state_values
from storage.models import Absence, AuditEvent, AvailabilityStatus, Offer, OutboxMessage, Substitute
from tests.e2e.test_home_tab import home_text, open_home
from tests.e2e.test_request_flows import live_values
from tests.flows import buttons, click, dms, last_dm_text, open_form, person_id, replies, submit, text_of
from tests.harness import BotServer, make_settings

OSLO = ZoneInfo("Europe/Oslo")

LEADER_A, LEADER_B = "U0ALEADA01", "U0ALEADB01"
IFK_A, IFK_B, IFK_C, BFK = "U0IFKA0001", "U0IFKB0001", "U0IFKC0001", "U0BFK00001"
IFR_1, IFR_2 = "U0IFR00001", "U0IFR00002"
CW_A, CW_B, CW_B2 = "U0CWA10001", "U0CWB10001", "U0CWB10002"


#: 23:59:59 on Wednesday 25 November 2026 in Oslo: when a status set without a time lapses.
END_OF_TODAY = datetime(2026, 11, 25, 22, 59, 59, tzinfo=UTC)


def ifn(bot, user: str, text: str) -> dict:
    """Type ``/ifn <text>``; return the ephemeral answer."""
    resp = bot.slack.slash_command(user, text)
    assert resp.status == 200, resp.body
    body = resp.json()
    assert body["response_type"] == "ephemeral"
    return body


def count(bot, model) -> int:
    with bot.services.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def status_row(bot, user: str) -> tuple[str, datetime | None] | None:
    with bot.services.sessions() as s:
        row = s.get(AvailabilityStatus, person_id(bot, user))
        return (row.status, row.until) if row else None


def absences(bot, user: str) -> list[tuple[date, date]]:
    with bot.services.sessions() as s:
        return [(a.starts_on, a.ends_on) for a in s.scalars(
            select(Absence).where(Absence.person_id == person_id(bot, user)).order_by(Absence.starts_on))]


# --- /ifn status ----------------------------------------------------------------------------


def test_help_lists_the_three_commands_as_available(org):
    text = str(ifn(org, CW_B, "hjelp")["blocks"])
    available = text.partition("Kommer snart")[0]
    for command in ("/ifn status ledig|opptatt|borte", "/ifn fravær FRA TIL", "/ifn stedfortreder @person"):
        assert command in available


def test_status_until_a_time_then_back_to_default_by_itself(org):
    body = ifn(org, IFK_B, "status opptatt til 14:30")
    assert body["text"].splitlines()[0] == "Statusen din er nå *opptatt (i intervju)* til 14:30."
    assert "går den tilbake til standard" in body["text"]
    assert status_row(org, IFK_B) == ("busy", datetime(2026, 11, 25, 13, 30, tzinfo=UTC))
    # the Home tab was re-published with the status
    assert "Din status: *opptatt (i intervju)* til 14:30" in home_text(org.fake.home_view(IFK_B))
    assert ifn(org, IFK_B, "status")["text"].startswith("Din status: *opptatt (i intervju)* til 14:30")

    org.clock.set(datetime(2026, 11, 25, 14, 30, tzinfo=OSLO))  # nothing runs: the time simply passes
    assert ifn(org, IFK_B, "status")["text"].startswith("Din status: *ledig i arbeidstiden* (standard)")
    assert "Din status: *ledig i arbeidstiden* (standard)" in home_text(open_home(org, IFK_B))
    # and routing offers to Ola again
    submit(org, CW_B, open_form(org, CW_B, "veiledning"), live_values())
    with org.services.sessions() as s:
        first = s.scalar(select(Offer.person_id).order_by(Offer.id))
    assert first == person_id(org, IFK_B)


def test_status_in_english_with_the_english_aliases(org):
    body = ifn(org, IFK_C, "status away until 15:00")  # Siri reads English
    assert body["text"].splitlines()[0] == "Your status is now *away* until 15:00."
    assert status_row(org, IFK_C) == ("away", datetime(2026, 11, 25, 14, 0, tzinfo=UTC))
    # without a time a status lasts for the rest of the day
    answer = ifn(org, IFK_C, "status available")["text"]
    assert answer.startswith("Your status is now *available* until 23:59.")
    assert status_row(org, IFK_C) == ("available", END_OF_TODAY)


def test_bad_status_input_gets_the_usage_and_changes_nothing(org):
    ifn(org, IFK_A, "status borte")
    before = status_row(org, IFK_A)
    answers = [ifn(org, IFK_A, text)["text"] for text in (
        "status sulten", "status opptatt til 25:00", "status opptatt til", "status ledig i morgen")]
    assert all("`/ifn status ledig|opptatt|borte [til HH:MM]`" in a for a in answers)
    assert answers[1].startswith("«25:00» er ikke et klokkeslett.")
    passed = ifn(org, IFK_A, "status opptatt til 09:15")["text"]
    assert passed.startswith("Klokken 09:15 har allerede vært i dag")
    assert status_row(org, IFK_A) == before == ("away", END_OF_TODAY)


def test_caseworker_is_told_kindly_that_there_is_no_status_to_set(org):
    text = ifn(org, CW_B, "status opptatt")["text"]
    assert text.startswith("Bare koordinatorer, rådgivere og ledere har en status i IFN")
    assert "skriv `/ifn` når du trenger hjelp" in text
    assert count(org, AvailabilityStatus) == 0
    assert org.fake.calls("views.publish") == []


def test_someone_outside_the_directory_is_told_so(bot):
    assert "ikke registrert i IFN-katalogen" in ifn(bot, "U0NOBODY01", "fravær 01.12.2026 02.12.2026")["text"]


# --- /ifn fravær --------------------------------------------------------------------------------


def test_absence_register_merge_list_delete(org):
    first = ifn(org, IFK_A, "fravær 01.12.2026 03.12.2026")["text"]
    assert first.startswith("Fravær registrert: *01.12.2026–03.12.2026*")
    ifn(org, IFK_A, "fravaer 2026-12-04 til 2026-12-10")
    merged = ifn(org, IFK_A, "absence 09.12.2026 11.12.2026")["text"]  # Kari reads Norwegian
    assert merged.startswith("Fravær registrert: *01.12.2026–11.12.2026*")
    assert "slått sammen med én fraværsperiode" in merged
    assert "områdelederen bedt om å utpeke en" in merged  # an IFK away for more than a week
    ifn(org, IFK_A, "fravær 04.01.2027")
    assert absences(org, IFK_A) == [(date(2026, 12, 1), date(2026, 12, 11)),
                                    (date(2027, 1, 4), date(2027, 1, 4))]

    listing = ifn(org, IFK_A, "fravær")["text"].splitlines()
    assert listing == ["*Ditt fravær*", "1. 01.12.2026–11.12.2026", "2. 04.01.2027",
                       "Slett en periode med `/ifn fravær slett NR`."]
    assert ifn(org, IFK_A, "fravær slett 1")["text"] == "Fraværet 01.12.2026–11.12.2026 er slettet."
    assert absences(org, IFK_A) == [(date(2027, 1, 4), date(2027, 1, 4))]
    assert ifn(org, IFK_A, "fravær slett 2")["text"].startswith(
        "Du har ikke noe fravær nummer 2 (listen har 1)")
    assert absences(org, IFK_A) == [(date(2027, 1, 4), date(2027, 1, 4))]


def test_absence_in_english(org):
    assert ifn(org, IFK_C, "absence 2026-12-01 2026-12-02")["text"].startswith(
        "Absence registered: *01.12.2026–02.12.2026*")
    listing = ifn(org, IFK_C, "absence")["text"].splitlines()
    assert listing[:2] == ["*Your absences*", "1. 01.12.2026–02.12.2026"]
    deleted = ifn(org, IFK_C, "absence delete 1")["text"]
    assert deleted == "The absence 01.12.2026–02.12.2026 has been deleted."
    assert absences(org, IFK_C) == []


def test_absence_refusals_and_bad_input_change_nothing(org):
    ifn(org, IFK_B, "fravær 14.12.2026 15.12.2026")
    before = absences(org, IFK_B)
    cases = {
        "fravær 05.12.2026 01.12.2026": "Sluttdatoen 01.12.2026 er før startdatoen 05.12.2026.",
        "fravær 24.11.2026 01.12.2026": "Startdatoen 24.11.2026 har allerede vært – i dag er 25.11.2026.",
        "fravær 01.12.2026 02.12.2027": "Perioden er 367 dager.",
        "fravær 31.11.2026 02.12.2026": "«31.11.2026» er ikke en dato jeg forstår.",
        "fravær neste uke": "«neste» er ikke en dato jeg forstår.",
        "fravær 01.12.2026 02.12.2026 03.12.2026": "Slik registrerer du fravær: `/ifn fravær FRA TIL`",
        "fravær slett tre": "Skriv nummeret fra listen: `/ifn fravær slett NR`",
    }
    for text, expected in cases.items():
        answer = ifn(org, IFK_B, text)["text"]
        assert answer.startswith(expected), (text, answer)
    assert absences(org, IFK_B) == before
    assert count(org, Absence) == 1


def test_caseworker_gets_an_explanation_for_absences(org):
    for text in ("fravær 01.12.2026 03.12.2026", "fravær", "fravær slett 1"):
        assert "Som saksbehandler trenger du ikke registrere fravær her." in ifn(org, CW_B, text)["text"]
    assert count(org, Absence) == 0


# --- /ifn stedfortreder ----------------------------------------------------------------------------


def test_area_leader_designates_a_substitute_for_own_ifk(org):
    body = ifn(org, LEADER_A, "stedfortreder <@U0IFR00002|tore.bakken> 01.12.2026 18.12.2026")
    assert body["text"].startswith(
        "*Tore Bakken* er utpekt som stedfortreder for Kari Nordmann (IFK i område A) "
        "01.12.2026–18.12.2026. Begge har fått beskjed.")
    with org.services.sessions() as s:
        row = s.scalar(select(Substitute))
        assert (row.absent_person_id, row.substitute_person_id, row.role, row.area_code, row.starts_on,
                row.ends_on, row.designated_by_id) == (
            person_id(org, IFK_A), person_id(org, IFR_2), "ifk", "A", date(2026, 12, 1), date(2026, 12, 18),
            person_id(org, LEADER_A))
    assert last_dm_text(org.fake, IFR_2).startswith(
        "Anne Berg har utpekt deg som *stedfortreder* for Kari Nordmann")
    assert last_dm_text(org.fake, IFK_A).startswith(
        "Anne Berg har utpekt *Tore Bakken* som din stedfortreder")
    listing = ifn(org, IFR_2, "stedfortreder")["text"].splitlines()
    assert listing == ["*Stedfortredere*", "1. *Tore Bakken* for Kari Nordmann (IFK i område A) "
                       "01.12.2026–18.12.2026 – utpekt av Anne Berg"]


def test_bfk_substitute_by_area_a_leader_with_a_mention_holding_spaces(org):
    body = ifn(org, LEADER_A, "substitute <@U0IFR00001|Ingrid Solberg> 2026-12-01 2026-12-04 "
                              "for <@U0BFK00001|Maria Haugen>")
    assert "*Ingrid Solberg* er utpekt som stedfortreder for Maria Haugen (BFK)" in body["text"]
    assert count(org, Substitute) == 1


def test_substitute_refusals_change_nothing_and_tell_nobody(org):
    cases = [
        (CW_B, "stedfortreder <@U0CWB10002> 01.12.2026 18.12.2026 for <@U0IFKB0001>",
         "Bare områdelederen for koordinatorens område"),
        (IFK_B, "stedfortreder <@U0IFR00002> 01.12.2026 18.12.2026",
         "Bare områdelederen for koordinatorens område"),
        (LEADER_B, "stedfortreder <@U0IFR00002> 01.12.2026 18.12.2026 for <@U0IFKA0001|kari>",
         "Kari Nordmann er IFK i område A. Stedfortreder for Kari Nordmann utpekes av områdelederen for "
         "område A"),
        (LEADER_B, "stedfortreder <@U0IFR00002> 01.12.2026 18.12.2026 for <@U0BFK00001>",
         "Maria Haugen er BFK."),
        (LEADER_B, "stedfortreder <@U0NOBODY01> 01.12.2026 18.12.2026",
         "<@U0NOBODY01> er ikke i IFN-katalogen."),
        (LEADER_B, "stedfortreder <@U0IFKB0001> 01.12.2026 18.12.2026", "Ola Hansen kan ikke være sin egen"),
        (LEADER_B, "stedfortreder <@U0IFR00002> 18.12.2026 01.12.2026", "Sluttdatoen 01.12.2026 er før"),
        (LEADER_B, "stedfortreder @tore 01.12.2026 18.12.2026",
         "«@tore» er ikke en person jeg kjenner igjen."),
        (LEADER_B, "stedfortreder <@U0IFR00002> i morgen", "«i» er ikke en dato jeg forstår."),
    ]
    for user, text, expected in cases:
        answer = ifn(org, user, text)["text"]
        assert expected in answer, (text, answer)
    assert count(org, Substitute) == 0
    assert count(org, OutboxMessage) == 0
    assert org.fake.calls("chat.postMessage") == []


# --- the daily reminder: button → modal → designation ------------------------------------------------


def test_daily_reminder_button_opens_the_form_and_the_designation_stops_it(org):
    ifn(org, IFK_B, "fravær 25.11.2026 11.12.2026")
    org.clock.set(datetime(2026, 11, 26, 7, 59, tzinfo=OSLO))  # Thursday, before the morning
    assert org.services.ticker.tick().daily == 0  # the first tick arms the job for 08:00
    assert dms(org.fake, LEADER_B) == []
    org.clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=OSLO))
    assert org.services.ticker.tick().daily == 1
    assert org.services.ticker.tick().daily == 0
    reminders = dms(org.fake, LEADER_B)
    assert len(reminders) == 1
    reminder = reminders[-1]
    assert "*Stedfortreder mangler:* Ola Hansen (IFK i område B) har fravær 25.11.2026–11.12.2026" in (
        text_of(reminder))
    assert buttons(reminder) == {"substitute_designate": str(person_id(org, IFK_B))}
    assert dms(org.fake, LEADER_A) == []

    # someone else pressing the button (a forwarded message) gets no form
    opened = len(org.fake.calls("views.open"))
    click(org, LEADER_A, reminder, "substitute_designate")
    assert len(org.fake.calls("views.open")) == opened
    refusal = replies(org.fake)[-1]["text"]
    assert "Stedfortreder for Ola Hansen utpekes av områdelederen for område B" in refusal

    click(org, LEADER_B, reminder, "substitute_designate")
    view = org.fake.view(org.fake.calls("views.open")[-1].response["view"]["id"])
    assert view["callback_id"] == "substitute_designate"
    assert view["private_metadata"] == str(person_id(org, IFK_B))
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["substitute_person"]["type"] == "users_select"
    assert inputs["substitute_start"]["initial_date"] == "2026-11-26"  # from today, not the past
    assert inputs["substitute_end"]["initial_date"] == "2026-12-11"

    def values(user: str | None, start: str | None, end: str | None) -> dict:
        return state_values({"substitute_person": state_users_select(user),
                             "substitute_start": state_datepicker(start),
                             "substitute_end": state_datepicker(end)})

    # errors come back on the right field, and nothing is stored
    resp = submit(org, LEADER_B, view, values(CW_B2, "2026-12-11", "2026-11-26"))
    assert resp.json()["response_action"] == "errors"
    assert "Sluttdatoen 26.11.2026 er før startdatoen 11.12.2026" in resp.json()["errors"]["substitute_end"]
    resp = submit(org, LEADER_B, view, values(None, "2026-11-26", "2026-12-11"))
    assert resp.json()["errors"] == {"substitute_person": t(Lang.NB, "form.error.required")}
    resp = submit(org, LEADER_B, view, values(CW_B2, "2026-11-26", "2026-13-01"))
    assert resp.json()["errors"] == {"substitute_end": t(Lang.NB, "form.error.invalid")}
    resp = submit(org, LEADER_B, view, values("U0NOBODY01", "2026-11-26", "2026-12-11"))
    assert resp.json()["errors"] == {"substitute_person": "Personen du valgte er ikke i IFN-katalogen. "
                                                          "Stedfortrederen må være registrert."}
    # a forged submission by another leader is checked on the server too
    resp = submit(org, LEADER_A, view, values(CW_B2, "2026-11-26", "2026-12-11"))
    assert "utpekes av områdelederen for område B" in resp.json()["errors"]["substitute_person"]
    assert count(org, Substitute) == 0

    resp = submit(org, LEADER_B, view, values(CW_B2, "2026-11-26", "2026-12-11"))
    assert resp.status == 200 and "errors" not in resp.body
    with org.services.sessions() as s:
        row = s.scalar(select(Substitute))
        stored = (row.absent_person_id, row.substitute_person_id, row.starts_on, row.ends_on,
                  row.designated_by_id)
    assert stored == (person_id(org, IFK_B), person_id(org, CW_B2), date(2026, 11, 26), date(2026, 12, 11),
                      person_id(org, LEADER_B))
    assert last_dm_text(org.fake, CW_B2).startswith(
        "Bjørn Dahl har utpekt deg som *stedfortreder* for Ola Hansen")
    assert last_dm_text(org.fake, IFK_B).startswith("Bjørn Dahl har utpekt *Ida Olsen* som din stedfortreder")
    # the modal closed; the leader gets the confirmation by DM
    assert last_dm_text(org.fake, LEADER_B).startswith(
        "*Ida Olsen* er utpekt som stedfortreder for Ola Hansen")

    # the next working morning: no reminder any more
    before = len(dms(org.fake, LEADER_B))
    org.clock.set(datetime(2026, 11, 27, 8, 0, tzinfo=OSLO))
    assert org.services.ticker.tick().daily == 1
    assert len(dms(org.fake, LEADER_B)) == before


# --- routing follows absences and substitutes --------------------------------------------------------


def test_absent_ifk_is_skipped_and_the_substitute_is_offered_instead(org):
    ifn(org, IFK_B, "fravær 25.11.2026 27.11.2026")
    ifn(org, LEADER_B, "stedfortreder <@U0CWB10002|ida.olsen> 25.11.2026 27.11.2026")
    assert submit(org, CW_B, open_form(org, CW_B, "veiledning"), live_values()).status == 200

    with org.services.sessions() as s:
        offers = [(o.person_id, o.reason, o.reason_params)
                  for o in s.scalars(select(Offer).order_by(Offer.id))]
        routed = s.scalar(select(AuditEvent).where(AuditEvent.kind == "routed"))
    ida, ola = person_id(org, CW_B2), person_id(org, IFK_B)
    assert offers == [(ida, "substitute_for", {"name": "Ola Hansen", "area": "B"})]
    assert {"person_id": ola, "tier": "area_ifk", "reason": "skip_absent", "params": {"until": "27.11"}} in (
        routed.data["skipped"])
    assert routed.data["chain"][0]["person_id"] == ida
    offer = dms(org.fake, CW_B2)[-1]
    assert "request_accept" in buttons(offer)
    assert "stedfortreder for Ola Hansen" in text_of(offer)
    assert all("request_accept" not in buttons(m) for m in dms(org.fake, IFK_B))  # Ola is never offered
    assert click(org, CW_B2, offer, "request_accept").status == 200
    assert "*Ida Olsen* har tatt forespørselen" in last_dm_text(org.fake, CW_B)


def test_status_until_survives_a_restart_and_expires_on_time(org, engine, fake_slack, db_url):
    ifn(org, IFK_A, "status borte til 12:00")
    restarted = BotServer(make_settings(fake_slack, db_url), engine, org.clock).start()
    try:
        slack = SignedRequests(restarted.url, "test-signing-secret", response_url_base=fake_slack.hooks_url)
        answer = slack.slash_command(IFK_A, "status").json()["text"]
        assert answer.startswith("Din status: *borte* til 12:00")
        org.clock.set(datetime(2026, 11, 25, 12, 0, tzinfo=OSLO))
        answer = slack.slash_command(IFK_A, "status").json()["text"]
        assert answer.startswith("Din status: *ledig i arbeidstiden* (standard)")
    finally:
        restarted.stop()
