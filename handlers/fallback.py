"""Listeners of last resort: a signed delivery no other listener takes is
acknowledged and logged in one line, never left to Bolt's "unhandled request"
404 and its page-long hint (issue 18).

Registered after every other listener (Bolt runs the first that matches), by
the composition root. What reaches these is a button, modal or shortcut the bot
no longer has — an old message after an upgrade — or something Slack sends that
the bot does not use; nothing is done, and the person's modal closes.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App

log = logging.getLogger("ifn_bot.fallback")

ANY = re.compile(r".*", re.DOTALL)


def _who(body: dict[str, Any]) -> str:
    user = body.get("user")
    return str(user.get("id") if isinstance(user, dict) else body.get("user_id") or user or "?")


def register(app: App) -> None:
    @app.action(ANY)
    def unknown_action(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        log.warning("no listener for action %r from %s; acknowledged",
                    body["actions"][0].get("action_id"), _who(body))

    @app.view(ANY)
    def unknown_view(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        log.warning("no listener for view %r from %s; acknowledged",
                    body["view"].get("callback_id"), _who(body))

    @app.view_closed(ANY)
    def unknown_view_closed(ack: Ack, body: dict[str, Any]) -> None:
        ack()

    @app.shortcut(ANY)
    def unknown_shortcut(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        log.warning("no listener for shortcut %r from %s; acknowledged", body.get("callback_id"), _who(body))

    @app.options(ANY)
    def unknown_options(ack: Ack, body: dict[str, Any]) -> None:
        ack(options=[])
        log.warning("no listener for options of %r from %s; none offered", body.get("action_id"), _who(body))

    @app.command(ANY)
    def unknown_command(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        log.warning("no listener for command %r from %s; acknowledged", body.get("command"), _who(body))

    @app.event(ANY)
    def unknown_event(body: dict[str, Any]) -> None:
        log.info("event %r not used; acknowledged", (body.get("event") or {}).get("type"))
