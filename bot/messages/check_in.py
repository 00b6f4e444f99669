"""The requester's question after accepted work was not marked done: "Fikk du
hjelpen du trengte?" with Ja / Nei while it can be answered, and afterwards what
became of it (answered, done anyway, withdrawn) — re-rendered from the state."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, SectionBlock
from slack_sdk.models.blocks.basic_components import MarkdownTextObject

from bot.domain.language import Lang
from bot.i18n import t
from bot.i18n.format import fmt_day, fmt_time
from bot.messages.actions import RequestAction
from bot.messages.snapshots import RequestSnapshot
from bot.messages.text import escape


def _name_of(snap: RequestSnapshot, person_id: int | None) -> str:
    if snap.assignee is not None and snap.assignee.id == person_id:
        return escape(snap.assignee.name)
    found = next((o.person for o in snap.offers if o.person.id == person_id), None)
    return escape(found.name) if found else "–"


def help_question(snap: RequestSnapshot, round_: int, lang: Lang,
                  tz: ZoneInfo) -> tuple[str, list[dict[str, Any]]]:
    answers = list(snap.details.get("help_answers") or [])
    answer = next((a for a in answers if a.get("round") == round_), None)
    helper = answer.get("assignee_id") if answer else (snap.assignee.id if snap.assignee else None)
    intro = t(lang, "checkin.question", type=t(lang, f"req.type.{snap.type}"), id=snap.id,
              name=_name_of(snap, helper))
    blocks: list[Any] = [SectionBlock(text=MarkdownTextObject(text=intro))]
    asked = (snap.details.get("help_asked") or {}).get("round")
    if answer is not None:
        at = datetime.fromisoformat(answer["at"])
        key = "checkin.answered_yes" if answer["came"] else "checkin.answered_no"
        outcome = t(lang, key, when=f"{fmt_day(at, lang, tz)} {fmt_time(at, tz)}")
    elif snap.state == "accepted" and asked == round_:
        value = f"{snap.id}:{round_}"
        blocks.append(ActionsBlock(block_id=f"help_came_{snap.id}_{round_}", elements=[
            ButtonElement(text=t(lang, "checkin.button.yes"), action_id=RequestAction.HELP_CAME_YES.value,
                          value=value, style="primary"),
            ButtonElement(text=t(lang, "checkin.button.no"), action_id=RequestAction.HELP_CAME_NO.value,
                          value=value),
        ]))
        return intro, [b.to_dict() for b in blocks]
    elif snap.state == "completed":
        outcome = t(lang, "checkin.closed_completed", name=_name_of(snap, helper))
    elif snap.state == "cancelled":
        outcome = t(lang, "checkin.closed_cancelled")
    else:
        outcome = t(lang, "checkin.closed")
    blocks.append(SectionBlock(text=MarkdownTextObject(text=outcome)))
    return f"{intro} {outcome}", [b.to_dict() for b in blocks]
