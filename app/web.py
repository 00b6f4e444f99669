"""HTTP mode: the WSGI application gunicorn serves.

``/slack/events`` takes everything Slack sends (commands, interactivity, events),
behind the transport guard (``app.slack_guard``: the signature first, then the
body's shape); the operator's paths (``/healthz``, ``/readyz``, ``/metrics``) are
answered by ``app.health.OperatorEndpoints``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from app.health import OperatorEndpoints
from app.slack_guard import SlackGuard

SLACK_PATH = "/slack/events"


class WebApp:
    def __init__(self, app: App, operator: OperatorEndpoints, signing_secret: str) -> None:
        self._slack = SlackGuard(SlackRequestHandler(app, path=SLACK_PATH), signing_secret, path=SLACK_PATH)
        self._operator = operator

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        answered = self._operator(environ, start_response)
        if answered is not None:
            return answered
        return self._slack(environ, start_response)
