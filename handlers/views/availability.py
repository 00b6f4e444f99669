"""The substitute designation modal, opened from the daily reminder's button."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.language import Lang
from bot.i18n import t
from bot.services.availability import DesignationForm, Field


class SubstituteCallback(StrEnum):
    DESIGNATE = "substitute_designate"


class SubstituteBlock(StrEnum):
    """Input block ids of the modal; each input's action id is the same string."""

    PERSON = "substitute_person"
    START = "substitute_start"
    END = "substitute_end"


#: Which input a service refusal belongs on.
FIELD_BLOCKS: dict[Field | None, SubstituteBlock] = {
    Field.PERSON: SubstituteBlock.PERSON,
    Field.START: SubstituteBlock.START,
    Field.END: SubstituteBlock.END,
    None: SubstituteBlock.PERSON,
}


def designation_modal(lang: Lang, form: DesignationForm) -> dict[str, Any]:
    """``private_metadata`` carries only the coordinator's person id; the
    submission is checked again on the server as if typed as a command."""
    blocks = [
        SectionBlock(text=MarkdownTextObject(
            text=t(lang, "avail.modal.intro", name=form.coordinator_name, role=form.role_text))),
        InputBlock(
            block_id=SubstituteBlock.PERSON.value,
            label=PlainTextObject(text=t(lang, "avail.modal.person")),
            element=UserSelectElement(
                action_id=SubstituteBlock.PERSON.value,
                placeholder=PlainTextObject(text=t(lang, "avail.modal.person_placeholder")),
            ),
        ),
        InputBlock(
            block_id=SubstituteBlock.START.value,
            label=PlainTextObject(text=t(lang, "avail.modal.start")),
            element=DatePickerElement(action_id=SubstituteBlock.START.value,
                                      initial_date=form.start.isoformat()),
        ),
        InputBlock(
            block_id=SubstituteBlock.END.value,
            label=PlainTextObject(text=t(lang, "avail.modal.end")),
            element=DatePickerElement(action_id=SubstituteBlock.END.value, initial_date=form.end.isoformat()),
        ),
        ContextBlock(elements=[MarkdownTextObject(text=t(lang, "avail.modal.note"))]),
    ]
    view = View(
        type="modal",
        callback_id=SubstituteCallback.DESIGNATE.value,
        title=PlainTextObject(text=t(lang, "avail.modal.title")),
        submit=PlainTextObject(text=t(lang, "avail.modal.submit")),
        close=PlainTextObject(text=t(lang, "form.close")),
        blocks=blocks,
        private_metadata=str(form.coordinator_id),
    )
    return view.to_dict()


def submitted_values(values: dict[str, Any]) -> dict[SubstituteBlock, str | None]:
    """The picked user id and the two ISO dates from ``view.state.values``."""
    def pick(block: SubstituteBlock, key: str) -> str | None:
        element = (values.get(block.value) or {}).get(block.value) or {}
        value = element.get(key)
        return value if isinstance(value, str) and value else None

    return {
        SubstituteBlock.PERSON: pick(SubstituteBlock.PERSON, "selected_user"),
        SubstituteBlock.START: pick(SubstituteBlock.START, "selected_date"),
        SubstituteBlock.END: pick(SubstituteBlock.END, "selected_date"),
    }
