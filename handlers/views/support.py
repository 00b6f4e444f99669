"""The support-conversation modal (memo 8.3): whom, how soon, an optional note,
and — first of all — plainly who will see what."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextObject,
    RadioButtonsElement,
    StaticSelectElement,
)

from bot.domain.language import Lang
from bot.forms import ANYONE, SUPPORT_NOTE_MAX, FormBlock, Urgency
from bot.i18n import t
from handlers.views.request_forms import SELECT_OPTIONS_MAX, _modal, _option, _text_input


class SupportCallback(StrEnum):
    REQUEST = "support_request"


def support_modal(lang: Lang, people_options: Sequence[tuple[str, str]],
                  retention_days: int) -> dict[str, Any]:
    """``people_options``: (person id, label) of the IFKs, the BFK and the IFRs the
    requester may pick (never their own leaders); "anyone" comes first."""
    anyone = _option(ANYONE, t(lang, "support.form.anyone"))
    people = [_option(str(pid), label) for pid, label in people_options][: SELECT_OPTIONS_MAX - 1]
    urgency = [_option(u.value, t(lang, f"support.urgency.{u.value}")) for u in Urgency]
    blocks: list[Block] = [
        ContextBlock(elements=[
            MarkdownTextObject(text=t(lang, "support.form.who_sees", days=retention_days))
        ]),
        InputBlock(
            block_id=FormBlock.PREFERRED_PERSON.value,
            label=PlainTextObject(text=t(lang, "support.form.person.label")),
            element=StaticSelectElement(
                action_id=FormBlock.PREFERRED_PERSON.value, options=[anyone, *people], initial_option=anyone
            ),
            hint=PlainTextObject(text=t(lang, "support.form.person.hint")),
        ),
        InputBlock(
            block_id=FormBlock.URGENCY.value,
            label=PlainTextObject(text=t(lang, "support.form.urgency.label")),
            element=RadioButtonsElement(action_id=FormBlock.URGENCY.value, options=urgency,
                                        initial_option=urgency[1]),
        ),
        _text_input(lang, FormBlock.NOTE, "support.form.note.label", max_length=SUPPORT_NOTE_MAX,
                    multiline=True, placeholder=t(lang, "support.form.note.placeholder"),
                    hint=t(lang, "support.form.note.hint", days=retention_days)),
    ]
    blocks[-1].optional = True
    return _modal(lang, SupportCallback.REQUEST, "support.form.title", blocks, "",  # type: ignore[arg-type]
                  submit_key="support.form.submit")
