"""HTTP mode: the WSGI application gunicorn serves.

``/slack/events`` takes everything Slack sends (commands, interactivity, events);
``/healthz`` answers load balancers and the release check with the database state.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine, text

from app.slack_guard import SlackGuard

SLACK_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


class WebApp:
    def __init__(self, app: App, engine: Engine, signing_secret: str) -> None:
        self._slack = SlackGuard(SlackRequestHandler(app, path=SLACK_PATH), signing_secret, path=SLACK_PATH)
        self._engine = engine

    def health(self) -> tuple[str, dict[str, Any]]:
        try:
            with self._engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001 - reported as the health state
            return "503 Service Unavailable", {"status": "error", "database": type(exc).__name__}
        return "200 OK", {"status": "ok", "database": "ok"}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            status, body = self.health()
            payload = json.dumps(body).encode()
            start_response(status, [("Content-Type", "application/json"),
                                    ("Content-Length", str(len(payload)))])
            return [payload]
        return self._slack(environ, start_response)
