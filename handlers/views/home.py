"""The Home tab view: who you are, your requests, your queue and your status."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.language import Lang
from bot.domain.requests import AvailabilityStatus
from bot.domain.roles import STATUS_ROLES
from bot.i18n import t
from bot.i18n.format import fmt_when
from bot.messages.actions import RequestAction
from bot.messages.production import ProductionAction
from bot.messages.requests import status_line, task_blocks, title
from bot.messages.text import escape, quote
from bot.services.home import HomeData
from bot.services.home_leader import LeaderHome
from bot.services.people import Actor
from bot.services.production import status_line as production_line
from handlers.ids import ActionId
from handlers.views.home_admin import admin_section
from handlers.views.home_leader import leader_blocks

STATUS_ACTION_PREFIX = "home_status_"

#: Slack allows 100 blocks in a Home tab; keep well below.
MAX_BLOCKS = 95


def role_label(lang: Lang, role: str, area: str | None) -> str:
    label = t(lang, f"role.{role}")
    return t(lang, "role.in_area", role=label, area=area) if area else label


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def _button(lang: Lang, key: str, action: str, value: str, style: str | None = None) -> ButtonElement:
    return ButtonElement(text=t(lang, key), action_id=action, value=value, style=style)


def has_status(actor: Actor) -> bool:
    return any(r.role in STATUS_ROLES for r in actor.roles)


def home_view(actor: Actor | None, lang: Lang, data: HomeData | None, tz: ZoneInfo, now: datetime,
              leader: LeaderHome | None = None) -> dict:
    blocks: list[Block] = [HeaderBlock(text=t(lang, "home.title"))]
    if actor is None or data is None:
        blocks.append(SectionBlock(text=_md(t(lang, "home.welcome_unknown"))))
        blocks.append(SectionBlock(text=_md(t(lang, "person.not_in_directory"))))
        return View(type="home", blocks=blocks).to_dict()

    blocks.append(SectionBlock(text=_md(t(lang, "home.welcome", name=actor.name))))
    if actor.roles:
        labels = ", ".join(role_label(lang, r.role.value, r.area) for r in actor.roles)
        blocks.append(ContextBlock(elements=[_md(t(lang, "home.roles", roles=labels))]))

    if has_status(actor):
        blocks += _status_blocks(lang, data, tz, now)
    if data.production is not None:
        period = _button(lang, "prod.button.period", ProductionAction.OPEN_PERIOD.value, "period")
        blocks += [SectionBlock(text=_md(production_line(lang, data.production))),
                   ActionsBlock(elements=[period]),
                   ContextBlock(elements=[_md(t(lang, "prod.usage"))])]
    if data.admin is not None:
        blocks += admin_section(lang, data.admin, tz)

    if has_status(actor) or data.offered_to_me or data.my_tasks:
        blocks += [DividerBlock(), HeaderBlock(text=t(lang, "home.offered_to_me"))]
        if not data.offered_to_me:
            blocks.append(SectionBlock(text=_md(t(lang, "home.no_offers"))))
        for snap, _offer_id in data.offered_to_me:
            # A support note is shown only to whoever takes the conversation.
            note = "" if snap.type == "support" else "\n" + quote(escape(snap.description[:200]))
            blocks.append(SectionBlock(text=_md(f"*{title(snap, lang)}* – {snap.requester.name}{note}")))
            blocks.append(ActionsBlock(elements=[
                _button(lang, "req.button.accept", RequestAction.ACCEPT.value, str(snap.id), "primary"),
                _button(lang, "req.button.decline", RequestAction.DECLINE.value, str(snap.id)),
            ]))
        blocks += [DividerBlock(), HeaderBlock(text=t(lang, "home.my_tasks"))]
        if not data.my_tasks:
            blocks.append(SectionBlock(text=_md(t(lang, "home.no_tasks"))))
        for snap in data.my_tasks:
            blocks.append(SectionBlock(text=_md(f"*{title(snap, lang)}* – {snap.requester.name}")))
            blocks += task_blocks(snap, lang, tz)

    blocks += [DividerBlock(), HeaderBlock(text=t(lang, "home.my_requests")),
               ActionsBlock(elements=[
                   _button(lang, "home.button.sit_in", ActionId.MENU_SIT_IN.value, "sit_in")])]
    if not data.my_requests:
        blocks.append(SectionBlock(text=_md(t(lang, "home.no_requests"))))
    for snap in data.my_requests:
        blocks.append(SectionBlock(
            text=_md(f"*{title(snap, lang)}*\n{status_line(snap, lang, tz, now)}"),
            accessory=_button(lang, "req.button.cancel", RequestAction.CANCEL.value, str(snap.id), "danger"),
        ))
    if leader is not None:
        blocks += leader_blocks(lang, leader, tz, now)
    blocks.append(ContextBlock(elements=[_md(t(lang, "home.help_hint"))]))
    return View(type="home", blocks=blocks[:MAX_BLOCKS]).to_dict()


def _status_blocks(lang: Lang, data: HomeData, tz: ZoneInfo, now: datetime) -> list[Block]:
    if data.status is None:
        line = t(lang, "home.status_default")
    else:
        line = t(lang, "home.status", status=t(lang, f"home.status.{data.status.value}"))
        if data.status_until is not None:
            line += t(lang, "home.status_until", time=fmt_when(data.status_until, now, tz))
    # The status in force is marked (no status set: available in working hours).
    active = data.status or AvailabilityStatus.AVAILABLE

    def label(s: AvailabilityStatus) -> str:
        text = t(lang, f"home.button.{s.value}")
        return t(lang, "home.button.active", label=text) if s is active else text

    buttons = [
        ButtonElement(text=label(s), action_id=f"{STATUS_ACTION_PREFIX}{s.value}", value=s.value,
                      style="primary" if s is active else None)
        for s in AvailabilityStatus
    ]
    return [SectionBlock(text=_md(line)), ActionsBlock(elements=buttons)]


