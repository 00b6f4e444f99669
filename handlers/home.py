"""The Home tab: published when opened, after a status change and after a
request button is pressed on it."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.domain.requests import AvailabilityStatus
from bot.i18n import t
from bot.services.home import HomeService
from handlers.deps import Deps
from handlers.identity import identify, language_for
from handlers.views.home import STATUS_ACTION_PREFIX, has_status, home_view


def publish_home(deps: Deps, client: WebClient, user_id: str) -> None:
    actor = identify(deps, client, user_id)
    lang = language_for(actor)
    data = HomeService(deps.sessions, deps.clock, deps.settings.tz).load(actor.person_id) if actor else None
    client.views_publish(user_id=user_id,
                         view=home_view(actor, lang, data, deps.settings.tz, deps.clock.now()))


def from_home_tab(body: dict[str, Any]) -> bool:
    return (body.get("view") or {}).get("type") == "home"


def register(app: App, deps: Deps) -> None:
    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        publish_home(deps, client, event["user"])

    @app.action(re.compile(rf"^{STATUS_ACTION_PREFIX}(available|busy|away)$"))
    def on_status(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        user_id = body["user"]["id"]
        actor = identify(deps, client, user_id)
        if actor is None or not has_status(actor):
            client.chat_postMessage(channel=user_id, text=t(language_for(actor), "home.status_not_allowed"))
            return
        status = AvailabilityStatus(body["actions"][0]["action_id"].removeprefix(STATUS_ACTION_PREFIX))
        HomeService(deps.sessions, deps.clock, deps.settings.tz).set_status(actor.person_id, status)
        publish_home(deps, client, user_id)
