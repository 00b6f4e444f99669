"""Modals for network meetings and minutes: the meeting form (a series or a
one-off), the minutes form behind **Skriv referat**, and the plan form.

Input block ids equal their action ids (``MeetingBlock`` / ``MinutesBlock``);
``private_metadata`` carries only an occurrence id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Any

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.domain.language import Lang
from bot.i18n import t
from bot.messages.text import escape
from bot.recurrence import Freq
from bot.services.meetings import MeetingForm

TITLE_MAX = 150
TEXT_MAX = 2900
URL_MAX = 300
#: The meetings.location column holds 200 characters.
LOCATION_MAX = 200
OPTION_TEXT_MAX = 75


class MeetingCallback(StrEnum):
    CREATE = "meeting_create"
    MINUTES = "minutes_submit"
    PLAN = "plan_submit"


class MeetingBlock(StrEnum):
    TITLE = "mtg_title"
    FREQ = "mtg_freq"
    FIRST = "mtg_first"
    TIME = "mtg_time"
    LOCATION = "mtg_location"
    AGENDA = "mtg_agenda"
    TAKERS = "mtg_takers"


class MinutesBlock(StrEnum):
    DECISIONS = "min_decisions"
    ACTIONS = "min_actions"
    NOTES = "min_notes"
    PLAN_TITLE = "plan_title"
    PLAN_BODY = "plan_body"


def _text(block: StrEnum, label: str, *, optional: bool = False, multiline: bool = False,
          max_length: int = TEXT_MAX, initial: str | None = None) -> InputBlock:
    return InputBlock(block_id=block.value, label=label, optional=optional,
                      element=PlainTextInputElement(action_id=block.value, multiline=multiline,
                                                    max_length=max_length, initial_value=initial or None))


def meeting_modal(lang: Lang, members: Sequence[tuple[int, str]], today: date,
                  initial: MeetingForm | None = None, meeting_id: int | None = None) -> dict[str, Any]:
    """The meeting form: empty to create, filled in from ``initial`` to edit
    meeting ``meeting_id`` (its id is the modal's private_metadata)."""
    freq_options = [Option(value=f.value, text=t(lang, f"mtg.form.freq.{f.value}")[:OPTION_TEXT_MAX])
                    for f in (Freq.WEEKLY, Freq.BIWEEKLY, Freq.MONTHLY, Freq.ONCE)]
    member_options = [Option(value=str(pid), text=name[:OPTION_TEXT_MAX]) for pid, name in members[:100]]
    freq = initial.rule.freq.value if initial else Freq.WEEKLY.value
    first = initial.first if initial else today
    at = initial.at.strftime("%H:%M") if initial else "10:00"
    takers = [str(pid) for pid in initial.minute_takers] if initial else []
    chosen = sorted((o for o in member_options if o.value in takers), key=lambda o: takers.index(o.value))
    blocks = [
        _text(MeetingBlock.TITLE, t(lang, "mtg.form.name"), max_length=TITLE_MAX,
              initial=initial.title if initial else None),
        InputBlock(block_id=MeetingBlock.FREQ.value, label=t(lang, "mtg.form.freq"),
                   element=StaticSelectElement(
                       action_id=MeetingBlock.FREQ.value, options=freq_options,
                       initial_option=next(o for o in freq_options if o.value == freq))),
        InputBlock(block_id=MeetingBlock.FIRST.value, label=t(lang, "mtg.form.first"),
                   element=DatePickerElement(action_id=MeetingBlock.FIRST.value,
                                             initial_date=first.isoformat())),
        InputBlock(block_id=MeetingBlock.TIME.value, label=t(lang, "mtg.form.time"),
                   element=TimePickerElement(action_id=MeetingBlock.TIME.value, initial_time=at)),
        _text(MeetingBlock.LOCATION, t(lang, "mtg.form.location"), optional=True, max_length=LOCATION_MAX,
              initial=initial.location if initial else None),
        _text(MeetingBlock.AGENDA, t(lang, "mtg.form.agenda"), optional=True, max_length=URL_MAX,
              initial=initial.agenda_url if initial else None),
    ]
    if member_options:
        blocks.append(InputBlock(
            block_id=MeetingBlock.TAKERS.value, label=t(lang, "mtg.form.takers"), optional=True,
            element=StaticMultiSelectElement(action_id=MeetingBlock.TAKERS.value, options=member_options,
                                             initial_options=chosen or None)))
    editing = meeting_id is not None
    return View(type="modal", callback_id=MeetingCallback.CREATE.value,
                private_metadata=str(meeting_id) if editing else None,
                title=t(lang, "mtg.form.title_edit" if editing else "mtg.form.title"),
                submit=t(lang, "mtg.form.save" if editing else "mtg.form.submit"),
                close=t(lang, "mtg.form.cancel"), blocks=blocks).to_dict()


def minutes_modal(lang: Lang, occurrence_id: int, title: str) -> dict[str, Any]:
    return View(
        type="modal", callback_id=MeetingCallback.MINUTES.value, private_metadata=str(occurrence_id),
        title=t(lang, "min.form.title"), submit=t(lang, "min.form.submit"), close=t(lang, "mtg.form.cancel"),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=f"*{escape(title[:TITLE_MAX])}*")),
            _text(MinutesBlock.DECISIONS, t(lang, "min.form.decisions"), multiline=True),
            _text(MinutesBlock.ACTIONS, t(lang, "min.form.actions"), multiline=True, optional=True),
            _text(MinutesBlock.NOTES, t(lang, "min.form.notes"), multiline=True, optional=True),
        ],
    ).to_dict()


def plan_modal(lang: Lang) -> dict[str, Any]:
    return View(
        type="modal", callback_id=MeetingCallback.PLAN.value, title=t(lang, "min.form.plan_title")[:24],
        submit=t(lang, "min.form.submit"), close=t(lang, "mtg.form.cancel"),
        blocks=[
            _text(MinutesBlock.PLAN_TITLE, t(lang, "min.form.plan_name"), max_length=TITLE_MAX),
            _text(MinutesBlock.PLAN_BODY, t(lang, "min.form.plan_body"), multiline=True),
        ],
    ).to_dict()


def values(state: dict[str, Any]) -> dict[str, Any]:
    """block id -> the submitted value: text, selected option value, date, time,
    or a list of option values for multi-selects."""
    out: dict[str, Any] = {}
    for block_id, actions in state.items():
        for element in actions.values():
            kind = element.get("type")
            if kind == "static_select":
                opt = element.get("selected_option")
                out[block_id] = opt["value"] if opt else None
            elif kind == "multi_static_select":
                out[block_id] = [o["value"] for o in element.get("selected_options") or []]
            elif kind == "datepicker":
                out[block_id] = element.get("selected_date")
            elif kind == "timepicker":
                out[block_id] = element.get("selected_time")
            else:
                out[block_id] = element.get("value")
    return out
