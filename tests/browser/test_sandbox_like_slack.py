"""The sandbox page does what Slack does, in a real browser, from a fixed moment
(Tuesday 1 December 2026, 07:55 in Oslo — the first working day of a month):
a field error keeps what was typed, @ offers people and sends a Slack mention,
↑ brings back the last command, channels only for their members, the monthly
report's code block, times on the bot's clock, Norwegian labels and clock, and
the Home tab's status toggle showing the status in force."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from storage.models import Person, Substitute
from tests.browser.steps import CW_B, IFK_B, IFR_1, LEADER_B
from tests.e2e.test_request_flows import valid_fnr

pytestmark = pytest.mark.browser

START = datetime(2026, 12, 1, 7, 55, tzinfo=ZoneInfo("Europe/Oslo"))


def test_a_field_error_keeps_every_value_and_shows_under_its_field(slack):
    slack.clock("next-working-day")
    modal = slack.command("veiledning", "live_request")
    modal.locator("[data-block-id='area'] select").select_option("A")
    modal.locator("[data-block-id='room'] input").fill("Rom 3")
    modal.locator("[data-block-id='start_time'] input").fill("10:15")
    modal.locator("[data-block-id='child'] input[type=checkbox]").first.check()
    described = modal.locator("[data-block-id='description'] textarea")
    described.fill(f"Søkeren {valid_fnr()} svarer unnvikende.")
    modal.locator(".modal-submit").click()
    error = modal.locator("[data-block-id='description'] .bk-error")
    error.wait_for()
    assert "fødselsnummer" in error.inner_text()
    assert modal.locator(".bk-error").count() == 1
    # everything typed is still there
    assert modal.locator("[data-block-id='area'] select").input_value() == "A"
    assert modal.locator("[data-block-id='room'] input").input_value() == "Rom 3"
    assert modal.locator("[data-block-id='start_time'] input").input_value() == "10:15"
    assert modal.locator("[data-block-id='child'] input[type=checkbox]").first.is_checked()
    assert described.input_value().startswith("Søkeren ")
    described.fill("Søkeren svarer unnvikende.")
    slack.submit(modal)
    assert "Rom 3" in slack.message("(#1)").inner_text()


def test_at_offers_people_and_the_bot_gets_a_slack_mention(slack, sandbox):
    slack.be(LEADER_B)
    box = slack.page.locator("#composer")
    box.fill("/ifn stedfortreder @tor")
    offered = slack.page.locator("#mentions .mention-item")
    offered.first.wait_for()
    assert offered.first.inner_text().startswith("Tore Bakken")
    box.press("Enter")  # picks, does not send
    assert box.input_value() == "/ifn stedfortreder @Tore Bakken "
    box.press("End")
    box.type("01.12.2026 18.12.2026")
    box.press("Enter")
    answer = slack.page.locator("#conversation .msg-ephemeral:not(.msg-typed)").last
    answer.wait_for()
    assert "Tore Bakken" in answer.inner_text() and "kjenner igjen" not in answer.inner_text()
    typed = slack.page.locator("#conversation .msg-typed").last
    assert typed.locator(".bk-mention").get_attribute("data-user-id") == "U0IFR00002"
    with sandbox.services.sessions() as s:
        [designation] = s.scalars(select(Substitute)).all()
        assert s.get(Person, designation.substitute_person_id).slack_user_id == "U0IFR00002"


def test_up_arrow_brings_back_the_last_commands(slack):
    slack.type("/ifn hjelp")
    slack.page.locator("#conversation .msg-ephemeral:not(.msg-typed)").last.wait_for()
    slack.type("/ifn status")
    box = slack.page.locator("#composer")
    box.press("ArrowUp")
    assert box.input_value() == "/ifn status"
    box.press("ArrowUp")
    assert box.input_value() == "/ifn hjelp"
    box.press("ArrowDown")
    assert box.input_value() == "/ifn status"
    box.press("ArrowDown")
    assert box.input_value() == ""


def test_the_management_channel_only_for_its_members(slack):
    nav = slack.page.locator(".nav-item[data-view='network']")
    nav.wait_for()
    assert slack.page.locator(".nav-item[data-view='management']").count() == 0, "a caseworker"
    slack.be(IFK_B)
    assert slack.page.locator(".nav-item[data-view='management']").count() == 0, "an IFK"
    slack.be(IFR_1, "management")
    assert slack.page.inner_text("#view-title") == "#ifn-ledelse"


def test_the_monthly_report_is_a_code_block_in_the_management_channel(slack):
    slack.be(IFR_1)
    notice = slack.clock("next-working-day")  # 08:00 on the first working day: the monthly jobs
    assert "daglige jobber" in notice
    slack.go("management")
    report = slack.message("Kvalitetsrapport")
    block = report.locator("pre.bk-pre")
    assert block.count() == 1
    assert "```" not in report.inner_text()
    assert "\n" in block.inner_text(), "the table keeps its lines"
    assert block.evaluate("e => getComputedStyle(e).whiteSpace") == "pre"


def test_times_are_the_bots_and_the_labels_norwegian(slack):
    assert slack.page.inner_text("#clock") == "tirsdag 1. desember 2026 kl. 07:55"
    labels = slack.page.locator("#who option").all_inner_texts()
    assert "Bjørn Dahl — områdeleder (B)" in labels
    assert not [x for x in labels if "area_leader" in x or "caseworker" in x]
    slack.clock("next-working-day")
    assert slack.page.inner_text("#clock") == "tirsdag 1. desember 2026 kl. 08:00"
    slack.clock("+1h")
    slack.type("/ifn hjelp")
    answer = slack.page.locator("#conversation .msg-ephemeral:not(.msg-typed)").last
    answer.wait_for()
    assert answer.locator(".msg-time").inner_text() == "09:00"
    assert slack.page.locator("#conversation .day-divider").last.inner_text() == "i dag"


def test_the_home_tab_marks_the_status_in_force(slack):
    slack.be(IFK_B)
    home = slack.home()
    active = home.locator(".bk-button.bk-primary[data-action-id^='home_status_']")
    assert active.inner_text() == "✓ Ledig"
    home.locator(".bk-button[data-action-id='home_status_busy']").click()
    slack.page.locator(".bk-button.bk-primary[data-action-id='home_status_busy']").wait_for()
    slack.page.locator("#conversation").get_by_text("opptatt (i intervju)").first.wait_for()
    assert slack.page.locator(".bk-button.bk-primary[data-action-id^='home_status_']").count() == 1
    slack.be(CW_B, "home")
    # Emil's own Home tab, not the one still on screen from before: then count.
    slack.page.locator("#conversation .bk-blocks").get_by_text(slack.name_of(CW_B)).first.wait_for()
    assert slack.page.locator("[data-action-id^='home_status_']").count() == 0


def test_an_update_of_the_open_modal_keeps_what_was_typed(slack, sandbox):
    """views.update with the same block_id and action_id keeps the user's input,
    as Slack documents; a new block appears. (The bot's side is played by the
    fake's own Web API client here: the bot itself sends no such update yet.)"""
    slack.clock("next-working-day")
    modal = slack.command("veiledning", "live_request")
    slack.field(modal, "room").fill("Rom 12")
    view_id = modal.get_attribute("data-view-id")
    view = sandbox.fake.view(view_id)
    note = {"type": "context", "block_id": "added",
            "elements": [{"type": "mrkdwn", "text": "Oppdatert skjema"}]}
    kept = ("type", "callback_id", "title", "submit", "close", "private_metadata")
    updated = {key: view[key] for key in kept}
    sandbox.fake.client().views_update(view_id=view_id, view={**updated, "blocks": [note, *view["blocks"]]})
    modal.locator("[data-block-id='added']").wait_for()
    assert slack.field(modal, "room").input_value() == "Rom 12"
