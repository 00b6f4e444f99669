"""The one place that turns an unexpected error into a message for the user.

Errors users can cause are handled where they happen (modal field errors,
ephemeral refusals). Anything reaching here is a bug or an outage: it is logged
with its context and the user is told plainly that their request is not lost.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_bolt.context.respond import Respond

from bot.i18n import t
from handlers.deps import Deps

log = logging.getLogger("ifn_bot.errors")


def register(app: App, deps: Deps) -> None:
    @app.error
    def on_error(error: Exception, body: dict[str, Any], respond: Respond | None) -> None:
        user = body.get("user_id") or (body.get("user") or {}).get("id")
        kind = body.get("command") or body.get("type") or (body.get("event") or {}).get("type")
        log.error("unhandled error in %s for user %s", kind, user, exc_info=error)
        if respond is not None and body.get("response_url"):
            try:
                respond(text=t(None, "error.generic"), response_type="ephemeral",
                        replace_original=False)
            except Exception:  # noqa: BLE001 - already reporting an error; don't mask it
                log.exception("could not tell user %s about the error", user)
