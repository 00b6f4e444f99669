"""Serving the app: Socket Mode, or HTTP under gunicorn."""

from __future__ import annotations

import logging
import subprocess
import sys
from typing import Any

from gunicorn.app.base import BaseApplication
from slack_sdk.errors import SlackApiError

from bot.clock import Clock
from bot.settings import Settings

log = logging.getLogger("ifn_bot.server")


def build_web_app(settings: Settings, clock: Clock, *, threaded: bool = True) -> Any:
    """One worker's app; ``threaded``: the outbox's workers run in it. Imported
    here, in the worker: the master stays small, and so does every worker's
    memory, which starts as a copy of the master's."""
    from app.web import WebApp
    from app.wiring import build_services, build_slack_app

    services = build_services(settings, clock, threaded_delivery=threaded)
    secret = settings.slack_signing_secret.get_secret_value()
    return WebApp(build_slack_app(services), services.engine, secret)


class _Gunicorn(BaseApplication):
    """gunicorn with our WSGI app built in each worker (no shared clients across
    a fork)."""

    def __init__(self, settings: Settings, clock: Clock, options: dict[str, Any]) -> None:
        self._settings, self._clock, self._options = settings, clock, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            if key in self.cfg.settings:  # options newer gunicorns know, e.g. the control socket
                self.cfg.set(key, value)

    def load(self) -> Any:
        return build_web_app(self._settings, self._clock)


def _refused(error: object) -> int:
    print(f"ifn-bot: SLACK_BOT_TOKEN: Slack refused it ({error})", file=sys.stderr)
    return 2


def serve(settings: Settings, clock: Clock, *, port: int | None, workers: int,
          with_scheduler: bool = True, host: str = "0.0.0.0") -> int:
    """Socket Mode (one process; the scheduler runs in a thread) or HTTP under
    gunicorn (the scheduler runs as a child process, so forked workers share
    no threads or connections with it)."""
    try:
        if settings.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            from app.wiring import build_services, build_slack_app
            from scheduler.runner import start_background
            from storage.scheduler_lock import scheduler_lock

            services = build_services(settings, clock, threaded_delivery=True)
            app = build_slack_app(services)
            assert settings.slack_app_token is not None
            scheduler = (start_background(services.ticker, lock=scheduler_lock(services.engine))
                         if with_scheduler else None)
            log.info("starting in Socket Mode")
            try:
                SocketModeHandler(app, settings.slack_app_token.get_secret_value()).start()
            finally:
                if scheduler is not None:
                    scheduler.shutdown(wait=False)
            return 0
        # Check the token once before forking, so a bad one fails with one line; only
        # with slack_sdk: the workers' memory starts as a copy of this process's.
        from slack_sdk import WebClient

        WebClient(token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url,
                  timeout=10).auth_test()
    except SlackApiError as exc:
        return _refused(exc.response.get("error"))
    except OSError as exc:
        print(f"ifn-bot: SLACK_API_URL: cannot reach {settings.slack_api_url} ({exc})",
              file=sys.stderr)
        return 2
    bind = f"{host}:{port or settings.port}"
    log.info("serving HTTP on %s (Slack path /slack/events, health /healthz)", bind)
    child = None
    if with_scheduler:
        child = subprocess.Popen([sys.executable, "-m", "app.cli", "scheduler"])
    try:
        _Gunicorn(
            settings,
            clock,
            {"bind": bind, "workers": workers, "worker_class": "gthread", "threads": 8,
             "timeout": 30, "accesslog": "-",
             # gunicorn 23+ opens a control socket at one per-user path; two bots
             # (or a bot and anything else) on one machine would clobber it.
             "control_socket_disable": True},
        ).run()
    finally:
        if child is not None:
            child.terminate()
            child.wait(timeout=30)
    return 0
