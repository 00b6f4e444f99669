"""Serving the app: Socket Mode, or HTTP under gunicorn."""

from __future__ import annotations

import logging
import os
import re
import signal
import sys
import threading
from typing import Any

from gunicorn.app.base import BaseApplication
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError

from app.logs import gunicorn_logconfig
from app.metrics_http import MULTIPROC_ENV, serve_metrics
from app.web import WebApp
from app.wiring import build_services, build_slack_app, operator_endpoints
from bot.clock import Clock
from bot.settings import Settings

log = logging.getLogger("ifn_bot.server")

#: How long a stop lets requests in flight (and the current tick) finish.
STOP_GRACE = 20


def build_web_app(settings: Settings, clock: Clock) -> WebApp:
    services = build_services(settings, clock)
    return WebApp(build_slack_app(services), operator_endpoints(services))


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

    def load(self) -> WebApp:
        return build_web_app(self._settings, self._clock)


def _refused(error: object) -> int:
    print(f"ifn-bot: SLACK_BOT_TOKEN: Slack refused it ({error})", file=sys.stderr)
    return 2


def _socket_mode(settings: Settings, clock: Clock, with_scheduler: bool) -> int:
    """One process: the WebSocket to Slack and (unless --no-scheduler) the scheduler
    in a thread; SIGTERM stops both gracefully (``app.socket_mode``)."""
    from app.socket_mode import SocketModeRunner
    from app.wiring import database_collector
    from scheduler.runner import start_background, tick_recorder
    from storage.scheduler_lock import scheduler_lock

    services = build_services(settings, clock)
    app = build_slack_app(services)
    assert settings.slack_app_token is not None
    if settings.ifn_metrics_port:
        serve_metrics(settings.ifn_metrics_port, database_collector(services))
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    scheduler = (start_background(services.ticker, lock=scheduler_lock(services.engine),
                                  on_tick=tick_recorder(services.engine, clock))
                 if with_scheduler else None)
    log.info("starting in Socket Mode")
    runner = SocketModeRunner(app, settings.slack_app_token.get_secret_value()).start()
    stop.wait()
    log.info("stopping: finishing what is in flight")
    runner.stop(STOP_GRACE)
    if scheduler is not None:
        scheduler.shutdown(wait=True)
    return 0


def serve(settings: Settings, clock: Clock, *, port: int | None, workers: int,
          with_scheduler: bool = True, host: str = "0.0.0.0") -> int:
    """Socket Mode (one process; the scheduler runs in a thread), or HTTP: gunicorn
    alone (``--no-scheduler``), or gunicorn and the scheduler as two supervised
    child processes (``app.supervisor``)."""
    try:
        if settings.socket_mode:
            return _socket_mode(settings, clock, with_scheduler)
        # Check the token once before forking, so a bad one fails with one line.
        build_web_app(settings, clock)
    except SlackApiError as exc:
        return _refused(exc.response.get("error"))
    except BoltError as exc:
        # Bolt checks the token with auth.test and wraps Slack's answer in its text.
        match = re.search(r"'error': '([a-z_]+)'", str(exc))
        return _refused(match.group(1) if match else str(exc))
    except OSError as exc:
        print(f"ifn-bot: SLACK_API_URL: cannot reach {settings.slack_api_url} ({exc})",
              file=sys.stderr)
        return 2
    bind = f"{host}:{port or settings.port}"
    if with_scheduler:
        from app.supervisor import Supervisor

        cli = [sys.executable, "-m", "app.cli"]
        web = [*cli, "run", "--no-scheduler", "--host", host, "--port", str(port or settings.port),
               "--workers", str(workers)]
        return Supervisor(web, [*cli, "scheduler"], grace=STOP_GRACE + 10).run()
    log.info("serving HTTP on %s (Slack path /slack/events, health /healthz, readiness /readyz)", bind)
    options: dict[str, Any] = {
        "bind": bind, "workers": workers, "worker_class": "gthread", "threads": 8,
        "timeout": 30, "graceful_timeout": STOP_GRACE, "accesslog": "-",
        "logconfig_dict": gunicorn_logconfig(settings.ifn_log_format),
        # gunicorn 23+ opens a control socket at one per-user path; two bots
        # (or a bot and anything else) on one machine would clobber it.
        "control_socket_disable": True,
    }
    if os.environ.get(MULTIPROC_ENV):
        options["child_exit"] = _forget_worker_metrics
    _Gunicorn(settings, clock, options).run()
    return 0


def _forget_worker_metrics(_server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
