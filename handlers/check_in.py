"""Slack edge for the follow-up of accepted work: the requester's Ja / Nei to
"Fikk du hjelpen du trengte?". The button's value says which request and
round; who may answer is decided by the lifecycle from the clicking user."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.i18n import t
from bot.messages.actions import RequestAction
from bot.services.requests import RequestService
from handlers.prelude import NOTHING, Click, Edge, Reply

_VALUE = re.compile(r"^([0-9]{1,9}):([0-9]{1,3})$")


class CheckInHandlers:
    def __init__(self, edge: Edge, requests: RequestService) -> None:
        self.edge = edge
        self.requests = requests

    def register(self, app: App) -> None:
        app.action(RequestAction.HELP_CAME_YES.value)(self.edge.click(self._answer(True)))
        app.action(RequestAction.HELP_CAME_NO.value)(self.edge.click(self._answer(False)))

    def _answer(self, came: bool):
        def run(click: Click) -> Reply:
            match = _VALUE.match(click.value)
            if match is None:
                return Reply(t(click.lang, "checkin.stale"))
            result = self.requests.answer_help(int(match[1]), click.actor.person_id, int(match[2]), came)
            return NOTHING if result.ok else Reply(self.edge.words(click.lang, result))
        return run
