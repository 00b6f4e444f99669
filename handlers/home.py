"""The Home tab: published when opened, after a status change and after a
button on it is pressed."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import App
from slack_sdk import WebClient

from bot.clock import Clock
from bot.domain.requests import AvailabilityStatus
from bot.i18n import t
from bot.services.home import HomeService
from bot.services.home_leader import LeaderHomeService
from bot.services.people import PeopleService
from handlers.identity import language_for
from handlers.prelude import Click, Edge, Reply
from handlers.views.home import STATUS_ACTION_PREFIX, has_status, home_view


class HomePublisher:
    """Renders and publishes a person's Home tab (after the ack of whatever
    changed it)."""

    def __init__(self, home: HomeService, people: PeopleService, clock: Clock, tz: ZoneInfo,
                 leader: LeaderHomeService | None = None) -> None:
        self.home = home
        self.people = people
        self.clock = clock
        self.tz = tz
        self.leader = leader

    def publish(self, client: WebClient, user_id: str) -> None:
        actor = self.people.identify(user_id)
        data = self.home.load(actor.person_id) if actor is not None else None
        leader = self.leader.load(actor.person_id) if actor is not None and self.leader is not None else None
        client.views_publish(user_id=user_id, view=home_view(actor, language_for(actor), data, self.tz,
                                                             self.clock.now(), leader))


class HomeHandlers:
    def __init__(self, edge: Edge, home: HomeService, publisher: HomePublisher) -> None:
        self.edge = edge
        self.home = home
        self.publisher = publisher

    def register(self, app: App) -> None:
        @app.event("app_home_opened")
        def on_home_opened(event: dict[str, Any], client: WebClient) -> None:
            if event.get("tab", "home") == "home":
                self.publisher.publish(client, event["user"])

        app.action(re.compile(rf"^{STATUS_ACTION_PREFIX}(available|busy|away)$"))(self.edge.click(self._status))

    def _status(self, click: Click) -> Reply:
        if not has_status(click.actor):
            return Reply(t(click.lang, "home.status_not_allowed"))
        status = AvailabilityStatus(click.action_id.removeprefix(STATUS_ACTION_PREFIX))
        self.home.set_status(click.actor.person_id, status)
        return Reply(home=True)
