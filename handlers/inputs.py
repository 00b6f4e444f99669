"""What every submitted modal is checked for before a feature reads it (issue 18):
no national identity number, however written, in any text; no control
characters (a NUL, a bell, an escape); no text longer than the field's own
``max_length`` (Slack's client enforces it, a forged or replayed payload need
not); and no choice that the form did not offer. The features' own parsers
check their fields again with their own words; this is the floor every modal
stands on, also one added tomorrow.

The form a submission answers is the view Slack sends back with it — the one
the bot built — so each field is judged by its own declaration, for every modal
of every feature, in one place."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from bot.domain.language import Lang
from bot.i18n import t
from bot.pii import find_national_id

#: Control characters a text may keep: line breaks and tabs.
_ALLOWED_CONTROLS = frozenset("\n\t\r")

_SINGLE_CHOICE = ("static_select", "radio_buttons")
_MULTI_CHOICE = ("multi_static_select", "checkboxes")


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS for ch in text)


def _elements(view: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for block in view.get("blocks") or []:
        if not isinstance(block, dict) or block.get("type") != "input":
            continue
        element = block.get("element")
        if isinstance(element, dict) and block.get("block_id") and element.get("action_id"):
            yield block["block_id"], element["action_id"], element


def _offered(element: dict[str, Any]) -> set[str]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += list(group.get("options") or [])
    return {str(o.get("value")) for o in options if isinstance(o, dict)}


def check(view: dict[str, Any], values: dict[str, Any], lang: Lang) -> dict[str, str]:
    """Field errors (by block id) for what no field of ``view`` may hold."""
    errors: dict[str, str] = {}
    for block_id, action_id, element in _elements(view):
        state = (values.get(block_id) or {}).get(action_id)
        if not isinstance(state, dict):
            continue
        kind = element.get("type")
        if kind == "plain_text_input":
            value = state.get("value")
            if not isinstance(value, str):
                continue
            if find_national_id(value):
                errors[block_id] = t(lang, "form.error.pii")
            elif has_control_characters(value):
                errors[block_id] = t(lang, "form.error.control_characters")
            elif element.get("max_length") and len(value) > int(element["max_length"]):
                errors[block_id] = t(lang, "form.error.too_long", max=int(element["max_length"]),
                                     length=len(value))
        elif kind in _SINGLE_CHOICE:
            chosen = (state.get("selected_option") or {}).get("value")
            if chosen is not None and str(chosen) not in _offered(element):
                errors[block_id] = t(lang, "form.error.bad_choice")
        elif kind in _MULTI_CHOICE:
            picked = state.get("selected_options") or []
            chosen_many = [str(o.get("value")) for o in picked if isinstance(o, dict)]
            if any(value not in _offered(element) for value in chosen_many):
                errors[block_id] = t(lang, "form.error.bad_choice")
    return errors
