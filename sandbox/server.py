"""``ifn-bot sandbox``: the bot, a fake Slack and a page that plays the workspace.

Three loopback servers in one process:

* the fake Slack Web API (``sandbox.fakeslack``) that the bot's real ``WebClient``
  talks to; it keeps the messages, views, Home tabs and channel members, and
  stamps messages with the bot's clock;
* the bot itself: the real WSGI app (Bolt, real signature verification) on its own
  port, SQLite in the data directory, the scheduler in-process on an
  ``OffsetClock`` (system time plus an offset the page can move forward);
* the workspace page (``static/``, served by ``page.py``) and its JSON API.

The parts: ``workspace.py`` (who can be picked, who is in which channel, from
the demo directory), ``gestures.py`` (each gesture sent to the bot as Slack
sends it), ``user_side.py`` (one user's modals and ephemeral messages, and where
the bot's response_url answers land), ``screen.py`` (what one user sees).
"""

from __future__ import annotations

import json
import logging
import secrets
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from datetime import datetime, timedelta
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from bot.clock import OffsetClock
from bot.directory_file import DirectoryFile, load_directory_file
from bot.settings import Settings, load_settings
from sandbox import clock_control, workspace
from sandbox.fakeslack import FakeSlack
from sandbox.gestures import Gestures
from sandbox.norwegian_time import clock_text
from sandbox.page import PageApp
from sandbox.screen import Screen
from sandbox.slack_requests import SignedRequests
from sandbox.user_side import UserSides

log = logging.getLogger("ifn_bot.sandbox")

DEFAULT_ORG = Path(__file__).resolve().parents[1] / "examples" / "org.yaml"
#: The demo directories the page offers: the 2012 memo's shape and the 2016 mandate's.
DIRECTORIES = {"org": DEFAULT_ORG, "org-2016": DEFAULT_ORG.with_name("org-2016.yaml")}
DIRECTORY_LABELS = {"org": "Notat 2012 (IFK per område)", "org-2016": "Mandat 2016 (IFK per enhet)"}
CLOCK_FILE = "clock.json"
LOADED_MARK = "directory-loaded"


class InlineExecutor(Executor):
    """Bolt's listeners run in the request's thread, so when the page's gesture
    returns, everything it caused is in the fake Slack."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the future like a pool would
            future.set_exception(exc)
        return future


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 64


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("sandbox http: " + format, *args)


def _serve(app: Callable, port: int) -> tuple[WSGIServer, threading.Thread]:
    server = make_server("127.0.0.1", port, app, server_class=_ThreadingWSGIServer,
                         handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    return server, thread


class _SerialTicks:
    """The background scheduler's ticks, never at the same time as a clock move:
    what a move makes due is fired, and counted on the page, by the move's own tick."""

    def __init__(self, ticker: Any) -> None:
        self._ticker = ticker
        self.lock = threading.Lock()

    def tick(self) -> Any:
        with self.lock:
            return self._ticker.tick()


class Sandbox:
    """Start with ``start()``; ``url`` is the page. ``port=0`` picks a free port.

    ``start_at`` sets the bot's clock to a fixed moment (aware) before anything
    happens, and it runs on from there; without it the clock resumes where the
    data directory left it, or at the real time."""

    def __init__(self, data_dir: Path, *, port: int = 0, org_file: Path = DEFAULT_ORG,
                 tick_interval: float = 2.0, start_at: datetime | None = None) -> None:
        if start_at is not None and start_at.tzinfo is None:
            raise ValueError("start_at must be an aware datetime")
        self.start_at = start_at
        self.data_dir = Path(data_dir)
        self.port = port
        self.org_file = org_file
        self.tick_interval = tick_interval
        self._servers: list[tuple[WSGIServer, threading.Thread]] = []
        self._scheduler: Any = None
        self._stopped = False
        self.fake: FakeSlack | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> Sandbox:
        from app.web import WebApp
        from app.wiring import build_services, build_slack_app, operator_endpoints
        from scheduler.runner import start_background, tick_recorder
        from storage.migrate import upgrade

        self.data_dir.mkdir(parents=True, exist_ok=True)
        loaded = self.data_dir / LOADED_MARK
        if loaded.exists() and Path(loaded.read_text().strip()).is_file():
            self.org_file = Path(loaded.read_text().strip())  # the directory in the database (page's choice)
        self.org: DirectoryFile = load_directory_file(self.org_file)
        self.clock = self._start_clock()
        fake = self.fake = FakeSlack(clock=lambda: self.clock.now().timestamp()).start()
        members = workspace.channel_members(self.org)
        for channel in workspace.CHANNELS:
            fake.add_channel(channel.id, channel.name, members=members[channel.id])
        for person in self.org.people:
            if person.slack_id:
                fake.add_user(person.slack_id, name=person.name, email=person.email,
                              locale="en-US" if person.language == "en" else "nb-NO")

        secret = secrets.token_hex(16)
        db_url = f"sqlite:///{(self.data_dir / 'sandbox.db').resolve()}"
        self.settings = load_settings(
            Settings, slack_bot_token=fake.token, slack_signing_secret=secret, slack_app_token=None,
            slack_api_url=fake.base_url, database_url=db_url,
            ifn_network_channel=workspace.NETWORK.id, ifn_management_channel=workspace.MANAGEMENT.id,
        )
        upgrade(db_url)
        self.services = build_services(self.settings, self.clock)
        self._ticks = _SerialTicks(self.services.ticker)
        mark = self.data_dir / LOADED_MARK
        if not mark.exists():
            result = self.services.directory.import_directory(self.org, str(self.org_file))
            mark.write_text(f"{self.org_file}\n")
            log.info("directory loaded from %s: %d people", self.org_file, result.created)
        app = build_slack_app(self.services, listener_executor=InlineExecutor())
        self._servers.append(_serve(WebApp(app, operator_endpoints(self.services), secret), 0))
        self.bot_url = self._url(self._servers[-1][0])
        self.slack = SignedRequests(self.bot_url, secret, response_url_base=fake.hooks_url)
        sides = UserSides(fake, self.slack)
        self.gestures = Gestures(fake, self.slack, sides)
        self.screen = Screen(fake, sides, self.people(), self.services.calendar.to_local, self.clock.now)
        self._servers.append(_serve(PageApp(self), self.port))
        self.url = self._url(self._servers[-1][0]) + "/"
        self._scheduler = start_background(self._ticks, self.tick_interval,  # type: ignore[arg-type]
                                           on_tick=tick_recorder(self.services.engine, self.clock))
        return self

    def stop(self) -> None:
        """Stop everything; a second call does nothing."""
        if self._stopped:
            return
        self._stopped = True
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None
        for server, thread in reversed(self._servers):
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
        self._servers.clear()
        if self.fake is not None:
            self.fake.stop()
        if getattr(self, "services", None) is not None:
            self.services.engine.dispose()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @staticmethod
    def _url(server: WSGIServer) -> str:
        host, port = server.server_address[:2]
        return f"http://{host}:{port}"

    # ---------------------------------------------------------------------- clock

    def _start_clock(self) -> OffsetClock:
        if self.start_at is None:
            return OffsetClock(self._saved_offset())
        clock = OffsetClock.starting_at(self.start_at)
        (self.data_dir / CLOCK_FILE).write_text(json.dumps({"offset_seconds": clock.offset.total_seconds()}))
        return clock

    def _saved_offset(self) -> timedelta:
        try:
            seconds = float(json.loads((self.data_dir / CLOCK_FILE).read_text())["offset_seconds"])
        except (OSError, ValueError, KeyError, TypeError):
            return timedelta(0)
        return timedelta(seconds=seconds)

    def _save_clock(self) -> None:
        (self.data_dir / CLOCK_FILE).write_text(
            json.dumps({"offset_seconds": self.clock.offset.total_seconds()}))

    def move_clock(self, step: str) -> dict[str, Any]:
        """Move the bot's clock (``+3m``, ``+1h``, ``next-working-day``, ``friday-noon``;
        see ``sandbox.clock_control``), then tick so that whatever fell due fires now."""
        with self._ticks.lock:
            self.clock.advance_to(clock_control.target(self.services.calendar, self.clock.now(), step))
            self._save_clock()
            result = self.services.ticker.tick()
        return {"clock": self.clock_info(), "tick": {
            "timeouts": result.timeouts, "timers": result.timers, "daily": result.daily,
            "delivered": result.delivered}}

    def clock_info(self) -> dict[str, Any]:
        local = self.services.calendar.to_local(self.clock.now())
        return {"iso": local.isoformat(timespec="seconds"), "text": clock_text(local),
                "offset_seconds": int(self.clock.offset.total_seconds())}

    # ------------------------------------------------- what the page calls

    def people(self) -> list[dict[str, Any]]:
        return workspace.people(self.org)

    def directories(self) -> list[dict[str, Any]]:
        """The demo directories the page can switch between, and which is loaded."""
        current = Path(self.org_file).resolve()
        return [{"name": name, "label": DIRECTORY_LABELS[name], "current": path.resolve() == current}
                for name, path in DIRECTORIES.items()]

    def load_directory(self, name: str) -> dict[str, Any]:
        """Import one of the demo directories over the running bot, as an admin
        would with ``ifn-bot directory import`` (without --prune): open requests
        stay; the organisation's shape, units and roles become the file's."""
        if name not in DIRECTORIES:
            raise ValueError(f"unknown directory {name!r}; known: {', '.join(DIRECTORIES)}")
        path = DIRECTORIES[name]
        data = load_directory_file(path)
        with self._ticks.lock:
            result = self.services.directory.import_directory(data, str(path))
            assert self.fake is not None
            for person in data.people:
                if person.slack_id and person.slack_id not in {p["id"] for p in self.people()}:
                    self.fake.add_user(person.slack_id, name=person.name, email=person.email,
                                       locale="en-US" if person.language == "en" else "nb-NO")
            self.org, self.org_file = data, path
            (self.data_dir / LOADED_MARK).write_text(f"{path}\n")
            self.screen.set_people(self.people())
        return {"directories": self.directories(), "people": self.people(),
                "created": result.created, "updated": result.updated,
                "scope": data.organisation.scope}

    def state(self, user: str) -> dict[str, Any]:
        return {**self.screen.state(user), "clock": self.clock_info()}

    def command(self, user: str, text: str, channel: str | None = None) -> dict[str, Any]:
        return self.gestures.command(user, text, channel)

    def action(self, user: str, req: dict[str, Any]) -> dict[str, Any]:
        return self.gestures.action(user, req)

    def submit(self, user: str, view_id: str, values: dict[str, Any]) -> dict[str, Any]:
        return self.gestures.submit(user, view_id, values)

    def close(self, user: str, view_id: str) -> dict[str, Any]:
        return self.gestures.close(user, view_id)

    def open_home(self, user: str) -> dict[str, Any]:
        return self.gestures.open_home(user)


def run(data_dir: Path, port: int, start_at: datetime | None = None) -> int:
    """``ifn-bot sandbox``: start everything and wait for Ctrl-C."""
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    sandbox = Sandbox(data_dir, port=port, start_at=start_at)
    try:
        sandbox.start()
    except OSError as exc:
        sandbox.stop()
        print(f"ifn-bot: sandbox: cannot listen on 127.0.0.1:{port} ({exc.strerror}); "
              "pick another with --port", file=sys.stderr)
        return 2
    print(f"ifn-bot sandbox: open {sandbox.url}  (bot at {sandbox.bot_url}, fake Slack at "
          f"{sandbox.fake.root_url if sandbox.fake else '?'}, data in {data_dir}); Ctrl-C stops",
          flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
    return 0


__all__ = ["Sandbox", "run"]
