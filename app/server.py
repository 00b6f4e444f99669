"""Serving the app: Socket Mode, or HTTP under gunicorn."""

from __future__ import annotations

import logging
import os
import platform
import signal
import sys
import threading
from typing import Any

from gunicorn.app.base import BaseApplication
from slack_sdk.errors import SlackApiError

from app.logs import gunicorn_logconfig
from app.metrics_http import MULTIPROC_ENV
from bot.clock import Clock
from bot.settings import Settings

log = logging.getLogger("ifn_bot.server")

#: How long a stop lets requests in flight (and the current tick) finish.
STOP_GRACE = 20
#: glibc's malloc gives a thread that finds the arenas busy one of its own, up to 8
#: per core, and keeps what each arena grew to. A web worker's 8 request threads and
#: the outbox's threads then hold several MiB more than they use; with 2 arenas a
#: worker held about 3 MiB less after 1,000 requests and 4 MiB less after 4,000,
#: at the same throughput (``benchmarks/worker_memory_bench.py``).
#: ``MALLOC_ARENA_MAX`` set by the operator wins.
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # glibc's malloc.h


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas in this process and every process it forks from
    now on (gunicorn's workers); False when not on glibc or the operator set
    ``MALLOC_ARENA_MAX`` (glibc reads it itself at start-up)."""
    if "MALLOC_ARENA_MAX" in os.environ or platform.libc_ver()[0] != "glibc":
        return False
    import ctypes

    return bool(ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, arenas))


def build_web_app(settings: Settings, clock: Clock, *, threaded: bool = True) -> Any:
    """One worker's app; ``threaded``: the outbox's workers run in it. Imported
    here, in the worker: the master stays small, and so does every worker's
    memory, which starts as a copy of the master's."""
    from app.web import WebApp
    from app.wiring import build_services, build_slack_app, operator_endpoints

    services = build_services(settings, clock, threaded_delivery=threaded)
    secret = settings.slack_signing_secret.get_secret_value()
    web = WebApp(build_slack_app(services), operator_endpoints(services), secret)
    web.close = services.close  # type: ignore[attr-defined]  # the worker's exit hook calls it
    return web


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
        self.cfg.set("worker_exit", self._worker_exit)

    def load(self) -> Any:
        self._app = build_web_app(self._settings, self._clock)
        return self._app

    def _worker_exit(self, _server: Any, _worker: Any) -> None:
        """A stopping worker lets its outbox threads finish what they hold (bounded)
        and gives the rest back, so the scheduler's sweep sends it at once."""
        app = getattr(self, "_app", None)
        if app is not None:
            app.close()


def _refused(error: object) -> int:
    print(f"ifn-bot: SLACK_BOT_TOKEN: Slack refused it ({error})", file=sys.stderr)
    return 2


def _socket_mode(settings: Settings, clock: Clock, with_scheduler: bool) -> int:
    """One process: the WebSocket to Slack and (unless --no-scheduler) the scheduler
    in a thread; SIGTERM stops both gracefully (``app.socket_mode``)."""
    from app.metrics_http import serve_metrics
    from app.socket_mode import SocketModeRunner
    from app.wiring import build_services, build_slack_app, database_collector
    from scheduler.runner import start_background, tick_recorder
    from storage.scheduler_lock import scheduler_lock

    services = build_services(settings, clock, threaded_delivery=True)
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
    services.close()
    return 0


def serve(settings: Settings, clock: Clock, *, port: int | None, workers: int,
          with_scheduler: bool = True, host: str = "0.0.0.0") -> int:
    """Socket Mode (one process; the scheduler runs in a thread), or HTTP: gunicorn
    alone (``--no-scheduler``), or gunicorn and the scheduler as two supervised
    child processes (``app.supervisor``)."""
    limit_malloc_arenas()
    try:
        if settings.socket_mode:
            return _socket_mode(settings, clock, with_scheduler)
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
