"""The modal an IFK or IFR fills in to announce a group-supervision session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    PlainTextObject,
    StaticSelectElement,
    TimePickerElement,
)

from bot.domain.language import Lang
from bot.forms import ANYONE, GROUP_CAPACITY_MAX, GROUP_PLACE_MAX, GROUP_TITLE_MAX, FormBlock
from bot.i18n import t
from handlers.views.request_forms import SELECT_OPTIONS_MAX, _modal, _option, _text_input


class GroupCallback(StrEnum):
    CREATE = "group_create"


def group_modal(lang: Lang, today: date, people_options: Sequence[tuple[str, str]],
                channel: str | None, kind: str = "group") -> dict[str, Any]:
    """The announcement form; ``kind="training"`` reuses it for a training session
    (``private_metadata`` carries the kind, nothing else)."""
    nobody = _option(ANYONE, t(lang, "group.form.no_co_organiser"))
    people = [_option(pid, label) for pid, label in people_options][: SELECT_OPTIONS_MAX - 1]
    where = f"<#{channel}>" if channel else t(lang, "group.form.no_channel")
    blocks: list[Block] = [
        ContextBlock(elements=[MarkdownTextObject(text=t(lang, "group.form.intro", channel=where))]),
        _text_input(lang, FormBlock.GROUP_TITLE, "group.form.title_label", max_length=GROUP_TITLE_MAX,
                    focus=True, placeholder=t(lang, "group.form.title_placeholder")),
        InputBlock(block_id=FormBlock.GROUP_DATE.value,
                   label=PlainTextObject(text=t(lang, "group.form.date")),
                   element=DatePickerElement(action_id=FormBlock.GROUP_DATE.value,
                                             initial_date=today.isoformat())),
        InputBlock(block_id=FormBlock.GROUP_TIME.value,
                   label=PlainTextObject(text=t(lang, "group.form.time")),
                   element=TimePickerElement(action_id=FormBlock.GROUP_TIME.value, initial_time="13:00")),
        _text_input(lang, FormBlock.GROUP_PLACE, "group.form.place", max_length=GROUP_PLACE_MAX,
                    placeholder=t(lang, "group.form.place_placeholder")),
        InputBlock(block_id=FormBlock.GROUP_CAPACITY.value,
                   label=PlainTextObject(text=t(lang, "group.form.capacity")),
                   element=NumberInputElement(action_id=FormBlock.GROUP_CAPACITY.value,
                                              is_decimal_allowed=False, min_value=1,
                                              max_value=GROUP_CAPACITY_MAX, initial_value=8)),
        InputBlock(block_id=FormBlock.GROUP_CO_ORGANISER.value,
                   label=PlainTextObject(text=t(lang, "group.form.co_organiser")),
                   element=StaticSelectElement(action_id=FormBlock.GROUP_CO_ORGANISER.value,
                                               options=[nobody, *people], initial_option=nobody),
                   hint=PlainTextObject(text=t(lang, "group.form.co_organiser_hint")), optional=True),
    ]
    title_key = "train.form.title" if kind == "training" else "group.form.title"
    metadata = "training" if kind == "training" else ""
    return _modal(lang, GroupCallback.CREATE, title_key, blocks, metadata,  # type: ignore[arg-type]
                  submit_key="group.form.submit")
