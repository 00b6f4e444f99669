"""The one place that turns an unexpected error into a message for the user.

Errors users can cause are handled where they happen (modal field errors,
ephemeral refusals). Anything reaching here is a bug or an outage: it is logged
with its context and the user is told honestly — when the database could not
be reached, that nothing was saved and they should try again.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_bolt.context.respond import Respond
from sqlalchemy.exc import DBAPIError

from bot.i18n import t

log = logging.getLogger("ifn_bot.errors")


def register(app: App) -> None:
    @app.error
    def on_error(error: Exception, body: dict[str, Any], respond: Respond | None) -> None:
        user = body.get("user_id") or (body.get("user") or {}).get("id")
        kind = body.get("command") or body.get("type") or (body.get("event") or {}).get("type")
        log.error("unhandled error in %s for user %s", kind, user, exc_info=error)
        key = "error.not_saved" if isinstance(error, DBAPIError) else "error.generic"
        if respond is not None and body.get("response_url"):
            try:
                respond(text=t(None, key), response_type="ephemeral", replace_original=False)
            except Exception:  # noqa: BLE001 - already reporting an error; don't mask it
                log.exception("could not tell user %s about the error", user)
