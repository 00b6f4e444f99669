"""The pure parts of support conversations, line issues and group sessions:
form parsers (PII screening, choices, dates) and the announcement builder."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.language import Lang
from bot.forms import (
    ANYONE,
    FormBlock,
    GroupForm,
    IssueForm,
    SupportForm,
    Urgency,
    parse_group,
    parse_issue,
    parse_issue_reply,
    parse_support,
)
from bot.services.group_sessions import announcement
from bot.settings import CoreSettings
from storage.models import GroupSession
from tests.e2e.test_request_flows import valid_fnr

NB, EN = Lang.NB, Lang.EN
OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=OSLO)


def sel(v):
    return {"type": "static_select", "selected_option": {"value": v} if v else None}


def radio(v):
    return {"type": "radio_buttons", "selected_option": {"value": v} if v else None}


def text(v):
    return {"type": "plain_text_input", "value": v}


def values(**fields):
    return {k: {k: v} for k, v in fields.items()}


# ----------------------------------------------------------------- support

def support(person=ANYONE, urgency="week", note=None):
    return values(**{FormBlock.PREFERRED_PERSON: sel(person), FormBlock.URGENCY: radio(urgency),
                     FormBlock.NOTE: text(note)})


def test_support_anyone_without_a_note_is_valid():
    form = parse_support(support(), NB, ["7"])
    assert isinstance(form, SupportForm)
    assert form.preferred_person is None and form.urgency is Urgency.WEEK and form.note == ""
    assert form.details() == {"urgency": "week"}


def test_support_picked_person_must_be_offered():
    assert parse_support(support(person="7"), NB, ["7"]).preferred_person == "7"
    errors = parse_support(support(person="99"), NB, ["7"])
    assert FormBlock.PREFERRED_PERSON in errors


@pytest.mark.parametrize("urgency", [None, "yesterday"])
def test_support_urgency_is_required_and_one_of_the_choices(urgency):
    assert FormBlock.URGENCY in parse_support(support(urgency=urgency), NB)


def test_support_note_is_screened_for_national_ids_and_limited():
    errors = parse_support(support(note=f"søker {valid_fnr()}"), NB)
    assert errors[FormBlock.NOTE] and valid_fnr() not in str(errors)
    assert FormBlock.NOTE in parse_support(support(note="x" * 501), EN)
    assert parse_support(support(note="  Tungt i dag  "), NB).note == "Tungt i dag"


# ------------------------------------------------------------------- issues

def issue(kind="case", area="B", title="Språkanalyse", body="Hva gjør vi med dialekter?"):
    return values(**{FormBlock.ISSUE_KIND: radio(kind), FormBlock.AREA: sel(area),
                     FormBlock.ISSUE_TITLE: text(title), FormBlock.ISSUE_TEXT: text(body)})


def test_issue_parses_and_case_kinds_need_an_area():
    form = parse_issue(issue(), NB, ["A", "B", "C"])
    assert isinstance(form, IssueForm) and form.area == "B"
    assert FormBlock.AREA in parse_issue(issue(area=None), NB, ["A", "B", "C"])
    assert isinstance(parse_issue(issue(kind="general", area=None), NB, ["A", "B"]), IssueForm)
    assert FormBlock.AREA in parse_issue(issue(area="X"), NB, ["A", "B"])
    assert FormBlock.ISSUE_KIND in parse_issue(issue(kind="gossip"), NB, ["A"])


def test_issue_texts_are_screened():
    assert FormBlock.ISSUE_TEXT in parse_issue(issue(body=f"Gjelder {valid_fnr()}"), NB, ["B"])
    assert FormBlock.ISSUE_TITLE in parse_issue(issue(title=valid_fnr()), NB, ["B"])
    reply = values(**{FormBlock.ISSUE_REPLY: text(f"Se {valid_fnr()}")})
    assert FormBlock.ISSUE_REPLY in parse_issue_reply(reply, NB)
    ok = parse_issue_reply(values(**{FormBlock.ISSUE_REPLY: text("Vi ser på det.")}), NB)
    assert ok.issue_reply == "Vi ser på det."


# ------------------------------------------------------------------- groups

def group(day="2026-12-02", at="13:00", capacity="8", co=ANYONE):
    return values(**{FormBlock.GROUP_TITLE: text("Traumer i intervju"),
                     FormBlock.GROUP_DATE: {"type": "datepicker", "selected_date": day},
                     FormBlock.GROUP_TIME: {"type": "timepicker", "selected_time": at},
                     FormBlock.GROUP_PLACE: text("Fjorden"),
                     FormBlock.GROUP_CAPACITY: {"type": "number_input", "value": capacity},
                     FormBlock.GROUP_CO_ORGANISER: sel(co)})


def test_group_form_parses_the_start_in_local_time():
    form = parse_group(group(co="5"), NB, NOW, ["5"])
    assert isinstance(form, GroupForm)
    assert form.starts_at == datetime(2026, 12, 2, 13, 0, tzinfo=OSLO)
    assert form.group_capacity == 8 and form.group_co_organiser == "5"
    assert parse_group(group(), NB, NOW, ["5"]).group_co_organiser is None


@pytest.mark.parametrize(("kwargs", "block"), [
    ({"day": "2026-11-25", "at": "09:00"}, FormBlock.GROUP_DATE),
    ({"day": None}, FormBlock.GROUP_DATE),
    ({"at": None}, FormBlock.GROUP_TIME),
    ({"capacity": "0"}, FormBlock.GROUP_CAPACITY),
    ({"capacity": "101"}, FormBlock.GROUP_CAPACITY),
    ({"capacity": "mange"}, FormBlock.GROUP_CAPACITY),
    ({"co": "42"}, FormBlock.GROUP_CO_ORGANISER),
])
def test_group_form_refusals(kwargs, block):
    errors = parse_group(group(**kwargs), NB, NOW, ["5"])
    assert isinstance(errors, dict) and block in errors


def _session(**kw) -> GroupSession:
    base = dict(id=3, kind="group", title="Traumer", starts_at=datetime(2026, 12, 2, 12, 0, tzinfo=UTC),
                location="Fjorden", capacity=4, organiser_id=1, co_organiser_id=None, channel="C1",
                cancelled=False)
    return GroupSession(**(base | kw))


def test_announcement_shows_places_left_full_and_cancelled():
    settings = CoreSettings()
    text_, blocks = announcement(_session(), ["Ola Hansen"], 1, 0, settings)
    assert "3 av 4 plasser ledige" in str(blocks) and "02.12" in text_
    actions = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert actions == ["group_sign_up", "group_withdraw", "group_cancel"]
    _, blocks = announcement(_session(), ["Ola Hansen"], 4, 2, settings)
    assert "2 på venteliste" in str(blocks)
    _, blocks = announcement(_session(cancelled=True), ["Ola Hansen"], 4, 2, settings)
    assert "Avlyst" in str(blocks) and not [b for b in blocks if b["type"] == "actions"]
