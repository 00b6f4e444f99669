"""Sitting in on an interview (issue 15, "bisitting") end to end: the form,
the offer, the acceptance, both reminders before the interview, and the
coordinator's one-click follow-up afterwards (written feedback or a
supervision hour). Signed HTTP into the running app, Slack faked on loopback,
time moved by the test's clock from Wednesday 25 November 2026 10:00 Oslo."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.forms import FormBlock, criterion_block
from sandbox.slack_requests import (
    state_checkboxes,
    state_datepicker,
    state_plain_text,
    state_radio_buttons,
    state_static_select,
    state_timepicker,
    state_users_select,
    state_values,
)
from storage.models import Request
from tests.flows import buttons, click, dms, dms_without_digests, open_form, replies, submit, text_of

CW_B = "U0CWB10001"  # Emil Strand, caseworker in area B
IFK_B = "U0IFKB0001"  # Ola Hansen, the IFK of area B
IFK_C = "U0IFKC0001"  # Siri Johansen, reads English
BFK = "U0BFK00001"
UNIT_LEADER_B1 = "U0ULB10001"  # Nils Pedersen, Emil Strand's unit leader
#: The interview: Friday 27 November 13:00 Oslo.
INTERVIEW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def sit_in_values(day: str = "2026-11-27", clock: str = "13:00", *, child: list[str] | None = None,
                  watch: str = "Se særlig på fri fortelling og samspillet med tolken.",
                  interviewer: str | None = None) -> dict:
    return state_values({
        FormBlock.INTERVIEWER: state_users_select(interviewer),
        FormBlock.INTERVIEW_DATE: state_datepicker(day),
        FormBlock.INTERVIEW_TIME: state_timepicker(clock),
        FormBlock.ROOM: state_plain_text("Rom 4"),
        FormBlock.DESCRIPTION: state_plain_text(watch),
        FormBlock.CHILD: state_checkboxes(child or []),
        FormBlock.AREA: state_static_select("B"),
    })


def last_dm_text(fake, user: str) -> str:
    """The latest DM but the weekly production prompt (Friday) and other digests."""
    return text_of(dms_without_digests(fake, user)[-1])


def requests(bot) -> list[Request]:
    with bot.services.sessions() as s:
        return list(s.scalars(select(Request).order_by(Request.id)))


def task_message(bot, user: str) -> dict:
    return next(m for m in reversed(dms(bot.fake, user)) if "request_sit_in_feedback" in buttons(m))


def accepted_sit_in(org) -> Request:
    view = open_form(org, CW_B, "bisitting")
    assert view["callback_id"] == "sit_in_request"
    resp = submit(org, CW_B, view, sit_in_values())
    assert resp.status == 200 and resp.body == "", resp.body
    offer = dms(org.fake, IFK_B)[-1]
    assert click(org, IFK_B, offer, "request_accept").status == 200
    [request] = requests(org)
    return request


def test_a_sit_in_from_the_form_to_the_reminders_to_written_feedback(org):
    view = open_form(org, CW_B, "sit-in")  # the English word opens the same form
    assert view["callback_id"] == "sit_in_request"
    assert submit(org, CW_B, view, sit_in_values()).status == 200
    [request] = requests(org)
    assert (request.type, request.state, request.area_code) == ("sit_in", "offered", "B")
    assert request.details["interview_at"] == INTERVIEW.isoformat()
    assert request.description == "Se særlig på fri fortelling og samspillet med tolken."

    # offered to the area's IFK, as a supervision hour would be, with the interview in it
    offer = dms(org.fake, IFK_B)[-1]
    shown = text_of(offer)
    assert "Ny forespørsel: Bisitting" in shown and "27.11.2026 13:00" in shown and "Rom 4" in shown
    assert "fri fortelling" in shown and {"request_accept", "request_decline"} <= set(buttons(offer))
    assert click(org, IFK_B, offer, "request_accept").status == 200
    task = task_message(org, IFK_B)
    assert "Sitt inn på intervjuet *27.11.2026 13:00* i *Rom 4*" in text_of(task)
    assert {"request_sit_in_feedback", "request_sit_in_hour", "request_done"} <= set(buttons(task))
    assert "*Ola Hansen* har tatt forespørselen" in last_dm_text(org.fake, CW_B)

    # both reminded the working day before (Thursday 08:00) and 15 minutes before
    org.clock.set(datetime(2026, 11, 26, 6, 55, tzinfo=UTC))  # Thursday 07:55
    assert org.services.ticker.tick().timers == 0
    org.clock.set(datetime(2026, 11, 26, 7, 5, tzinfo=UTC))
    assert org.services.ticker.tick().timers == 1
    assert "⏰ fredag 27.11: bisitting på intervjuet kl. 13:00 i Rom 4 med Ola Hansen (#1)." \
        == last_dm_text(org.fake, CW_B)
    assert "⏰ fredag 27.11: bisitting på intervjuet kl. 13:00 i Rom 4 med Emil Strand (#1)." \
        == last_dm_text(org.fake, IFK_B)
    org.clock.set(datetime(2026, 11, 27, 11, 46, tzinfo=UTC))  # Friday 12:46
    assert org.services.ticker.tick().timers == 1
    assert last_dm_text(org.fake, CW_B).startswith("⏰ Snart: bisitting på intervjuet kl. 13:00 i Rom 4")
    assert last_dm_text(org.fake, IFK_B).startswith("⏰ Snart: bisitting på intervjuet kl. 13:00 i Rom 4")

    # not before the interview has begun; and only the coordinator who sat in
    assert click(org, IFK_B, task, "request_sit_in_feedback").status == 200
    assert replies(org.fake)[-1]["text"] == \
        "Intervjuet begynner 27.11.2026 13:00. Du kan følge opp når det har begynt."
    org.clock.set(datetime(2026, 11, 27, 14, 5, tzinfo=UTC))  # Friday 15:05: after the interview
    assert org.services.ticker.tick().timers == 1  # the coordinator is asked to follow it up
    assert "Intervjuet du satt inn på for Emil Strand (#1) er over" in last_dm_text(org.fake, IFK_B)
    forged = {**task, "channel": dms(org.fake, CW_B)[-1]["channel"]}
    assert click(org, CW_B, forged, "request_sit_in_feedback").status == 200
    assert replies(org.fake)[-1]["text"] == "Bare den som har tatt forespørselen, kan gjøre dette."
    assert len(requests(org)) == 1

    # one click: a feedback request for the same caseworker, the coordinator's, its form open
    before = len(org.fake.calls("views.open"))
    assert click(org, IFK_B, task, "request_sit_in_feedback").status == 200
    modal = org.fake.view(org.fake.calls("views.open")[before].response["view"]["id"])
    assert modal["callback_id"] == "feedback_response" and modal["private_metadata"] == "2"
    assert "Tilbakemeldingen gjelder intervjuet du satt inn på* (bisitting #1)" in str(modal["blocks"])
    sat, follow_up = requests(org)
    assert sat.state == "completed" and sat.details["followed_by"]["request_id"] == follow_up.id
    assert (follow_up.type, follow_up.state, follow_up.requester_id, follow_up.assignee_id) == \
        ("feedback", "accepted", sat.requester_id, sat.assignee_id)
    assert follow_up.details["sit_in_id"] == sat.id
    assert "✔️ Fulgt opp med Skriftlig tilbakemelding (#2)." in text_of(
        next(m for m in dms(org.fake, IFK_B) if m["ts"] == task["ts"]))
    # the follow-up has its own task message, with the button that opens the form again
    assert "request_write_feedback" in buttons(dms(org.fake, IFK_B)[-1])
    assert "Oppfølging av bisittingen din (#1)." in text_of(dms(org.fake, IFK_B)[-1])

    resp = submit(org, IFK_B, modal, state_values({
        criterion_block("open_questions"): state_radio_buttons("good"),
        FormBlock.OVERALL: state_plain_text("God fri fortelling; la tolken oversette alt."),
    }))
    assert resp.status == 200 and resp.body == "", resp.body
    letter = last_dm_text(org.fake, CW_B)
    assert "Tilbakemelding etter bisitting (#2)" in letter and "la tolken oversette alt" in letter
    assert "Gjelder intervjuet koordinatoren satt inn på (bisitting #1)." in letter
    assert [r.state for r in requests(org)] == ["completed", "completed"]
    # the same button again: the follow-up is delivered, nothing new is made
    assert click(org, IFK_B, task, "request_sit_in_feedback").status == 200
    assert replies(org.fake)[-1]["text"] == "Denne forespørselen er allerede fullført."
    assert len(requests(org)) == 2
    # the timeline says what became of it
    log = org.slack.slash_command(CW_B, "logg 1").json()["text"]
    assert "tatt av Ola Hansen" in log and "fulgt opp av Ola Hansen" in log


def test_a_sit_in_followed_by_a_supervision_hour_opens_the_time_proposal(org):
    sat = accepted_sit_in(org)
    org.clock.set(datetime(2026, 11, 27, 13, 0, tzinfo=UTC))  # Friday 14:00, the interview has begun
    task = task_message(org, IFK_B)
    before = len(org.fake.calls("views.open"))
    assert click(org, IFK_B, task, "request_sit_in_hour").status == 200
    modal = org.fake.view(org.fake.calls("views.open")[before].response["view"]["id"])
    _, hour = requests(org)
    assert modal["callback_id"] == "hour_proposal" and modal["private_metadata"] == str(hour.id)
    assert (hour.type, hour.state, hour.assignee_id, hour.details["sit_in_id"]) == \
        ("hour", "accepted", sat.assignee_id, sat.id)
    # the coordinator proposes Monday 30 Nov 10:00; the caseworker picks it
    resp = submit(org, IFK_B, modal, state_values({
        "slot1_date": state_datepicker("2026-11-30"), "slot1_time": state_timepicker("10:00")}))
    assert resp.status == 200 and resp.body == "", resp.body
    proposal = dms(org.fake, CW_B)[-1]
    assert "Ola Hansen foreslår disse tidene for veiledningstimen (#2)" in text_of(proposal)
    assert click(org, CW_B, proposal, "request_pick_time_0").status == 200
    assert "Veiledningstime avtalt: *30.11.2026 10:00* med Ola Hansen (#2)" in last_dm_text(org.fake, CW_B)
    # the other follow-up is refused, naming the one made
    assert click(org, IFK_B, task, "request_sit_in_feedback").status == 200
    assert replies(org.fake)[-1]["text"] == "Bisittingen er allerede fulgt opp med Veiledningstime (#2)."
    assert len(requests(org)) == 2


def test_a_sit_in_with_a_child_goes_to_the_bfk_first(org):
    view = open_form(org, CW_B, "bisitting")
    assert submit(org, CW_B, view, sit_in_values(child=["accompanying_child"])).status == 200
    [request] = requests(org)
    assert request.child_involved and "request_accept" in buttons(dms(org.fake, BFK)[-1])
    assert not dms(org.fake, IFK_B)


def test_the_interview_must_lie_ahead_on_a_working_day_and_the_form_speaks_english(org):
    view = open_form(org, CW_B, "bisitting")
    weekend = submit(org, CW_B, view, sit_in_values(day="2026-11-28")).json()
    assert weekend["errors"] == {
        "interview_date": "28.11.2026 er ikke en arbeidsdag (helg eller helligdag). Velg en hverdag."}
    past = submit(org, CW_B, view, sit_in_values(day="2026-11-25", clock="09:00")).json()
    assert past["errors"] == {
        "interview_time": "Tidspunktet har allerede vært. Velg et tidspunkt fram i tid."}
    view = open_form(org, IFK_C, "sit-in")
    assert view["title"]["text"] == "Sit in on an interview"
    english = submit(org, IFK_C, view, sit_in_values(clock="17:30")).json()
    assert english["errors"] == {"interview_time": "Pick a time within working hours, 08:00–15:45."}
    assert requests(org) == []


def test_the_sit_in_button_on_the_home_tab_and_in_the_menu_opens_the_form(org):
    resp = org.slack.slash_command(CW_B, "")
    assert resp.status == 200
    menu_blocks = resp.json()["blocks"]
    assert "menu_sit_in" in str(menu_blocks)
    before = len(org.fake.calls("views.open"))
    message = {"type": "message", "ts": "1700000000.000100", "text": "", "blocks": menu_blocks,
               "channel": "D" + CW_B}
    assert click(org, CW_B, message, "menu_sit_in").status == 200
    opened = org.fake.calls("views.open")[before:]
    assert [c.response["view"]["callback_id"] for c in opened] == ["sit_in_request"]
    help_text = str(org.slack.slash_command(CW_B, "hjelp").json())
    assert "`/ifn bisitting` – be en koordinator sitte inn på et planlagt intervju" in help_text
    assert "`/ifn sit-in` – ask a coordinator to sit in" in str(org.slack.slash_command(IFK_C, "help").json())
    org.slack.event({"type": "app_home_opened", "user": CW_B, "tab": "home", "channel": "D0HOME",
                     "event_ts": "1700000000.000200"})
    home = org.fake.calls("views.publish")[-1].args["view"]
    assert "menu_sit_in" in str(home) and "Be om bisitting på et intervju" in str(home)


def test_a_unit_leader_asks_on_a_caseworkers_behalf_and_the_follow_up_is_the_caseworkers(org):
    # a caseworker may not name someone else; a leader may
    view = open_form(org, CW_B, "bisitting")
    refused = submit(org, CW_B, view, sit_in_values(interviewer=IFK_C)).json()
    assert refused["errors"] == {
        "interviewer": "Bare enhetsledere og områdeledere kan be om bisitting på en annens intervju."}
    assert requests(org) == []
    view = open_form(org, UNIT_LEADER_B1, "bisitting")
    assert submit(org, UNIT_LEADER_B1, view, sit_in_values(interviewer=CW_B)).body == ""
    [sat] = requests(org)
    assert sat.details["interviewer_name"] == "Emil Strand"
    assert last_dm_text(org.fake, CW_B) == (
        "Nils Pedersen har bedt en koordinator sitte inn på intervjuet ditt 27.11.2026 13:00 (#1). "
        "Du får påminnelse før intervjuet, og oppfølgingen etterpå.")
    offer = dms(org.fake, IFK_B)[-1]
    assert "*Intervjuer:* Emil Strand" in text_of(offer)
    click(org, IFK_B, offer, "request_accept")
    assert "følger du opp Emil Strand med ett klikk" in text_of(task_message(org, IFK_B))
    org.clock.set(datetime(2026, 11, 27, 11, 46, tzinfo=UTC))  # Friday 12:46
    assert org.services.ticker.tick().timers == 1  # Thursday's reminder was dropped, not sent late
    for user in (CW_B, UNIT_LEADER_B1):
        assert last_dm_text(org.fake, user).startswith("⏰ Snart: bisitting på intervjuet kl. 13:00 i Rom 4")
    org.clock.set(datetime(2026, 11, 27, 13, 0, tzinfo=UTC))
    before = len(org.fake.calls("views.open"))
    click(org, IFK_B, task_message(org, IFK_B), "request_sit_in_feedback")
    modal = org.fake.view(org.fake.calls("views.open")[before].response["view"]["id"])
    _, follow_up = requests(org)
    assert follow_up.requester_id != sat.requester_id  # the caseworker's, not the leader's
    submit(org, IFK_B, modal, state_values({FormBlock.OVERALL: state_plain_text("Godt gjennomført.")}))
    assert last_dm_text(org.fake, CW_B).startswith("*Tilbakemelding etter bisitting (#2)*")


def test_a_sit_in_nobody_took_ends_when_the_interview_begins(org):
    view = open_form(org, CW_B, "bisitting")
    assert submit(org, CW_B, view, sit_in_values(day="2026-11-25", clock="14:00")).body == ""  # today
    offer = dms(org.fake, IFK_B)[-1]
    org.clock.set(datetime(2026, 11, 25, 13, 1, tzinfo=UTC))  # 14:01: the interview has begun
    assert click(org, IFK_B, offer, "request_accept").status == 200  # before the tick: refused
    assert replies(org.fake)[-1]["text"] == \
        "Intervjuet begynte 25.11.2026 14:00; bisittingen kan ikke tas lenger."
    assert org.services.ticker.tick().timers == 1
    [request] = requests(org)
    assert request.state == "unassigned" and request.assignee_id is None
    assert last_dm_text(org.fake, CW_B).startswith("❗ Ingen tok bisittingen (#1) før intervjuet begynte")
    assert "Ingen tok bisittingen før intervjuet begynte." in text_of(dms(org.fake, CW_B)[0])  # status
    stale = next(m for m in dms(org.fake, IFK_B) if m["ts"] == offer["ts"])
    assert "request_accept" not in buttons(stale) and "ikke lenger aktuell" in text_of(stale)
