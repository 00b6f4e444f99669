"""A browser story for each kind of request the bot handles, played through the
sandbox page only (no Slack ids typed, nothing sent past the page), each from a
fixed moment: Wednesday 2 December 2026, 07:55 in Oslo, or a Friday before noon
for the production goal. (Live supervision has its own story in
``test_sandbox_story.py``, from four hard moments.)"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.browser.steps import CW_B, CW_B2, IFK_A, IFK_B, IFR_1, IFR_2, LEADER_B

pytestmark = pytest.mark.browser

OSLO = ZoneInfo("Europe/Oslo")
START = datetime(2026, 12, 2, 7, 55, tzinfo=OSLO)
FRIDAY_BEFORE_NOON = datetime(2026, 11, 27, 11, 55, tzinfo=OSLO)


def ask(slack, command: str, fields: dict[str, str], areas: tuple[str, ...] = ()) -> None:
    """Emil Strand asks with ``/ifn <command>``: the common fields, then ``fields``
    (block id -> text typed into its input or textarea)."""
    modal = slack.command(command)
    modal = slack.modal()
    slack.field(modal, "description", "textarea").fill("Intervjuet dreier seg om reiseruten.")
    for block_id, text in fields.items():
        target = modal.locator(f"[data-block-id='{block_id}']").locator("input, textarea").first
        target.fill(text)
    slack.submit(modal)


def test_written_feedback(slack):
    slack.clock("next-working-day")
    ask(slack, "tilbakemelding", {"case_ref": "26/01234", "report_location": "P:/rapporter/26-01234.pdf",
                                  "deadline": "2026-12-04"})
    slack.message("(#1)")

    slack.be(IFK_B)
    offer = slack.message("Skriftlig tilbakemelding")
    slack.press(offer, "request_accept")
    taken = slack.with_button("request_write_feedback")
    slack.press(taken, "request_write_feedback")
    form = slack.modal()
    groups = form.locator(".bk-radio_buttons")
    for i in range(groups.count()):
        groups.nth(i).locator("input[type=radio]").first.check()
    slack.field(form, "overall", "textarea").fill("Godt strukturert; slipp søkeren mer til i starten.")
    slack.submit(form)

    slack.be(CW_B)
    delivered = slack.message("Godt strukturert")
    assert "Tilbakemelding på intervjurapporten (#1)" in delivered.inner_text()


def test_supervision_hour_with_proposed_times(slack):
    slack.clock("next-working-day")
    ask(slack, "time", {"preferred_times": "Torsdag eller fredag formiddag"})
    slack.be(IFK_B)
    slack.press(slack.message("Veiledningstime"), "request_accept")
    proposing = slack.with_button("request_propose_times")
    slack.press(proposing, "request_propose_times")
    form = slack.modal()
    slack.field(form, "slot1_date").fill("2026-12-03")
    slack.field(form, "slot1_time").fill("10:00")
    slack.field(form, "slot2_date").fill("2026-12-04")
    slack.field(form, "slot2_time").fill("13:30")
    slack.submit(form)

    slack.be(CW_B)
    proposal = slack.with_button("request_pick_time*")
    proposal.locator(".bk-button[data-action-id^='request_pick_time']").nth(1).click()
    agreed = slack.message("Veiledningstime avtalt")
    assert "04.12.2026 13:30" in agreed.inner_text() and "Ola Hansen" in agreed.inner_text()
    slack.be(IFK_B)
    assert "04.12.2026 13:30" in slack.message("Veiledningstime avtalt").inner_text()


def test_support_conversation_in_a_group_dm(slack):
    slack.clock("next-working-day")
    modal = slack.command("støtte")
    modal = slack.modal("support_request")
    modal.locator("[data-block-id='preferred_person'] select").select_option(label="Tore Bakken (IFR)")
    modal.locator("[data-block-id='urgency'] input[type=radio]").first.check()
    slack.field(modal, "note", "textarea").fill("Tungt intervju i dag, trenger å prate litt.")
    slack.submit(modal)

    slack.be(IFR_2)
    offer = slack.message("Støttesamtale")
    assert "Tungt intervju" not in offer.inner_text(), "the note is not in the offer"
    slack.press(offer, "request_accept")
    slack.go_to_group_with("Emil Strand")
    intro = slack.message("bare dere to")
    assert intro.locator(".msg-author").inner_text() == "ifn-bot"
    slack.type("Hei Emil, passer det å ringe kl. 10?")

    slack.be(CW_B)
    slack.go_to_group_with("Tore Bakken")
    said = slack.message("passer det å ringe")
    assert said.locator(".msg-author").inner_text() == "Tore Bakken"
    slack.be(LEADER_B)
    assert slack.page.locator(".nav-item", has_text="👥").count() == 0, "the area leader sees nothing of it"


def test_group_session_sign_up_in_the_network_channel(slack):
    slack.clock("next-working-day")
    slack.be(IFK_B)
    modal = slack.command("gruppe")
    modal = slack.modal()
    slack.field(modal, "group_title").fill("Barnesamtaler i praksis")
    slack.field(modal, "group_date").fill("2026-12-09")
    slack.field(modal, "group_time").fill("13:00")
    slack.field(modal, "group_place").fill("Møterom Fjord")
    slack.field(modal, "group_capacity").fill("2")
    slack.submit(modal)

    slack.be(CW_B, "network")
    post = slack.message("Barnesamtaler i praksis")
    assert "2 av 2 plasser ledige" in post.inner_text()
    slack.press(post, "group_sign_up")
    slack.page.locator("#conversation").get_by_text("1 av 2 plasser ledige").wait_for()
    slack.be(CW_B2, "network")
    slack.press(slack.message("Barnesamtaler i praksis"), "group_sign_up")
    slack.page.locator("#conversation").get_by_text("Fullt (2 plasser)").wait_for()
    confirmed = slack.page.locator("#conversation .msg-ephemeral", has_text="Du er påmeldt").last
    assert "Bare synlig for deg" in confirmed.inner_text(), "the confirmation is Ida's only"
    slack.be(IFK_B, "network")
    assert slack.page.locator("#conversation .msg-ephemeral", has_text="Du er påmeldt").count() == 0


def test_network_meeting_with_a_rotation_and_minutes_in_two_channels(slack):
    slack.clock("next-working-day")
    slack.be(IFR_1)
    slack.command("møte ny")
    modal = slack.modal("meeting_create")
    slack.field(modal, "mtg_title").fill("IFN-møte")
    slack.field(modal, "mtg_first").fill("2026-12-02")
    slack.field(modal, "mtg_time").fill("09:00")
    slack.field(modal, "mtg_location").fill("Teams")
    modal.locator("[data-block-id='mtg_takers'] select").select_option(label=["Kari Nordmann", "Ola Hansen"])
    slack.submit(modal)
    assert "er opprettet" in slack.message("IFN-møte").inner_text()

    slack.clock("+1h")
    slack.clock("+1h")  # 10:00: the meeting has ended, the first minute-taker is asked
    slack.be(IFK_A)
    prompt = slack.message("skriv referatet her")
    slack.press(prompt, "minutes_write")
    minutes = slack.modal("minutes_submit")
    slack.field(minutes, "min_decisions", "textarea").fill("Ny mal for tilbakemelding vedtatt.")
    slack.field(minutes, "min_actions", "textarea").fill("Kari: oppdatere malen\nOla: informere områdene")
    slack.submit(minutes)

    slack.go("network")
    assert "Ny mal for tilbakemelding vedtatt." in slack.message("Referat: IFN-møte").inner_text()
    assert slack.page.locator(".nav-item[data-view='management']").count() == 0
    slack.be(IFR_1, "management")
    assert "Kari: oppdatere malen" in slack.message("Referat: IFN-møte").inner_text()


@pytest.mark.parametrize("start", [FRIDAY_BEFORE_NOON], ids=["friday-before-noon"])
def test_production_goal_exemption_decided_by_the_area_leader(slack, start):
    slack.be(IFK_B)
    notice = slack.clock("friday-noon")
    assert "fredag 27. november 2026 kl. 12:00" in notice
    prompt = slack.with_button("production_request_exemption")
    slack.press(prompt, "production_request_exemption")
    form = slack.modal()
    slack.field(form, "production_reason", "textarea").fill("Kurs hele uken.")
    slack.submit(form)

    slack.be(LEADER_B)
    ask = slack.message("søker unntak")
    assert "Ola Hansen" in ask.inner_text() and "Kurs hele uken." in ask.inner_text()
    slack.press(ask, "production_exemption_approve")
    slack.be(IFK_B)
    assert "Bjørn Dahl har godkjent" in slack.message("har godkjent").inner_text()
