"""The sandbox's Block Kit renderer (``sandbox/static/blockkit.js``), one element
type at a time, on blocks the bot really produces: modals from the view
builders, and the offer, status and Home tab from a request run through the
real app."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any

import pytest

from bot.domain.language import Lang
from bot.feedback_criteria import load_criteria
from handlers.views.request_forms import feedback_response_modal, hour_proposal_modal, live_modal
from sandbox.slack_requests import (
    state_checkboxes,
    state_plain_text,
    state_static_select,
    state_timepicker,
    state_values,
)
from tests.flows import dms, open_form, submit

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "sandbox" / "static"
CW_B, IFK_B = "U0CWB10001", "U0IFKB0001"
PEOPLE = [{"id": CW_B, "name": "Emil Strand"}, {"id": IFK_B, "name": "Ola Hansen"}]


def render(page: Any, blocks: list[dict[str, Any]], errors: dict[str, str] | None = None) -> None:
    """Render ``blocks`` into #root; actions are collected in window.actions."""
    page.set_content("<!doctype html><html><head><meta charset='utf-8'></head>"
                     "<body><div id='root'></div></body></html>")
    page.add_style_tag(path=str(STATIC / "style.css"))
    page.add_script_tag(path=str(STATIC / "mrkdwn.js"))
    page.add_script_tag(path=str(STATIC / "blockkit.js"))
    page.evaluate(
        """([blocks, users, errors]) => {
            window.actions = [];
            const root = document.getElementById('root');
            root.appendChild(BlockKit.render(blocks, {users, errors,
                onAction: (action, container) =>
                    window.actions.push({action, state: BlockKit.state(container)})}));
        }""",
        [blocks, PEOPLE, errors or {}],
    )


def actions(page: Any) -> list[dict[str, Any]]:
    return page.evaluate("window.actions")


def state(page: Any) -> dict[str, Any]:
    return page.evaluate("BlockKit.state(document.querySelector('#root .bk-blocks'))")


@pytest.fixture
def live_form() -> dict[str, Any]:
    return live_modal(Lang.NB, "B", time(10, 0))


@pytest.fixture
def story(org) -> dict[str, Any]:
    """A live request submitted by Emil Strand: his status message, Ola's offer, Emil's Home tab."""
    view = open_form(org, CW_B, "veiledning")
    values = state_values({"area": state_static_select("B"), "child": state_checkboxes([]),
                           "description": state_plain_text("Søkeren svarer unnvikende om reiseruten."),
                           "room": state_plain_text("Rom 3"), "start_time": state_timepicker("10:15")})
    assert submit(org, CW_B, view, values).status == 200
    assert org.slack.event({"type": "app_home_opened", "user": CW_B, "tab": "home"}).status == 200
    return {"status": dms(org.fake, CW_B)[-1], "offer": dms(org.fake, IFK_B)[-1],
            "home": org.fake.home_view(CW_B)}


def test_header_section_fields_and_buttons_of_a_real_offer(page, story):
    offer = story["offer"]
    render(page, offer["blocks"])
    assert "Løpende veiledning" in page.inner_text(".bk-header")
    fields = page.locator(".bk-section .bk-fields .bk-field")
    assert fields.count() >= 2
    # mrkdwn *bold* becomes <b>
    assert page.locator(".bk-field b").count() >= 1
    accept = page.locator(".bk-actions .bk-button[data-action-id='request_accept']")
    assert "bk-primary" in accept.get_attribute("class")
    accept.click()
    [clicked] = actions(page)
    button = next(e for b in offer["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"] == "request_accept")
    assert clicked["action"]["type"] == "button"
    assert clicked["action"]["action_id"] == "request_accept"
    assert clicked["action"]["value"] == button["value"]
    assert clicked["action"]["block_id"] == page.locator(".bk-actions").first.get_attribute("data-block-id")


def test_context_block_renders_mrkdwn_and_emoji(page, live_form):
    render(page, live_form["blocks"])
    context = page.locator(".bk-context").first
    assert "🔒" in context.inner_text()
    assert ":lock:" not in context.inner_text()


def test_a_button_with_a_confirm_dialog_asks_first(page, story):
    status = story["status"]
    render(page, status["blocks"])
    cancel = page.locator(".bk-button[data-confirm='1']").first
    assert "bk-danger" in cancel.get_attribute("class")
    cancel.click()
    assert page.locator(".bk-confirm").is_visible()
    assert actions(page) == []
    page.click(".bk-confirm-no")
    assert page.locator(".bk-confirm").count() == 0 and actions(page) == []
    cancel.click()
    page.click(".bk-confirm-yes")
    assert [a["action"]["action_id"] for a in actions(page)] == [cancel.get_attribute("data-action-id")]


def test_divider_and_section_accessory_on_the_home_tab(page, story):
    home = story["home"]
    render(page, home["blocks"])
    assert page.locator(".bk-divider hr").count() == sum(b["type"] == "divider" for b in home["blocks"])
    accessory = page.locator(".bk-section .bk-accessory .bk-button").first
    accessory.click()
    [clicked] = actions(page)
    assert clicked["action"]["action_id"] == accessory.get_attribute("data-action-id")
    assert clicked["action"]["block_id"] == page.locator(".bk-section:has(.bk-accessory)").first \
        .get_attribute("data-block-id")


def test_plain_text_inputs_single_and_multiline(page, live_form):
    render(page, live_form["blocks"])
    room = page.locator("[data-block-id='room'] input.bk-plain_text_input")
    description = page.locator("[data-block-id='description'] textarea.bk-plain_text_input")
    assert room.count() == 1 and description.count() == 1
    room_el = next(b["element"] for b in live_form["blocks"] if b.get("block_id") == "room")
    assert room.get_attribute("maxlength") == str(room_el["max_length"])
    assert room.get_attribute("placeholder") == room_el["placeholder"]["text"]
    room.fill("Rom 3")
    description.fill("To linjer\nmed tekst")
    values = state(page)
    assert values["room"]["room"] == {"type": "plain_text_input", "value": "Rom 3"}
    assert values["description"]["description"]["value"] == "To linjer\nmed tekst"
    room_block = next(b for b in live_form["blocks"] if b.get("block_id") == "room")
    assert page.inner_text("[data-block-id='room'] .bk-label") == room_block["label"]["text"]


def test_static_select_with_initial_option(page, live_form):
    render(page, live_form["blocks"])
    select = page.locator("[data-block-id='area'] select.bk-static_select")
    assert select.input_value() == "B"
    select.select_option("A")
    assert state(page)["area"]["area"]["selected_option"]["value"] == "A"
    assert actions(page) == [], "an input block's select is no block action"


def test_checkboxes(page, live_form):
    render(page, live_form["blocks"])
    boxes = page.locator("[data-block-id='child'] .bk-checkboxes input[type=checkbox]")
    assert boxes.count() >= 1
    assert state(page)["child"]["child"] == {"type": "checkboxes", "selected_options": []}
    boxes.first.check()
    chosen = state(page)["child"]["child"]["selected_options"]
    child = next(b["element"] for b in live_form["blocks"] if b.get("block_id") == "child")
    assert [o["value"] for o in chosen] == [child["options"][0]["value"]]


def test_timepicker_and_datepicker(page):
    modal = hour_proposal_modal(Lang.NB, 7)
    render(page, modal["blocks"])
    date_input = page.locator("[data-block-id='slot1_date'] input.bk-datepicker")
    time_input = page.locator("[data-block-id='slot1_time'] input.bk-timepicker")
    assert date_input.get_attribute("type") == "date" and time_input.get_attribute("type") == "time"
    date_input.fill("2026-12-01")
    time_input.fill("13:30")
    values = state(page)
    assert values["slot1_date"]["slot1_date"] == {"type": "datepicker", "selected_date": "2026-12-01"}
    assert values["slot1_time"]["slot1_time"] == {"type": "timepicker", "selected_time": "13:30"}


def test_radio_buttons(page):
    criteria = load_criteria()
    modal = feedback_response_modal(Lang.NB, 7, criteria, [criteria.criteria[0].id])
    render(page, modal["blocks"])
    block = page.locator(".bk-input:has(.bk-radio_buttons)").first
    group = block.locator(".bk-radio_buttons")
    radios = group.locator("input[type=radio]")
    assert radios.count() >= 2
    radios.nth(1).check()
    block_id = block.get_attribute("data-block-id")
    entry = next(iter(state(page)[block_id].values()))
    assert entry["type"] == "radio_buttons"
    assert entry["selected_option"]["value"] == radios.nth(1).get_attribute("value")
    radios.nth(0).check()
    assert next(iter(state(page)[block_id].values()))["selected_option"]["value"] == \
        radios.nth(0).get_attribute("value")


def test_users_select_lists_people_and_sends_the_user_id(page):
    blocks = [{"type": "actions", "block_id": "who", "elements": [
        {"type": "users_select", "action_id": "pick_user",
         "placeholder": {"type": "plain_text", "text": "Velg en person"}}]}]
    render(page, blocks)
    select = page.locator("select.bk-users_select")
    assert [o for o in select.locator("option").all_inner_texts()] == ["Velg en person", "Emil Strand",
                                                                       "Ola Hansen"]
    select.select_option(IFK_B)
    [picked] = actions(page)
    assert picked["action"] == {"type": "users_select", "action_id": "pick_user", "block_id": "who",
                                "selected_user": IFK_B}


def test_users_select_in_the_designation_modal(page):
    from datetime import date

    from bot.services.availability import DesignationForm
    from handlers.views.availability import designation_modal

    modal = designation_modal(Lang.NB, DesignationForm(1, "Ola Hansen", "IFK B", date(2026, 12, 1),
                                                       date(2026, 12, 5)))
    render(page, modal["blocks"])
    select = page.locator("select.bk-users_select")
    assert select.count() == 1
    select.select_option(CW_B)
    [entry] = [v for block in state(page).values() for v in block.values() if v["type"] == "users_select"]
    assert entry["selected_user"] == CW_B


def test_errors_show_under_their_field(page, live_form):
    render(page, live_form["blocks"], errors={"room": "Skriv rommet"})
    assert page.inner_text("[data-block-id='room'] .bk-error") == "Skriv rommet"
    assert page.locator(".bk-error").count() == 1


def test_mrkdwn_links_mentions_quotes_and_escaping(page):
    text = ("Hei <@U0IFKB0001>, se <https://example.org|lenken>\n> sitat\n"
            "1 < 2 & *fet* _kursiv_ ~borte~ `kode`")
    render(page, [{"type": "section", "text": {"type": "mrkdwn", "text": text}}])
    text = page.locator(".bk-text")
    assert text.locator(".bk-mention").inner_text() == "@Ola Hansen"
    assert text.locator("a").get_attribute("href") == "https://example.org"
    assert text.locator("blockquote").inner_text() == "sitat"
    assert text.locator("b").inner_text() == "fet" and text.locator("i").inner_text() == "kursiv"
    assert text.locator("s").inner_text() == "borte" and text.locator("code").inner_text() == "kode"
    assert "1 < 2 &" in text.inner_text()


def opt(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": value}, "value": value}


def test_multi_static_select_with_initial_options_sets_a_rotation(page):
    from datetime import date

    from handlers.views.meetings import meeting_modal

    modal = meeting_modal(Lang.NB, [(1, "Kari Nordmann"), (2, "Ola Hansen"), (3, "Siri Johansen")],
                          date(2026, 12, 1))
    render(page, modal["blocks"])
    takers = page.locator("[data-block-id='mtg_takers'] select.bk-multi_static_select")
    assert takers.get_attribute("multiple") is not None
    assert "[multi_static_select]" not in page.inner_text("#root")
    takers.select_option(label=["Kari Nordmann", "Siri Johansen"])
    entry = state(page)["mtg_takers"]["mtg_takers"]
    assert entry["type"] == "multi_static_select"
    assert [o["value"] for o in entry["selected_options"]] == ["1", "3"]
    blocks = [{"type": "input", "block_id": "b", "label": {"type": "plain_text", "text": "Hvem"},
               "element": {"type": "multi_static_select", "action_id": "a",
                           "options": [opt(x) for x in "xyz"], "initial_options": [opt("y")]}}]
    render(page, blocks)
    assert [o["value"] for o in state(page)["b"]["a"]["selected_options"]] == ["y"]


def test_number_input_of_the_group_session_form(page):
    from datetime import date

    from handlers.views.group_sessions import group_modal

    modal = group_modal(Lang.NB, date(2026, 12, 1), [("1", "Ola Hansen")], None)
    render(page, modal["blocks"])
    capacity = page.locator("[data-block-id='group_capacity'] input.bk-number_input")
    assert capacity.get_attribute("type") == "number" and capacity.input_value() == "8"
    assert (capacity.get_attribute("min"), capacity.get_attribute("step")) == ("1", "1")
    capacity.fill("3")
    assert state(page)["group_capacity"]["group_capacity"] == {"type": "number_input", "value": "3"}


def test_users_and_conversations_selects_single_and_multi_with_initial_values(page):
    conversations = [{"id": "CNETWORK01", "name": "ifn-nettverk", "kind": "channel"},
                     {"id": "GABC", "name": "Ola Hansen", "kind": "group"}]
    blocks = [{"type": "actions", "block_id": "pick", "elements": [
        {"type": "multi_users_select", "action_id": "people", "initial_users": [IFK_B]},
        {"type": "conversations_select", "action_id": "where", "initial_conversation": "GABC"},
        {"type": "channels_select", "action_id": "channel"}]}]
    page.set_content("<!doctype html><html><head><meta charset='utf-8'></head>"
                     "<body><div id='root'></div></body></html>")
    page.add_script_tag(path=str(STATIC / "mrkdwn.js"))
    page.add_script_tag(path=str(STATIC / "blockkit.js"))
    page.evaluate("""([blocks, users, conversations]) => {
        window.actions = [];
        document.getElementById('root').appendChild(BlockKit.render(blocks, {users, conversations,
            onAction: (action) => window.actions.push({action})}));
    }""", [blocks, PEOPLE, conversations])
    values = state(page)["pick"]
    assert values["people"] == {"type": "multi_users_select", "selected_users": [IFK_B]}
    assert values["where"] == {"type": "conversations_select", "selected_conversation": "GABC"}
    channel = page.locator("select.bk-channels_select")
    assert channel.locator("option").all_inner_texts()[1:] == ["#ifn-nettverk"], "channels only"
    channel.select_option("CNETWORK01")
    assert actions(page)[-1]["action"] == {"type": "channels_select", "action_id": "channel",
                                           "block_id": "pick", "selected_channel": "CNETWORK01"}
    page.locator("select.bk-multi_users_select").select_option([CW_B, IFK_B])
    assert actions(page)[-1]["action"]["selected_users"] == [CW_B, IFK_B]


def test_overflow_menu_and_a_confirm_on_a_select(page):
    option = {"text": {"type": "plain_text", "text": "Avlys"}, "value": "cancel"}
    confirm = {"title": {"type": "plain_text", "text": "Sikker?"},
               "text": {"type": "mrkdwn", "text": "Vil du?"},
               "confirm": {"type": "plain_text", "text": "Ja"}, "deny": {"type": "plain_text", "text": "Nei"}}
    blocks = [{"type": "section", "block_id": "s", "text": {"type": "mrkdwn", "text": "Møte"},
               "accessory": {"type": "overflow", "action_id": "more", "options": [option]}},
              {"type": "actions", "block_id": "a", "elements": [
                  {"type": "static_select", "action_id": "pick", "confirm": confirm,
                   "options": [opt("x"), opt("y")]}]}]
    render(page, blocks)
    page.click(".bk-overflow-toggle")
    page.click(".bk-overflow-item[data-value='cancel']")
    assert actions(page)[-1]["action"] == {"type": "overflow", "action_id": "more", "block_id": "s",
                                           "selected_option": option}
    page.select_option("select.bk-static_select", "y")
    assert page.inner_text(".bk-confirm-title") == "Sikker?"
    page.click(".bk-confirm-no")
    assert len(actions(page)) == 1 and page.input_value("select.bk-static_select") == "", "denied: undone"
    page.select_option("select.bk-static_select", "y")
    page.click(".bk-confirm-yes")
    assert actions(page)[-1]["action"]["selected_option"]["value"] == "y"


def test_apply_puts_values_back_where_block_and_action_ids_match(page, live_form):
    render(page, live_form["blocks"])
    page.fill("[data-block-id='room'] input", "Rom 7")
    page.select_option("[data-block-id='area'] select", "C")
    kept = state(page)
    render(page, live_form["blocks"], errors={"room": "Feil"})
    page.evaluate("(values) => BlockKit.apply(document.querySelector('#root .bk-blocks'), values)", kept)
    assert page.input_value("[data-block-id='room'] input") == "Rom 7"
    assert page.input_value("[data-block-id='area'] select") == "C"


def test_mrkdwn_code_blocks_lists_entities_and_channel_mentions(page):
    text = ("*Kvalitetsrapport*\n```Type    Antall\nlive         3\n<@U0IFKB0001> *ikke fet*```\n"
            "• første\n• andre med *fet*\n1. nummer\nA &amp; B &lt;3 <#CNETWORK01|ifn-nettverk> <!here>")
    render(page, [{"type": "section", "text": {"type": "mrkdwn", "text": text}}])
    pre = page.locator(".bk-text pre.bk-pre")
    verbatim = "Type    Antall\nlive         3\n<@U0IFKB0001> *ikke fet*"
    assert pre.inner_text() == verbatim, "nothing is formatted inside ```"
    assert "```" not in page.inner_text(".bk-text")
    assert page.locator(".bk-text > b").inner_text() == "Kvalitetsrapport"
    items = page.locator(".bk-li")
    assert items.count() == 3
    assert items.nth(1).locator("b").inner_text() == "fet"
    assert items.nth(2).locator(".bk-bullet").inner_text() == "1."
    assert "A & B <3" in page.inner_text(".bk-text")
    mentions = page.locator(".bk-text .bk-mention").all_inner_texts()
    assert mentions == ["#ifn-nettverk", "@here"]
