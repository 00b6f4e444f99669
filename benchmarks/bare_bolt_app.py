"""The baseline for ``slash_latency_bench.py``: a bare Bolt ``App`` with one
``/ifn`` command listener that acks and then opens a modal — a copy of the
bot's live-supervision form, built once at start — with ``views.open``, as the
bot does for ``/ifn veiledning``.

Served by gunicorn exactly as ``ifn-bot run`` serves the bot (gthread worker,
same workers/threads/timeout, access log to stdout); gunicorn calls the factory
once in each worker, as ``app.server._Gunicorn.load`` builds the bot's app
per worker::

    SLACK_API_URL=http://127.0.0.1:PORT/api/ SLACK_BOT_TOKEN=xoxb-test SLACK_SIGNING_SECRET=... \\
    .venv/bin/python -m gunicorn --bind 127.0.0.1:3001 --workers 2 --worker-class gthread \\
        --threads 8 --timeout 30 --access-logfile - \\
        --pythonpath benchmarks 'bare_bolt_app:create_app()'

Like the bot, the ``App`` gets a ``WebClient`` with a token on ``SLACK_API_URL``,
so Bolt runs the same ``auth.test`` at start and the same single-workspace
authorization middleware; and it keeps Bolt's default listener thread pool,
like the bot's does in production. ``/healthz`` answers a
static 200 so the benchmark knows the workers are up (no database here).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

SLACK_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def bot_modal() -> dict[str, Any]:
    """The bot's own live-supervision modal (the same size on the wire)."""
    import sys
    from datetime import time
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bot.domain.language import Lang
    from handlers.views.request_forms import live_modal

    return live_modal(Lang.NB, "B", time(10, 0), areas=["A", "B", "C"])


def build_bolt_app(token: str, signing_secret: str, api_url: str) -> App:
    app = App(client=WebClient(token=token, base_url=api_url), signing_secret=signing_secret)
    modal = bot_modal()

    @app.command("/ifn")
    def ifn(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=command["trigger_id"], view=modal)

    return app


def create_app() -> WSGIApp:
    """The WSGI callable; reads the same environment variables as the bot."""
    app = build_bolt_app(
        os.environ["SLACK_BOT_TOKEN"],
        os.environ["SLACK_SIGNING_SECRET"],
        os.environ.get("SLACK_API_URL", "https://slack.com/api/"),
    )
    slack = SlackRequestHandler(app, path=SLACK_PATH)
    healthy = b'{"status": "ok"}'

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Length", str(len(healthy)))])
            return [healthy]
        return slack(environ, start_response)

    return wsgi
