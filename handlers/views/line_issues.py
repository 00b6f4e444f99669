"""Modals for line-handling issues: raising one, and the recipient's reply."""

from __future__ import annotations

from collections.abc import Collection
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
from bot.forms import ISSUE_KINDS, ISSUE_TEXT_MAX, ISSUE_TITLE_MAX, FormBlock
from bot.i18n import t
from handlers.views.request_forms import _modal, _option, _text_input


class IssueCallback(StrEnum):
    RAISE = "issue_raise"
    REPLY = "issue_reply"


def issue_modal(lang: Lang, default_area: str | None, areas: Collection[str]) -> dict[str, Any]:
    kinds = [_option(k, t(lang, f"issue.kind_option.{k}")) for k in ISSUE_KINDS]
    area_options = [_option(a, t(lang, "form.area.option", area=a)) for a in areas]
    initial = next((o for o in area_options if o.value == default_area), None)
    blocks: list[Block] = [
        ContextBlock(elements=[MarkdownTextObject(text=f"{t(lang, 'issue.form.intro')}\n"
                                                       f":lock: {t(lang, 'form.privacy')}")]),
        InputBlock(block_id=FormBlock.ISSUE_KIND.value,
                   label=PlainTextObject(text=t(lang, "issue.form.kind")),
                   element=RadioButtonsElement(action_id=FormBlock.ISSUE_KIND.value, options=kinds)),
        InputBlock(block_id=FormBlock.AREA.value, label=PlainTextObject(text=t(lang, "issue.form.area")),
                   element=StaticSelectElement(action_id=FormBlock.AREA.value, options=area_options,
                                               initial_option=initial),
                   hint=PlainTextObject(text=t(lang, "issue.form.area_hint")), optional=True),
        _text_input(lang, FormBlock.ISSUE_TITLE, "issue.form.title_label", max_length=ISSUE_TITLE_MAX),
        _text_input(lang, FormBlock.ISSUE_TEXT, "issue.form.text_label", max_length=ISSUE_TEXT_MAX,
                    multiline=True, placeholder=t(lang, "issue.form.text_placeholder")),
    ]
    return _modal(lang, IssueCallback.RAISE, "issue.form.title", blocks, "",  # type: ignore[arg-type]
                  submit_key="issue.form.submit")


def reply_modal(lang: Lang, issue_id: int, title: str) -> dict[str, Any]:
    blocks: list[Block] = [
        ContextBlock(elements=[MarkdownTextObject(text=t(lang, "issue.reply_form.intro", title=title))]),
        _text_input(lang, FormBlock.ISSUE_REPLY, "issue.reply_form.label", max_length=ISSUE_TEXT_MAX,
                    multiline=True, focus=True),
    ]
    return _modal(lang, IssueCallback.REPLY, "issue.reply_form.title", blocks,  # type: ignore[arg-type]
                  str(issue_id), submit_key="issue.reply_form.submit")
