"""Every message fits Slack's Block Kit limits before it is sent (issue 18).

Slack refuses a whole message when one block breaks a limit (``invalid_blocks``)
— for the bot that is a notification nobody gets. Messages are built to fit:
long user text is split over several sections (``bot.messages.text.sections``)
and every form field has a length the database column holds. This is the
safety net behind that, for what nobody foresaw: a text still over its limit
is cut with "…" (never in the middle of an ``&amp;`` entity or a ``<…>``
mention or link) and surplus blocks are dropped for a last "…" line, so the
message still goes out; the full text stays in the database. Each cut is
logged as a warning: it means a message builder needs the splitting above.

Limits from Slack's Block Kit reference (blocks, block elements, composition
objects) for the block types the bot sends.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

log = logging.getLogger("ifn_bot.limits")

ELLIPSIS = "…"
SECTION_TEXT = 3000
SECTION_FIELD = 2000
SECTION_FIELDS = 10
HEADER_TEXT = 150
CONTEXT_TEXT = 3000
CONTEXT_ELEMENTS = 10
BUTTON_TEXT = 75
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
#: Slack truncates a message's ``text`` beyond 40,000 characters; notifications show far less.
MESSAGE_TEXT = 40000

Blocks = list[dict[str, Any]]


def cut(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, ending in "…" when shortened."""
    if len(text) <= limit:
        return text
    kept = text[: max(limit - len(ELLIPSIS), 0)]
    amp = kept.rfind("&")
    if amp != -1 and ";" not in kept[amp:]:
        kept = kept[:amp]  # not half an entity
    lt = kept.rfind("<")
    if lt != -1 and ">" not in kept[lt:]:
        kept = kept[:lt]  # not half a mention or link
    return kept + ELLIPSIS


def _fit_text(node: Any, limit: int) -> None:
    if isinstance(node, dict) and isinstance(node.get("text"), str):
        node["text"] = cut(node["text"], limit)


def _fit_block(block: dict[str, Any]) -> None:
    kind = block.get("type")
    if kind == "section":
        _fit_text(block.get("text"), SECTION_TEXT)
        if isinstance(block.get("fields"), list):
            block["fields"] = block["fields"][:SECTION_FIELDS]
            for field in block["fields"]:
                _fit_text(field, SECTION_FIELD)
    elif kind == "header":
        _fit_text(block.get("text"), HEADER_TEXT)
    elif kind == "context" and isinstance(block.get("elements"), list):
        block["elements"] = block["elements"][:CONTEXT_ELEMENTS]
        for element in block["elements"]:
            _fit_text(element, CONTEXT_TEXT)
    elif kind == "actions":
        for element in block.get("elements") or []:
            if isinstance(element, dict) and element.get("type") == "button":
                _fit_text(element.get("text"), BUTTON_TEXT)


def fit_blocks(blocks: Blocks | None, max_blocks: int, more: str) -> Blocks | None:
    """A copy of ``blocks`` within the limits; ``more`` (mrkdwn) replaces what
    did not fit of more than ``max_blocks`` blocks."""
    if blocks is None:
        return None
    fitted = copy.deepcopy(blocks)
    if len(fitted) > max_blocks:
        fitted = fitted[: max_blocks - 1]
        fitted.append({"type": "context", "elements": [{"type": "mrkdwn", "text": more}]})
    for block in fitted:
        if isinstance(block, dict):
            _fit_block(block)
    return fitted


def fit_message(text: str, blocks: Blocks | None, more: str = ELLIPSIS) -> tuple[str, Blocks | None]:
    fitted = cut(text, MESSAGE_TEXT), fit_blocks(blocks, MESSAGE_BLOCKS, more)
    if fitted != (text, blocks):
        log.warning("a message was cut to fit Slack's limits")
    return fitted


def fit_view(view: dict[str, Any]) -> dict[str, Any]:
    """A modal or Home tab within the limits of its blocks."""
    blocks = view.get("blocks")
    fitted = fit_blocks(blocks, VIEW_BLOCKS, ELLIPSIS)
    if fitted == blocks:
        return view
    log.warning("a %s view was cut to fit Slack's limits", view.get("type"))
    return {**view, "blocks": fitted}
