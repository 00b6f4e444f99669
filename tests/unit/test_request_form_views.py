"""The request modals and menu: block ids the parsers read, element types,
localized texts, Slack's limits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain.language import Lang
from bot.feedback_criteria import load_criteria
from bot.forms import (
    ANYONE,
    FormBlock,
    criterion_block,
    focus_block,
    parse_feedback,
    parse_feedback_response,
    parse_hour,
    parse_hour_proposal,
    parse_live,
)
from bot.forms_sit_in import parse_sit_in
from bot.i18n import t
from handlers.ids import ActionId, BlockId, CallbackId
from handlers.views.request_forms import (
    OPTION_TEXT_MAX,
    _short,
    feedback_modal,
    feedback_response_modal,
    hour_modal,
    hour_proposal_modal,
    live_modal,
    request_menu_blocks,
    request_menu_text,
    sit_in_modal,
)

CRITERIA = load_criteria("interview")  # the tests name its criteria
TODAY = date(2026, 3, 10)
PEOPLE = [("12", "Kari Nordmann (IFK, område A)"), ("13", "Ola Nordmann (IFR)")]

BUILDERS: dict[str, Callable[[Lang], dict[str, Any]]] = {
    "live": lambda lang: live_modal(lang, "B", time(9, 37)),
    "feedback": lambda lang: feedback_modal(lang, "A", CRITERIA, TODAY),
    "hour": lambda lang: hour_modal(lang, "C", PEOPLE),
    "response": lambda lang: feedback_response_modal(lang, 42, CRITERIA, ["themes", "case_prep"]),
    "proposal": lambda lang: hour_proposal_modal(lang, 42),
    "sit_in": lambda lang: sit_in_modal(lang, "B", TODAY),
}
CALLBACKS = {
    "live": CallbackId.LIVE_REQUEST,
    "feedback": CallbackId.FEEDBACK_REQUEST,
    "hour": CallbackId.HOUR_REQUEST,
    "response": CallbackId.FEEDBACK_RESPONSE,
    "proposal": CallbackId.HOUR_PROPOSAL,
    "sit_in": CallbackId.SIT_IN_REQUEST,
}
#: Optional inputs of which exactly one must be given: an empty form's error lands on the first.
EITHER_OR = {"feedback": {FormBlock.REPORT_LOCATION.value}}


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def empty_submission(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What Slack sends for the view when nothing was filled in (initial values kept)."""
    values: dict[str, dict[str, Any]] = {}
    for block_id, block in inputs(view).items():
        element = block["element"]
        kind = element["type"]
        state: dict[str, Any] = {"type": kind}
        if kind == "plain_text_input":
            state["value"] = element.get("initial_value")
        elif kind in ("static_select", "radio_buttons"):
            state["selected_option"] = element.get("initial_option")
        elif kind == "checkboxes":
            state["selected_options"] = element.get("initial_options", [])
        elif kind == "datepicker":
            state["selected_date"] = element.get("initial_date")
        elif kind == "timepicker":
            state["selected_time"] = element.get("initial_time")
        values[block_id] = {element["action_id"]: state}
    return values


# ----------------------------------------------------------------- common


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("name", list(BUILDERS))
def test_every_modal_is_a_valid_localized_modal(name: str, lang: Lang):
    view = BUILDERS[name](lang)
    assert view["type"] == "modal"
    assert view["callback_id"] == CALLBACKS[name]
    for part in ("title", "submit", "close"):
        assert view[part]["type"] == "plain_text"
        assert 1 <= len(view[part]["text"]) <= 24
    assert view["close"]["text"] == t(lang, "form.close")
    assert len(view["blocks"]) <= 100


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("name", list(BUILDERS))
def test_every_input_uses_its_block_id_as_action_id(name: str, lang: Lang):
    for block_id, block in inputs(BUILDERS[name](lang)).items():
        assert block["element"]["action_id"] == block_id


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("name", list(BUILDERS))
def test_every_modal_starts_with_who_sees_it_and_no_personal_data(name: str, lang: Lang):
    first = BUILDERS[name](lang)["blocks"][0]
    assert first["type"] == "context"
    assert t(lang, "form.privacy") in first["elements"][0]["text"]


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("name", list(BUILDERS))
def test_option_texts_fit_slacks_limit(name: str, lang: Lang):
    for block in inputs(BUILDERS[name](lang)).values():
        for option in block["element"].get("options", []):
            assert len(option["text"]["text"]) <= OPTION_TEXT_MAX
            assert len(option["value"]) <= 150


def test_titles_per_language():
    assert live_modal(Lang.NB, "A", time(9, 0))["title"]["text"] == "Løpende veiledning"
    assert live_modal(Lang.EN, "A", time(9, 0))["title"]["text"] == "Live supervision"
    assert feedback_modal(Lang.NB, "A", CRITERIA, TODAY)["title"]["text"] == "Skriftlig tilbakemelding"
    assert hour_modal(Lang.NB, "A", [])["title"]["text"] == "Veiledningstime"
    assert hour_modal(Lang.EN, "A", [])["submit"]["text"] == "Send request"
    assert hour_modal(Lang.NB, "A", [])["submit"]["text"] == "Send forespørsel"


def _ids_of_errors(name: str, lang: Lang) -> set[str]:
    view = BUILDERS[name](lang)
    values = empty_submission(view)
    now = datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/Oslo"))
    result: Any = {
        "live": lambda: parse_live(values, lang),
        "feedback": lambda: parse_feedback(values, lang, TODAY, r"^\d{2}/\d{5}(-\d{1,3})?$", CRITERIA),
        "hour": lambda: parse_hour(values, lang, [pid for pid, _ in PEOPLE]),
        "response": lambda: parse_feedback_response(values, lang, CRITERIA),
        "proposal": lambda: parse_hour_proposal(values, lang, now),
        "sit_in": lambda: parse_sit_in(values, lang, now),
    }[name]()
    assert isinstance(result, dict) and result, "an empty form must not validate"
    return set(result)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_errors_of_an_empty_submission_land_on_required_inputs_of_the_view(name: str):
    view = BUILDERS[name](Lang.NB)
    required = {bid for bid, b in inputs(view).items() if not b.get("optional")}
    assert _ids_of_errors(name, Lang.NB) <= required | EITHER_OR.get(name, set())


# ------------------------------------------------------------------- live


def test_live_modal_fields_in_order():
    view = live_modal(Lang.NB, "B", time(9, 37))
    assert list(inputs(view)) == [
        FormBlock.ROOM,
        FormBlock.START_TIME,
        FormBlock.DESCRIPTION,
        FormBlock.CHILD,
        FormBlock.AREA,
    ]
    blocks = inputs(view)
    assert blocks[FormBlock.ROOM]["element"]["type"] == "plain_text_input"
    assert blocks[FormBlock.ROOM]["element"]["max_length"] == 100
    assert blocks[FormBlock.ROOM]["label"]["text"] == "Intervjurom"
    assert blocks[FormBlock.START_TIME]["element"] == {
        "type": "timepicker",
        "action_id": "start_time",
        "initial_time": "09:35",
    }
    description = blocks[FormBlock.DESCRIPTION]["element"]
    assert description["multiline"] is True
    assert (description["min_length"], description["max_length"]) == (5, 1000)
    assert blocks[FormBlock.DESCRIPTION]["label"]["text"] == "Hva trenger du hjelp til?"
    assert "Forespørselen går straks til koordinatoren" in view["blocks"][0]["elements"][0]["text"]


def test_live_modal_in_english():
    blocks = inputs(live_modal(Lang.EN, "B", time(9, 0)))
    assert blocks[FormBlock.ROOM]["label"]["text"] == "Interview room"
    assert blocks[FormBlock.START_TIME]["label"]["text"] == "Interview start time"
    assert [o["text"]["text"] for o in blocks[FormBlock.CHILD]["element"]["options"]] == [
        "Unaccompanied minor",
        "Accompanying child",
    ]


def test_start_time_defaults_to_now_rounded_down():
    oslo = ZoneInfo("Europe/Oslo")
    view = live_modal(Lang.NB, "A", datetime(2026, 3, 10, 14, 4, 59, tzinfo=oslo))
    assert inputs(view)[FormBlock.START_TIME]["element"]["initial_time"] == "14:00"
    view = live_modal(Lang.NB, "A", time(8, 5))
    assert inputs(view)[FormBlock.START_TIME]["element"]["initial_time"] == "08:05"


def test_each_opening_of_the_live_form_is_its_own_copy():
    first = live_modal(Lang.NB, "A", time(9, 0), private_metadata='{"n": 1}')
    inputs(first)[FormBlock.ROOM]["label"]["text"] = "changed by whoever got it"
    second = live_modal(Lang.NB, "A", time(11, 12), private_metadata='{"n": 2}')
    assert inputs(second)[FormBlock.ROOM]["label"]["text"] == "Intervjurom"
    assert inputs(second)[FormBlock.START_TIME]["element"]["initial_time"] == "11:10"
    assert (first["private_metadata"], second["private_metadata"]) == ('{"n": 1}', '{"n": 2}')
    assert inputs(first)[FormBlock.START_TIME]["element"]["initial_time"] == "09:00"
    assert inputs(live_modal(Lang.NB, "B", time(9, 0)))[FormBlock.AREA]["element"]["initial_option"][
        "value"] == "B"


def test_live_form_metadata_over_slacks_limit_is_refused():
    with pytest.raises(ValueError):
        live_modal(Lang.NB, "A", time(9, 0), private_metadata="x" * 3001)


def test_child_checkboxes_are_optional_with_both_kinds():
    block = inputs(live_modal(Lang.NB, "A", time(9, 0)))[FormBlock.CHILD]
    assert block["optional"] is True
    assert block["element"]["type"] == "checkboxes"
    assert [(o["value"], o["text"]["text"]) for o in block["element"]["options"]] == [
        ("unaccompanied_minor", "Enslig mindreårig"),
        ("accompanying_child", "Medfølgende barn"),
    ]


def test_area_defaults_to_the_requesters_area():
    block = inputs(live_modal(Lang.NB, "B", time(9, 0)))[FormBlock.AREA]
    element = block["element"]
    assert element["type"] == "static_select"
    assert [o["value"] for o in element["options"]] == ["A", "B", "C"]
    assert element["initial_option"]["value"] == "B"
    assert element["initial_option"]["text"]["text"] == "Område B"
    assert "optional" not in block


def test_no_area_means_no_preselection():
    element = inputs(live_modal(Lang.EN, None, time(9, 0)))[FormBlock.AREA]["element"]
    assert "initial_option" not in element
    assert element["options"][0]["text"]["text"] == "Area A"


def test_areas_can_be_configured():
    element = inputs(live_modal(Lang.NB, "N", time(9, 0), areas=("N", "S")))[FormBlock.AREA]["element"]
    assert [o["value"] for o in element["options"]] == ["N", "S"]


def test_private_metadata_is_passed_through():
    assert live_modal(Lang.NB, "A", time(9, 0), private_metadata="C123")["private_metadata"] == "C123"


# --------------------------------------------------------------- feedback


def test_feedback_modal_fields():
    view = feedback_modal(Lang.NB, "A", CRITERIA, TODAY)
    blocks = inputs(view)
    assert list(blocks)[:8] == [
        FormBlock.CASE_REF,
        FormBlock.REPORT_LOCATION,
        FormBlock.RECORDING_REF,
        FormBlock.DEADLINE,
        FormBlock.REPORT_AUTHOR,
        FormBlock.DESCRIPTION,
        FormBlock.CHILD,
        FormBlock.AREA,
    ]
    author = blocks[FormBlock.REPORT_AUTHOR]  # whose report it is: optional, a person in Slack
    assert author["optional"] is True and author["element"]["type"] == "users_select"
    assert author["label"]["text"] == "Hvem skrev rapporten?"
    assert blocks[FormBlock.CASE_REF]["label"]["text"] == "Saksnummer"
    assert blocks[FormBlock.CASE_REF]["element"]["placeholder"]["text"] == "F.eks. 26/01234"
    assert blocks[FormBlock.REPORT_LOCATION]["element"]["max_length"] == 300
    # the report or the recording (issue 15): both optional in Slack, exactly one checked on submit
    assert blocks[FormBlock.REPORT_LOCATION]["optional"] is True
    recording = blocks[FormBlock.RECORDING_REF]
    assert recording["optional"] is True and recording["element"]["max_length"] == 300
    assert recording["label"]["text"] == "Eller: referanse til lydopptaket av intervjuet"
    deadline = blocks[FormBlock.DEADLINE]
    assert deadline["element"]["type"] == "datepicker"
    assert deadline["hint"]["text"] == "Tidligst i dag, senest 08.06.2026."


def test_feedback_case_ref_example_is_configurable():
    view = feedback_modal(Lang.EN, "A", CRITERIA, TODAY, case_ref_example="2026-000123")
    assert inputs(view)[FormBlock.CASE_REF]["element"]["placeholder"]["text"] == "E.g. 2026-000123"


@pytest.mark.parametrize("lang", list(Lang))
def test_focus_criteria_are_checkboxes_per_group(lang: Lang):
    blocks = inputs(feedback_modal(lang, "A", CRITERIA, TODAY))
    focus = {bid: b for bid, b in blocks.items() if bid.startswith(f"{FormBlock.FOCUS}.")}
    assert list(focus) == [focus_block(g.id) for g in CRITERIA.groups]
    for group in CRITERIA.groups:
        block = focus[focus_block(group.id)]
        assert block["optional"] is True
        assert block["label"]["text"] == group.label(lang)
        assert block["element"]["type"] == "checkboxes"
        options = block["element"]["options"]
        assert len(options) <= 10
        assert [o["value"] for o in options] == [c.id for c in group.criteria]


def test_long_criterion_labels_are_shortened_for_the_checkbox():
    options = inputs(feedback_modal(Lang.NB, "A", CRITERIA, TODAY))[focus_block("preparation")]["element"][
        "options"
    ]
    full = CRITERIA.get("case_prep").label(Lang.NB)  # type: ignore[union-attr]
    assert len(full) > OPTION_TEXT_MAX
    assert options[0]["text"]["text"].endswith("…")
    assert full.startswith(options[0]["text"]["text"][:-1])
    assert options[1]["text"]["text"] == CRITERIA.get("physical_prep").label(Lang.NB)  # type: ignore[union-attr]


def test_short_helper():
    assert _short("kort") == "kort"
    assert _short("ord " * 30) == ("ord " * 18).strip() + "…"
    assert len(_short("x" * 200)) == OPTION_TEXT_MAX


# ------------------------------------------------------------------- hour


def test_hour_modal_person_select_offers_anyone_first():
    blocks = inputs(hour_modal(Lang.NB, "C", PEOPLE))
    person = blocks[FormBlock.PREFERRED_PERSON]
    assert person["optional"] is True
    element = person["element"]
    assert element["type"] == "static_select"
    assert [(o["value"], o["text"]["text"]) for o in element["options"]] == [
        (ANYONE, "Første ledige"),
        ("12", "Kari Nordmann (IFK, område A)"),
        ("13", "Ola Nordmann (IFR)"),
    ]
    assert element["initial_option"]["value"] == ANYONE
    times = blocks[FormBlock.PREFERRED_TIMES]
    assert times["element"]["multiline"] is True
    assert times["element"]["max_length"] == 500
    assert "optional" not in times
    assert list(blocks) == [
        FormBlock.PREFERRED_PERSON,
        FormBlock.PREFERRED_TIMES,
        FormBlock.DESCRIPTION,
        FormBlock.CHILD,
        FormBlock.AREA,
    ]


def test_hour_modal_in_english():
    blocks = inputs(hour_modal(Lang.EN, "C", PEOPLE))
    assert blocks[FormBlock.PREFERRED_PERSON]["element"]["options"][0]["text"]["text"] == "First available"
    assert blocks[FormBlock.PREFERRED_TIMES]["label"]["text"] == "When suits you?"


# ------------------------------------------------------ feedback response


def test_feedback_response_lists_focus_criteria_first_and_marked():
    view = feedback_response_modal(Lang.NB, 42, CRITERIA, ["themes", "case_prep"])
    assert view["private_metadata"] == "42"
    assert view["submit"]["text"] == "Send tilbakemelding"
    blocks = inputs(view)
    rating_ids = [bid for bid in blocks if bid.startswith(f"{FormBlock.CRITERION}.")]
    # focus in catalog order first, then every other criterion once
    assert rating_ids[:2] == [criterion_block("case_prep"), criterion_block("themes")]
    assert sorted(rating_ids) == sorted(criterion_block(c) for c in CRITERIA.ids)
    first = blocks[criterion_block("case_prep")]
    assert first["label"]["text"].startswith("★ Saksforberedelser")
    assert first["label"]["text"].endswith("(fokus)")
    assert "★" not in blocks[criterion_block("interpreter")]["label"]["text"]
    assert first["optional"] is True
    assert first["element"]["type"] == "radio_buttons"
    assert [(o["value"], o["text"]["text"]) for o in first["element"]["options"]] == [
        ("good", "Godt"),
        ("improve", "Kan forbedres"),
        ("not_relevant", "Ikke relevant"),
    ]
    overall = blocks[FormBlock.OVERALL]
    assert "optional" not in overall
    assert overall["element"]["multiline"] is True
    assert overall["label"]["text"] == "Samlet tilbakemelding"


def test_feedback_response_group_headings_and_english():
    view = feedback_response_modal(Lang.EN, 7, CRITERIA, [])
    sections = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    assert sections == [f"*{g.en}*" for g in CRITERIA.groups]
    blocks = inputs(view)
    assert [o["text"]["text"] for o in blocks[criterion_block("themes")]["element"]["options"]] == [
        "Good",
        "Can be improved",
        "Not relevant",
    ]
    assert blocks[criterion_block("themes")]["label"]["text"] == "Mapping and probing of relevant themes"


def test_a_group_whose_criteria_are_all_focus_gets_no_heading():
    view = feedback_response_modal(Lang.NB, 7, CRITERIA, ["report_accuracy"])
    sections = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    assert "*Registrering av informasjon*" not in sections
    assert sections[0] == t(Lang.NB, "form.response.focus_heading")


# ----------------------------------------------------------- hour proposal


def test_hour_proposal_has_three_date_time_pairs_first_required():
    view = hour_proposal_modal(Lang.NB, 42)
    assert view["private_metadata"] == "42"
    blocks = inputs(view)
    assert list(blocks) == [
        FormBlock.SLOT1_DATE,
        FormBlock.SLOT1_TIME,
        FormBlock.SLOT2_DATE,
        FormBlock.SLOT2_TIME,
        FormBlock.SLOT3_DATE,
        FormBlock.SLOT3_TIME,
    ]
    assert [b["element"]["type"] for b in blocks.values()] == ["datepicker", "timepicker"] * 3
    assert [b.get("optional", False) for b in blocks.values()] == [False, False, True, True, True, True]
    assert blocks[FormBlock.SLOT2_TIME]["label"]["text"] == "Klokkeslett, forslag 2"
    assert inputs(hour_proposal_modal(Lang.EN, 42))[FormBlock.SLOT3_DATE]["label"]["text"] == "Date, option 3"


# ------------------------------------------------------------------- menu


@pytest.mark.parametrize(
    "lang, labels",
    [
        (Lang.NB, ["Løpende veiledning", "Skriftlig tilbakemelding", "Veiledningstime", "Bisitting"]),
        (Lang.EN, ["Live supervision", "Written feedback", "Supervision hour", "Sit in on an interview"]),
    ],
)
def test_request_menu_has_a_button_per_form(lang: Lang, labels: list[str]):
    blocks = request_menu_blocks(lang)
    assert [b["type"] for b in blocks] == ["section", "actions", "context"]
    actions = blocks[1]
    assert actions["block_id"] == BlockId.REQUEST_MENU
    assert [e["action_id"] for e in actions["elements"]] == [
        ActionId.MENU_LIVE,
        ActionId.MENU_FEEDBACK,
        ActionId.MENU_HOUR,
        ActionId.MENU_SIT_IN,
    ]
    assert [e["text"]["text"] for e in actions["elements"]] == labels
    assert [e["value"] for e in actions["elements"]] == ["live", "feedback", "hour", "sit_in"]
    assert "/ifn" in blocks[2]["elements"][0]["text"]
    assert request_menu_text(lang).startswith(t(lang, "form.menu.intro"))


def test_menu_hint_uses_the_users_command_words():
    assert "/ifn veiledning" in request_menu_blocks(Lang.NB)[2]["elements"][0]["text"]
    assert "/ifn hjelp" in request_menu_blocks(Lang.NB)[2]["elements"][0]["text"]
    assert "/ifn live" in request_menu_blocks(Lang.EN)[2]["elements"][0]["text"]


# ----------------------------------------------------------------- sit-in


def test_sit_in_modal_asks_for_the_planned_interview():
    view = sit_in_modal(Lang.NB, "B", TODAY)
    blocks = inputs(view)
    assert list(blocks) == [FormBlock.INTERVIEW_DATE, FormBlock.INTERVIEW_TIME, FormBlock.ROOM,
                            FormBlock.DESCRIPTION, FormBlock.INTERVIEWER, FormBlock.CHILD, FormBlock.AREA]
    interviewer = blocks[FormBlock.INTERVIEWER]  # a leader may ask on a caseworker's behalf
    assert interviewer["optional"] is True and interviewer["element"]["type"] == "users_select"
    assert view["title"]["text"] == "Bisitting"
    assert blocks[FormBlock.INTERVIEW_DATE]["element"]["type"] == "datepicker"
    assert blocks[FormBlock.INTERVIEW_DATE]["hint"]["text"] == "En arbeidsdag fram i tid, senest 08.06.2026."
    assert blocks[FormBlock.INTERVIEW_TIME]["element"]["type"] == "timepicker"
    assert blocks[FormBlock.DESCRIPTION]["label"]["text"] == "Hva skal koordinatoren se etter?"
    assert blocks[FormBlock.AREA]["element"]["initial_option"]["value"] == "B"
    assert sit_in_modal(Lang.EN, "B", TODAY)["title"]["text"] == "Sit in on an interview"
