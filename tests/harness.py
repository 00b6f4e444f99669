"""The running bot for end-to-end tests: the real WSGI app on a loopback HTTP
server, its WebClient pointed at the fake Slack, a manual clock, and one signed
request builder. Listeners run inline, so when a request's HTTP response has
come back every Slack call it caused has been recorded."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from sqlalchemy import Engine

from app.web import SLACK_PATH, WebApp
from app.wiring import Services, build_services, build_slack_app, operator_endpoints
from bot.clock import ManualClock
from bot.settings import Settings, load_settings
from sandbox.fakeslack import FakeSlack
from sandbox.slack_requests import SignedRequests

SIGNING_SECRET = "test-signing-secret"


class InlineExecutor(Executor):
    """Runs submitted work at once, in the calling thread."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the future like a pool would
            future.set_exception(exc)
        return future


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@dataclass
class Bot:
    services: Services
    fake: FakeSlack
    clock: ManualClock
    url: str
    slack: SignedRequests

    @property
    def settings(self) -> Settings:
        return self.services.settings


def make_settings(fake: FakeSlack, db_url: str, **overrides: Any) -> Settings:
    """The tests' settings; ``overrides`` win (e.g. ``ifn_management_channel=""``)."""
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test",
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": fake.base_url,
        "database_url": db_url,
        "ifn_network_channel": "CNETWORK01",
        "ifn_management_channel": "CMGMT00001",
        "ifn_directory_cache_seconds": 0,
    }
    return load_settings(Settings, **{**values, **overrides})


class BotServer:
    """Start/stop the app on 127.0.0.1 with an ephemeral port."""

    def __init__(self, settings: Settings, engine: Engine, clock: ManualClock) -> None:
        self.services = build_services(settings, clock, engine=engine)
        self.app = build_slack_app(self.services, listener_executor=InlineExecutor())
        self._server = make_server(
            "127.0.0.1", 0, WebApp(self.app, operator_endpoints(self.services),
                                   settings.slack_signing_secret.get_secret_value()),
            server_class=_ThreadingWSGIServer, handler_class=_QuietHandler,
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> BotServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


__all__ = ["SLACK_PATH", "Bot", "BotServer", "InlineExecutor", "make_settings"]
