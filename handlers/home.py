"""The Home tab. Feature issues add their sections; this shows who you are."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.domain.language import Lang
from bot.i18n import t
from bot.services.people import Actor
from handlers.deps import Deps
from handlers.identity import identify, language_for


def role_label(lang: Lang, role: str, area: str | None) -> str:
    label = t(lang, f"role.{role}")
    return t(lang, "role.in_area", role=label, area=area) if area else label


def home_view(actor: Actor | None, lang: Lang) -> dict[str, Any]:
    blocks: list[Any] = [HeaderBlock(text=t(lang, "home.title"))]
    if actor is None:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=t(lang, "home.welcome_unknown"))))
        blocks.append(SectionBlock(text=MarkdownTextObject(text=t(lang, "person.not_in_directory"))))
    else:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=t(lang, "home.welcome", name=actor.name))))
        if actor.roles:
            labels = ", ".join(role_label(lang, r.role.value, r.area) for r in actor.roles)
            blocks.append(SectionBlock(text=MarkdownTextObject(text=t(lang, "home.roles", roles=labels))))
        else:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=t(lang, "home.no_roles"))))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t(lang, "home.help_hint"))]))
    return View(type="home", blocks=blocks).to_dict()


def register(app: App, deps: Deps) -> None:
    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user_id = event["user"]
        actor = identify(deps, client, user_id)
        client.views_publish(user_id=user_id, view=home_view(actor, language_for(actor)))
