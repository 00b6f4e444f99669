"""The three routed request types end to end: signed HTTP into the running
app, Slack faked on loopback, time moved by the test's clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.forms import FormBlock, criterion_block, focus_block
from sandbox.slack_requests import (
    state_checkboxes,
    state_datepicker,
    state_plain_text,
    state_radio_buttons,
    state_static_select,
    state_timepicker,
    state_values,
)
from storage.models import AuditEvent, Request
from tests.conftest import EXAMPLE_ORG, EXAMPLE_ORG_2016
from tests.flows import click, dms, last_dm_text, open_form, replies, submit, text_of

CW_B = "U0CWB10001"  # Emil Strand, caseworker in area B
IFK_A, IFK_B, IFK_C = "U0IFKA0001", "U0IFKB0001", "U0IFKC0001"
IFR_1, IFR_2 = "U0IFR00001", "U0IFR00002"
IFK_A3 = "U0CWA10002"  # Sofie Andersen: IFK of unit A3 in the 2016 shape only


@pytest.fixture(params=[EXAMPLE_ORG, EXAMPLE_ORG_2016], ids=["org-2012", "org-2016"])
def org_file(request):
    """Routing, acceptance and fallback hold in both shapes: Emil Strand's unit
    B1 is the only one of area B in the network, so its IFK comes first either way
    (by area in 2012, by unit in 2016); what differs is who else is in the chain."""
    return request.param


#: Everyone a supervision hour from Emil Strand is offered to, in order.
HOUR_CHAIN = {EXAMPLE_ORG.name: (IFK_B, IFK_A, IFK_C, IFR_1, IFR_2),
              EXAMPLE_ORG_2016.name: (IFK_B, IFK_A, IFK_C, IFK_A3, IFR_1, IFR_2)}
FNR = "01019012345"  # placeholder replaced below by a valid number


def valid_fnr() -> str:
    """A syntactically valid fødselsnummer (control digits computed here)."""
    base = "150586123"
    w1, w2 = (3, 7, 6, 1, 8, 9, 4, 5, 2), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    for individual in range(100, 1000):
        digits = [int(c) for c in base[:6] + str(individual)]
        k1 = 11 - sum(a * b for a, b in zip(w1, digits, strict=True)) % 11
        k1 = 0 if k1 == 11 else k1
        if k1 == 10:
            continue
        k2 = 11 - sum(a * b for a, b in zip(w2, digits + [k1], strict=True)) % 11
        k2 = 0 if k2 == 11 else k2
        if k2 == 10:
            continue
        return "".join(map(str, digits)) + f"{k1}{k2}"
    raise AssertionError("no valid number")


def common(description: str = "Søkeren svarer unnvikende om reiseruten.", area: str = "B") -> dict:
    return {
        FormBlock.AREA: state_static_select(area),
        FormBlock.CHILD: state_checkboxes([]),
        FormBlock.DESCRIPTION: state_plain_text(description),
    }


def live_values(**extra) -> dict:
    return state_values({**common(**extra), FormBlock.ROOM: state_plain_text("Rom 3"),
                         FormBlock.START_TIME: state_timepicker("10:15")})


def only_request(bot) -> Request:
    with bot.services.sessions() as s:
        rows = list(s.scalars(select(Request)))
    assert len(rows) == 1
    return rows[0]


def offer_msg(bot, user):
    return dms(bot.fake, user)[-1]


def status_msgs(bot):
    return [m for m in dms(bot.fake, CW_B) if "request_cancel" in text_of(m) or "#" in text_of(m)]


def test_live_supervision_end_to_end(org):
    view = open_form(org, CW_B, "veiledning")
    assert view["callback_id"] == "live_request"
    assert submit(org, CW_B, view, live_values()).status == 200
    rid = only_request(org).id

    # offered to the IFK of area B with Godta/Avslå
    assert "Løpende veiledning" in text_of(offer_msg(org, IFK_B))
    assert click(org, IFK_B, offer_msg(org, IFK_B), "request_decline").status == 200
    assert "Du avslo" in last_dm_text(org.fake, IFK_B)
    # next in the chain: another IFK
    assert "request_accept" in str(offer_msg(org, IFK_A))
    assert "Sendt til *Kari Nordmann*" in last_dm_text(org.fake, CW_B)

    org.clock.advance(timedelta(seconds=181))
    assert org.services.ticker.tick().timeouts == 1
    assert "Tiden gikk ut" in last_dm_text(org.fake, IFK_A)
    # widened: all remaining at once
    assert "alle tilgjengelige" in last_dm_text(org.fake, CW_B)
    assert click(org, IFR_1, offer_msg(org, IFR_1), "request_accept").status == 200
    assert "Gå til *Rom 3*" in last_dm_text(org.fake, IFR_1)
    assert "Allerede tatt av Ingrid Solberg" in last_dm_text(org.fake, IFR_2)
    status = dms(org.fake, CW_B)
    assert len(status) == 1, "one status message, updated in place"
    assert "*Ingrid Solberg* har tatt forespørselen" in text_of(status[0])
    assert org.fake.calls("chat.update"), "status updated with chat.update"

    # a late click on a stale message is answered, and changes nothing
    assert click(org, IFR_2, offer_msg(org, IFR_2) | {"blocks": [
        {"type": "actions", "elements": [{"type": "button", "action_id": "request_accept",
                                          "value": str(rid), "text": {"type": "plain_text", "text": "x"}}]}
    ]}, "request_accept").status == 200
    assert replies(org.fake)[-1]["text"].startswith("Allerede tatt av Ingrid Solberg (")
    assert click(org, IFR_1, offer_msg(org, IFR_1), "request_done").status == 200
    assert only_request(org).state == "completed"
    assert "Fullført av Ingrid Solberg" in last_dm_text(org.fake, CW_B)


def test_feedback_end_to_end_with_structured_feedback(org):
    view = open_form(org, CW_B, "tilbakemelding")
    criteria = org.services.criteria
    fields = {**common("Ønsker tilbakemelding på gjengivelsen av søkerens svar."),
              FormBlock.CASE_REF: state_plain_text("26/01234"),
              FormBlock.REPORT_LOCATION: state_plain_text("P:/rapporter/26-01234.pdf"),
              FormBlock.DEADLINE: state_datepicker("2026-12-04")}
    for group in criteria.groups:
        fields[focus_block(group.id)] = state_checkboxes(
            ["applicant_wording"] if group.id == "content" else [])  # the report's criteria (UDI 2013-011)
    assert submit(org, CW_B, view, state_values(fields)).status == 200
    request = only_request(org)
    assert request.details["case_ref"] == "26/01234"

    assert click(org, IFK_B, offer_msg(org, IFK_B), "request_decline").status == 200
    # Wednesday 10:00 + one working day (7 h 45 min of working time) = Thursday 10:00
    org.clock.advance(timedelta(hours=23, minutes=59))
    assert org.services.ticker.tick().timeouts == 0
    org.clock.advance(timedelta(minutes=1))
    assert org.services.ticker.tick().timeouts == 1
    assert "svarte ikke i tide" in last_dm_text(org.fake, CW_B)
    assert "Sendt til *Siri Johansen*" in last_dm_text(org.fake, CW_B)
    assert click(org, IFK_C, offer_msg(org, IFK_C), "request_accept").status == 200
    assert "*Siri Johansen* har tatt forespørselen" in last_dm_text(org.fake, CW_B)

    # the assignee writes the feedback in a structured modal
    before = len(org.fake.calls("views.open"))
    assert click(org, IFK_C, offer_msg(org, IFK_C), "request_write_feedback").status == 200
    modal = org.fake.view(org.fake.calls("views.open")[before].response["view"]["id"])
    assert modal["callback_id"] == "feedback_response"
    answers = state_values({
        criterion_block("applicant_wording"): state_radio_buttons("improve"),
        criterion_block("headings"): state_radio_buttons("good"),
        FormBlock.OVERALL: state_plain_text("Godt strukturert; la søkerens egne ord stå mer."),
    })
    resp = submit(org, IFK_C, modal, answers)
    assert resp.status == 200 and resp.body == ""
    feedback = last_dm_text(org.fake, CW_B)
    assert "Tilbakemelding på intervjurapporten" in feedback
    assert "så nært søkerens egen måte å formulere seg på som mulig: _kan forbedres_" in feedback
    assert "la søkerens egne ord stå mer" in feedback
    assert only_request(org).state == "completed"
    # delivered privately: no channel post at all (but the mornings' duty posts)
    assert all(c.args["channel"].startswith("D") for c in org.fake.calls("chat.postMessage")
               if not str(c.args.get("text", "")).startswith("Hvem er på vakt"))


def test_supervision_hour_end_to_end_with_reminders(org):
    view = open_form(org, CW_B, "time")
    fields = {**common("Vil snakke om et vanskelig intervju."),
              FormBlock.PREFERRED_PERSON: state_static_select("anyone"),
              FormBlock.PREFERRED_TIMES: state_plain_text("Torsdag eller fredag formiddag")}
    assert submit(org, CW_B, view, state_values(fields)).status == 200
    assert click(org, IFK_B, offer_msg(org, IFK_B), "request_decline").status == 200
    org.clock.advance(timedelta(days=1))  # Thursday 10:00: one working day later
    assert org.services.ticker.tick().timeouts == 1
    assert click(org, IFK_C, offer_msg(org, IFK_C), "request_accept").status == 200

    before = len(org.fake.calls("views.open"))
    click(org, IFK_C, offer_msg(org, IFK_C), "request_propose_times")
    modal = org.fake.view(org.fake.calls("views.open")[before].response["view"]["id"])
    # now: Thursday 26 Nov 10:00 Oslo. Propose Monday 30 Nov 10:00 and 13:00.
    resp = submit(org, IFK_C, modal, state_values({
        "slot1_date": state_datepicker("2026-11-30"), "slot1_time": state_timepicker("10:00"),
        "slot2_date": state_datepicker("2026-11-30"), "slot2_time": state_timepicker("13:00"),
    }))
    assert resp.status == 200 and resp.body == ""
    proposal = dms(org.fake, CW_B)[-1]
    assert "foreslår disse tidene" in text_of(proposal)
    picked = click(org, CW_B, proposal, "request_pick_time_1")
    assert picked.status == 200
    assert "Supervision hour agreed: *30.11.2026 13:00* with Emil Strand" in last_dm_text(org.fake, IFK_C)
    assert "Veiledningstime avtalt: *30.11.2026 13:00* med Siri Johansen" in [
        text_of(m) for m in dms(org.fake, CW_B)][-1]
    # the proposal's buttons are replaced by the outcome, for the one who got them
    proposal = next(m for m in dms(org.fake, CW_B) if m["ts"] == proposal["ts"])
    assert "Valgt: *30.11.2026 13:00*" in text_of(proposal) and "request_pick_time" not in str(proposal)
    # reminders: the working day before (Friday 08:00, naming the true day) and 15 minutes before
    org.clock.advance(timedelta(hours=21, minutes=50))  # Friday 07:50 → not yet
    assert org.services.ticker.tick().timers == 0
    org.clock.advance(timedelta(minutes=15))  # Friday 08:05
    assert org.services.ticker.tick().timers == 1
    assert "mandag 30.11: veiledningstime kl. 13:00" in last_dm_text(org.fake, CW_B)
    assert "Monday 30.11: supervision hour at 13:00" in last_dm_text(org.fake, IFK_C)
    org.clock.set(datetime(2026, 11, 30, 11, 45, tzinfo=UTC))  # Monday 12:45 Oslo
    assert org.services.ticker.tick().timers == 1
    assert "Snart: veiledningstime med Siri Johansen mandag 30.11 kl. 13:00" in last_dm_text(org.fake, CW_B)


def test_national_id_in_free_text_is_refused_and_nothing_is_stored(org):
    view = open_form(org, CW_B, "veiledning")
    resp = submit(org, CW_B, view, live_values(description=f"Søker {valid_fnr()} vil ikke svare"))
    assert resp.status == 200
    body = resp.json()
    assert body["response_action"] == "errors"
    assert "fødselsnummer eller D-nummer" in body["errors"][FormBlock.DESCRIPTION]
    with org.services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Request)) == 0
        # (the directory's own audit trail, without a request, holds the import)
        request_events = select(func.count()).select_from(AuditEvent) \
            .where(AuditEvent.request_id.is_not(None))
        assert s.scalar(request_events) == 0
    assert not org.fake.calls("chat.postMessage")


def test_bad_case_reference_is_refused_on_its_field(org):
    view = open_form(org, CW_B, "feedback")
    fields = {**common(), FormBlock.CASE_REF: state_plain_text("sak 12"),
              FormBlock.REPORT_LOCATION: state_plain_text("P:/x.pdf"),
              FormBlock.DEADLINE: state_datepicker("2026-12-04")}
    body = submit(org, CW_B, view, state_values(fields)).json()
    assert set(body["errors"]) == {FormBlock.CASE_REF}
    with org.services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Request)) == 0


def test_slack_retry_of_a_submission_creates_one_request(org):
    view = open_form(org, CW_B, "veiledning")
    assert submit(org, CW_B, view, live_values()).status == 200
    assert submit(org, CW_B, view, live_values(), retry_num=1, retry_reason="http_timeout").status == 200
    with org.services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Request)) == 1
    assert len(dms(org.fake, IFK_B)) == 1


def test_someone_not_offered_clicking_accept_is_refused(org):
    view = open_form(org, CW_B, "veiledning")
    submit(org, CW_B, view, live_values())
    message = offer_msg(org, IFK_B)
    resp = org.slack.block_actions(IFK_A, [{"action_id": "request_accept", "block_id": "x", "type": "button",
                                            "value": str(only_request(org).id),
                                            "text": {"type": "plain_text", "text": "Godta"}}],
                                   message=message, channel=message["channel"])
    assert resp.status == 200
    assert replies(org.fake)[-1]["text"] == (
        "Denne forespørselen er ikke sendt til deg, så du kan ikke godta eller avslå den.")
    assert replies(org.fake)[-1]["response_type"] == "ephemeral"
    assert only_request(org).state == "offered"


def test_requester_withdraws_and_the_offer_says_so(org):
    view = open_form(org, CW_B, "veiledning")
    submit(org, CW_B, view, live_values())
    assert click(org, CW_B, dms(org.fake, CW_B)[0], "request_cancel").status == 200
    assert only_request(org).state == "cancelled"
    assert "Innsenderen trakk tilbake" in last_dm_text(org.fake, IFK_B)
    # the stale Godta button now gets an answer instead of a crash
    stale = {"type": "actions", "elements": [{"type": "button", "action_id": "request_accept",
                                              "value": str(only_request(org).id),
                                              "text": {"type": "plain_text", "text": "Godta"}}]}
    msg = offer_msg(org, IFK_B) | {"blocks": [stale]}
    assert click(org, IFK_B, msg, "request_accept").status == 200
    assert replies(org.fake)[-1]["text"] == "Denne forespørselen er allerede trukket tilbake."


def test_timeline_is_shown_to_the_requester_offered_people_the_area_leader_and_admins_only(org):
    view = open_form(org, CW_B, "veiledning")
    submit(org, CW_B, view, live_values())
    rid = only_request(org).id
    click(org, IFK_B, offer_msg(org, IFK_B), "request_decline")
    # requester, offered, offered, admin (Ingrid), the area's leader
    for user in (CW_B, IFK_B, IFK_A, "U0IFR00001", "U0ALEADB01"):
        body = org.slack.slash_command(user, f"logg {rid}").json()
        assert f"Tidslinje for #{rid}" in body["text"], user
        assert "avslått av Ola Hansen" in body["text"]
    for user in ("U0CWB10002", "U0ALEADA01"):  # a colleague, another area's leader
        body = org.slack.slash_command(user, f"logg {rid}").json()
        assert body["text"] == f"Du har ikke tilgang til tidslinjen for #{rid}."
    assert "Bruk: `/ifn logg NUMMER`" in org.slack.slash_command(CW_B, "logg abc").json()["text"]


def test_exhausted_chain_through_clicks(org, org_file):
    view = open_form(org, CW_B, "time")
    submit(org, CW_B, view, state_values({**common("Trenger en prat om intervjuteknikk."),
                                          FormBlock.PREFERRED_PERSON: state_static_select("anyone"),
                                          FormBlock.PREFERRED_TIMES: state_plain_text("Neste uke")}))
    for user in HOUR_CHAIN[org_file.name]:
        assert click(org, user, offer_msg(org, user), "request_decline").status == 200
    assert only_request(org).state == "unassigned"
    status = text_of(dms(org.fake, CW_B)[0])
    assert "Ingen i nettverket er tilgjengelig akkurat nå" in status
    assert "Områdelederen din er varslet" in status
    assert "Ingen i nettverket kunne ta en forespørsel om *Veiledningstime* fra Emil Strand" in \
        last_dm_text(org.fake, "U0ALEADB01")


def test_two_accept_clicks_at_the_same_moment_over_http(org):
    import threading

    submit(org, CW_B, open_form(org, CW_B, "veiledning"), live_values())
    org.clock.advance(timedelta(seconds=181))
    org.services.ticker.tick()  # widened: IFK A, IFK C and both IFRs hold open offers
    messages = {u: offer_msg(org, u) for u in (IFR_1, IFR_2)}
    barrier = threading.Barrier(2)
    statuses = {}

    def press(user):
        barrier.wait()
        statuses[user] = click(org, user, messages[user], "request_accept").status

    threads = [threading.Thread(target=press, args=(u,)) for u in messages]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    assert statuses == {IFR_1: 200, IFR_2: 200}
    request = only_request(org)
    winner = "Ingrid Solberg" if request.assignee_id == person(org, IFR_1) else "Tore Bakken"
    assert [r["text"].split(" (")[0] for r in replies(org.fake)] == [f"Allerede tatt av {winner}"]
    with org.services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.kind == "accepted")) == 1


def test_restart_during_an_offer_fires_the_overdue_timeout_once(org, engine, fake_slack, db_url):
    from sandbox.slack_requests import SignedRequests
    from tests.harness import BotServer, make_settings

    submit(org, CW_B, open_form(org, CW_B, "veiledning"), live_values())
    org.clock.advance(timedelta(minutes=30))  # the bot was down across the deadline
    restarted = BotServer(make_settings(fake_slack, db_url), engine, org.clock).start()
    try:
        assert restarted.services.ticker.tick().timeouts == 1
        assert restarted.services.ticker.tick().timeouts == 0
        assert "Tiden gikk ut" in last_dm_text(fake_slack, IFK_B)
        # the restarted app answers clicks as before
        slack = SignedRequests(restarted.url, "test-signing-secret", response_url_base=fake_slack.hooks_url)
        msg = offer_msg(org, IFR_1)
        from sandbox.slack_requests import button

        values = {b["action_id"]: b["value"] for blk in msg["blocks"] if blk["type"] == "actions"
                  for b in blk["elements"]}
        assert slack.block_actions(IFR_1, [button("request_accept", values["request_accept"])],
                                   message=msg, channel=msg["channel"]).status == 200
    finally:
        restarted.stop()
    assert only_request(org).state == "accepted"
    with org.services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.kind == "timed_out")) == 1


def test_feedback_assignee_is_reminded_one_working_day_before_the_deadline(org):
    view = open_form(org, CW_B, "tilbakemelding")
    fields = {**common(), FormBlock.CASE_REF: state_plain_text("26/01234"),
              FormBlock.REPORT_LOCATION: state_plain_text("P:/x.pdf"),
              FormBlock.DEADLINE: state_datepicker("2026-11-30")}  # Monday
    submit(org, CW_B, view, state_values(fields))
    click(org, IFK_B, offer_msg(org, IFK_B), "request_accept")
    org.clock.advance(timedelta(days=1, hours=21, minutes=59))  # Friday 07:59
    assert org.services.ticker.tick().timers == 0
    org.clock.advance(timedelta(minutes=1))  # Friday 08:00, the working day before Monday
    assert org.services.ticker.tick().timers == 1
    assert "Påminnelse: tilbakemeldingen på #1 (26/01234) har frist mandag 30.11" in \
        last_dm_text(org.fake, IFK_B)


def person(bot, slack_id):
    from tests.flows import person_id

    return person_id(bot, slack_id)


def test_only_the_assignee_can_propose_times(org):
    view = open_form(org, CW_B, "time")
    submit(org, CW_B, view, state_values({**common("Ønsker en veiledningstime."),
                                          FormBlock.PREFERRED_PERSON: state_static_select("anyone"),
                                          FormBlock.PREFERRED_TIMES: state_plain_text("Fredag")}))
    click(org, IFK_B, offer_msg(org, IFK_B), "request_accept")
    before = len(org.fake.calls("views.open"))
    click(org, IFK_B, offer_msg(org, IFK_B), "request_propose_times")
    modal = org.fake.view(org.fake.calls("views.open")[before].response["view"]["id"])
    times = state_values({"slot1_date": state_datepicker("2026-11-27"),
                          "slot1_time": state_timepicker("10:00")})
    # someone else submitting the same modal (a forged or shared view) is refused on the field
    body = submit(org, IFK_A, modal, times).json()
    assert body["response_action"] == "errors"
    assert body["errors"] == {"slot1_date": "Bare den som har tatt forespørselen, kan gjøre dette."}
    assert "proposed_times" not in only_request(org).details
    assert submit(org, IFK_B, modal, times).status == 200
    assert len(only_request(org).details["proposed_times"]) == 1


def test_log_with_odd_numbers_gets_the_usage_not_a_crash(org):
    for text in ("logg ²", "logg 99999999999", "logg -1"):
        body = org.slack.slash_command(CW_B, text).json()
        assert "Bruk: `/ifn logg NUMMER`" in body["text"], text
