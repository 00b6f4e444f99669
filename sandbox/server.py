"""``ifn-bot sandbox``: the bot, a fake Slack and a page that plays the workspace.

Three loopback servers in one process:

* the fake Slack Web API (``sandbox.fakeslack``) that the bot's real ``WebClient``
  talks to; it keeps the messages, views and Home tabs;
* the bot itself: the real WSGI app (Bolt, real signature verification) on its own
  port, SQLite in the data directory, the scheduler in-process on an
  ``OffsetClock`` (system time plus an offset the page can move forward);
* the workspace page (``static/``) and its JSON API: who you are, what you see,
  and the Slack side of every gesture (a typed ``/ifn``, a click, a submitted or
  closed modal, opening the Home tab), sent to the bot signed as Slack signs them.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import secrets
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from bot.clock import OffsetClock
from bot.directory_file import DirectoryFile, load_directory_file
from bot.settings import Settings, load_settings
from sandbox import clock_control
from sandbox.fakeslack import RESPONSE_URL, FakeSlack
from sandbox.slack_requests import SignedRequests

log = logging.getLogger("ifn_bot.sandbox")

STATIC_DIR = Path(__file__).with_name("static")
DEFAULT_ORG = Path(__file__).resolve().parents[1] / "examples" / "org.yaml"
NETWORK_CHANNEL = ("CNETWORK01", "ifn-nettverk")
MANAGEMENT_CHANNEL = ("CMGMT00001", "ifn-ledelse")
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


@dataclass
class _UserSide:
    """What only one user sees: their modal stack and their ephemeral messages."""

    modals: list[str] = field(default_factory=list)
    ephemerals: list[dict[str, Any]] = field(default_factory=list)


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
        self._lock = threading.RLock()
        self._users: dict[str, _UserSide] = {}
        self._trigger_user: dict[str, str] = {}
        self._hook_source: dict[str, tuple[str, dict[str, Any] | None]] = {}
        self._hooks_seen = 0
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
        self.org: DirectoryFile = load_directory_file(self.org_file)
        fake = self.fake = FakeSlack().start()
        for channel_id, name in (NETWORK_CHANNEL, MANAGEMENT_CHANNEL):
            fake.add_channel(channel_id, name)
        for person in self.org.people:
            if person.slack_id:
                fake.add_user(person.slack_id, name=person.name, email=person.email,
                              locale="en-US" if person.language == "en" else "nb-NO")
        for method in ("views.open", "views.push"):
            fake.set_handler(method, self._view_opener(method))

        secret = secrets.token_hex(16)
        db_url = f"sqlite:///{(self.data_dir / 'sandbox.db').resolve()}"
        self.settings = load_settings(
            Settings, slack_bot_token=fake.token, slack_signing_secret=secret, slack_app_token=None,
            slack_api_url=fake.base_url, database_url=db_url,
            ifn_network_channel=NETWORK_CHANNEL[0], ifn_management_channel=MANAGEMENT_CHANNEL[0],
        )
        upgrade(db_url)
        if self.start_at is not None:
            self.clock = OffsetClock.starting_at(self.start_at)
            self._save_clock()
        else:
            self.clock = OffsetClock(self._saved_offset())
        self.services = build_services(self.settings, self.clock)
        mark = self.data_dir / LOADED_MARK
        if not mark.exists():
            result = self.services.directory.import_directory(self.org, str(self.org_file))
            mark.write_text(f"{self.org_file}\n")
            log.info("directory loaded from %s: %d people", self.org_file, result.created)
        app = build_slack_app(self.services, listener_executor=InlineExecutor())
        self._servers.append(_serve(WebApp(app, operator_endpoints(self.services)), 0))
        self.bot_url = self._url(self._servers[-1][0])
        self.slack = SignedRequests(self.bot_url, secret, response_url_base=fake.hooks_url)
        self._servers.append(_serve(self.page_app, self.port))
        self.url = self._url(self._servers[-1][0]) + "/"
        self._scheduler = start_background(self.services.ticker, self.tick_interval,
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
        self.clock.advance_to(clock_control.target(self.services.calendar, self.clock.now(), step))
        self._save_clock()
        result = self.services.ticker.tick()
        return {"clock": self.clock_info(), "tick": {
            "timeouts": result.timeouts, "timers": result.timers, "daily": result.daily,
            "delivered": result.delivered}}

    def clock_info(self) -> dict[str, Any]:
        local = self.services.calendar.to_local(self.clock.now())
        return {"iso": local.isoformat(timespec="seconds"), "text": local.strftime("%a %d %b %Y %H:%M"),
                "offset_seconds": int(self.clock.offset.total_seconds())}

    # ---------------------------------------------------- what each user sees

    def _side(self, user: str) -> _UserSide:
        with self._lock:
            return self._users.setdefault(user, _UserSide())

    def _view_opener(self, method: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        """Answer views.open / views.push as the fake does, and remember whose
        screen the modal is on (by the trigger_id the page handed out)."""
        builtin = "_views_open" if method == "views.open" else "_views_push"

        def handler(args: dict[str, Any]) -> dict[str, Any]:
            assert self.fake is not None
            answer = getattr(self.fake, builtin)(args)
            user = self._trigger_user.get(str(args.get("trigger_id", "")))
            if answer.get("ok") and user:
                side = self._side(user)
                with self._lock:
                    if method == "views.open":
                        side.modals.clear()
                    side.modals.append(answer["view"]["id"])
            return answer

        return handler

    def _new_ts(self) -> str:
        assert self.fake is not None
        with self.fake._lock:
            return self.fake._next_ts()

    def _ephemeral(self, user: str, body: dict[str, Any], channel: str | None = None) -> None:
        if not (body.get("text") or body.get("blocks")):
            return
        entry = {"ts": self._new_ts(), "channel": channel, "text": body.get("text", ""),
                 "blocks": body.get("blocks"), "ephemeral": True}
        with self._lock:
            self._side(user).ephemerals.append(entry)

    def _collect_hooks(self) -> None:
        """Route what the bot sent to response_urls: replace or delete the original
        message, or an ephemeral message for the user who acted."""
        assert self.fake is not None
        with self._lock:
            hooks = self.fake.calls(RESPONSE_URL)
            fresh, self._hooks_seen = hooks[self._hooks_seen:], len(hooks)
            for call in fresh:
                user, source = self._hook_source.get(call.path, (None, None))
                body = call.args
                replacing = body.get("replace_original") or body.get("delete_original")
                if source is not None and replacing and source.get("ephemeral") and user:
                    entries = self._side(user).ephemerals
                    for i, entry in enumerate(entries):
                        if entry["ts"] == source["ts"]:
                            if body.get("delete_original"):
                                del entries[i]
                            else:
                                entry.update({k: body[k] for k in ("text", "blocks") if k in body})
                            break
                    continue
                if source is not None and replacing:
                    key = (source["channel"], source["ts"])
                    with self.fake._lock:
                        if body.get("delete_original"):
                            self.fake._messages.pop(key, None)
                        elif key in self.fake._messages:
                            self.fake._messages[key].update(
                                {k: body[k] for k in ("text", "blocks") if k in body})
                    continue
                if user:
                    self._ephemeral(user, body, source["channel"] if source else None)

    def _response_url(self, user: str, source: dict[str, Any] | None = None) -> str:
        url = self.slack.new_response_url()
        self._hook_source[urlsplit(url).path] = (user, source)
        return url

    def _trigger(self, user: str) -> str:
        trigger = self.slack.new_trigger_id()
        self._trigger_user[trigger] = user
        return trigger

    def people(self) -> list[dict[str, Any]]:
        units = {u.code: u for u in self.org.units}
        out = []
        for p in self.org.people:
            if not p.slack_id:
                continue
            area = p.area or (units[p.unit].area if p.unit in units else None)
            roles = [str(getattr(r.role, "value", r.role)) for r in p.roles]
            out.append({"id": p.slack_id, "name": p.name, "area": area, "unit": p.unit,
                        "roles": roles, "language": p.language})
        return out

    def state(self, user: str) -> dict[str, Any]:
        assert self.fake is not None
        self._collect_hooks()
        fake = self.fake
        dm = fake.dm_channel(user)
        side = self._side(user)
        with self._lock:
            ephemerals = list(side.ephemerals)
            modals = [v for v in (fake.view(vid) for vid in side.modals) if v is not None]
        ephemerals += [{**e, "ephemeral": True} for e in fake.ephemerals() if e.get("user") == user]
        home = fake.home_view(user)
        return {
            "user": user,
            "clock": self.clock_info(),
            "dm_channel": dm,
            "channels": {
                "dm": fake.messages(dm),
                "network": fake.messages(NETWORK_CHANNEL[0]),
                "management": fake.messages(MANAGEMENT_CHANNEL[0]),
            },
            "channel_ids": {"dm": dm, "network": NETWORK_CHANNEL[0], "management": MANAGEMENT_CHANNEL[0]},
            "ephemerals": sorted(ephemerals, key=lambda e: e["ts"]),
            "home": home,
            "modals": modals,
        }

    # ----------------------------------------------------------- user gestures

    def command(self, user: str, text: str) -> dict[str, Any]:
        self._ephemeral(user, {"text": f"/ifn {text}".rstrip()} | {"typed": True})
        with self._lock:
            self._side(user).ephemerals[-1]["typed"] = True
        resp = self.slack.slash_command(user, text, channel_id=self.fake.dm_channel(user),
                                        channel_name="directmessage", trigger_id=self._trigger(user),
                                        response_url=self._response_url(user))
        if resp.status == 200 and resp.body.strip():
            try:
                body = resp.json()
            except ValueError:
                body = {"text": resp.body}
            if isinstance(body, dict):
                self._ephemeral(user, body)
        return {"status": resp.status}

    def action(self, user: str, req: dict[str, Any]) -> dict[str, Any]:
        assert self.fake is not None
        action = req["action"]
        if req.get("ephemeral_ts"):
            return self._ephemeral_action(user, str(req["ephemeral_ts"]), action, req.get("state_values"))
        if req.get("view_id"):
            view = self.fake.view(str(req["view_id"]))
            if view is None:
                return {"status": 404, "error": "view_not_found"}
            resp = self.slack.block_actions(user, [action], view=view, trigger_id=self._trigger(user),
                                            state_values=req.get("state_values") or {})
        else:
            channel, ts = str(req["channel"]), str(req["ts"])
            message = self.fake.message(channel, ts)
            if message is None:
                return {"status": 404, "error": "message_not_found"}
            source = {"channel": channel, "ts": ts}
            resp = self.slack.block_actions(
                user, [action], message={**message, "channel": channel}, channel=channel,
                trigger_id=self._trigger(user), response_url=self._response_url(user, source),
                state_values=req.get("state_values") or {})
        self._collect_hooks()
        return {"status": resp.status}

    def _ephemeral_action(self, user: str, ts: str, action: dict[str, Any],
                          values: dict[str, Any] | None) -> dict[str, Any]:
        """A click in an ephemeral message (e.g. the ``/ifn`` menu): Slack sends the
        message as it was shown, marks the container ephemeral, and a response_url
        whose replace_original rewrites that ephemeral message."""
        assert self.fake is not None
        with self._lock:
            entry = next((e for e in self._side(user).ephemerals if e["ts"] == ts), None)
        if entry is None:
            entry = next((e for e in self.fake.ephemerals() if e["ts"] == ts and e.get("user") == user), None)
        if entry is None:
            return {"status": 404, "error": "message_not_found"}
        channel = entry.get("channel") or self.fake.dm_channel(user)
        message = {"type": "message", "ts": ts, "text": entry.get("text", ""),
                   "blocks": entry.get("blocks") or []}
        container = {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": True}
        resp = self.slack.block_actions(
            user, [action], message=message, channel=channel, container=container,
            trigger_id=self._trigger(user),
            response_url=self._response_url(user, {"channel": channel, "ts": ts, "ephemeral": True}),
            state_values=values or {})
        self._collect_hooks()
        return {"status": resp.status}

    def submit(self, user: str, view_id: str, values: dict[str, Any]) -> dict[str, Any]:
        assert self.fake is not None
        view = self.fake.view(view_id)
        if view is None:
            return {"status": 404, "error": "view_not_found"}
        resp = self.slack.view_submission(user, None, values, None, view_id, view=view,
                                          trigger_id=self._trigger(user))
        body: dict[str, Any] = {}
        if resp.body.strip():
            try:
                body = resp.json()
            except ValueError:
                body = {}
        side = self._side(user)
        answer = body.get("response_action")
        with self._lock:
            if resp.status != 200:
                return {"status": resp.status, "error": resp.body[:200]}
            if answer == "errors":
                return {"status": 200, "errors": body.get("errors", {})}
            if answer == "clear":
                side.modals.clear()
            elif answer == "update":
                with self.fake._lock:
                    self.fake._store_view(body["view"], view_id=view_id,
                                          previous_view_id=view.get("previous_view_id"),
                                          root_view_id=view.get("root_view_id"))
            elif answer == "push":
                with self.fake._lock:
                    side.modals.append(self.fake._store_view(body["view"], root_view_id=view_id)["id"])
            elif view_id in side.modals:
                side.modals.remove(view_id)
        self._collect_hooks()
        return {"status": 200}

    def close(self, user: str, view_id: str) -> dict[str, Any]:
        assert self.fake is not None
        view = self.fake.view(view_id)
        status = 200
        if view is not None and view.get("notify_on_close"):
            status = self.slack.view_closed(user, None, None, view_id, view=view).status
        with self._lock:
            side = self._side(user)
            if view_id in side.modals:
                side.modals.remove(view_id)
        return {"status": status}

    def open_home(self, user: str) -> dict[str, Any]:
        resp = self.slack.event({"type": "app_home_opened", "user": user, "tab": "home",
                                 "channel": self.fake.dm_channel(user)})
        return {"status": resp.status}

    # ------------------------------------------------------------ the page (WSGI)

    def page_app(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            if method == "GET" and path in ("/", "/index.html"):
                return self._file(start_response, STATIC_DIR / "index.html")
            if method == "GET" and path.startswith("/static/"):
                target = (STATIC_DIR / path[len("/static/"):]).resolve()
                if STATIC_DIR.resolve() not in target.parents or not target.is_file():
                    return self._json(start_response, {"error": "not_found"}, "404 Not Found")
                return self._file(start_response, target)
            if method == "GET" and path == "/api/people":
                return self._json(start_response, {"people": self.people(), "clock": self.clock_info()})
            if method == "GET" and path == "/api/state":
                user = parse_qs(environ.get("QUERY_STRING", "")).get("user", [""])[0]
                return self._json(start_response, self.state(user))
            if method == "POST" and path.startswith("/api/"):
                length = int(environ.get("CONTENT_LENGTH") or 0)
                req = json.loads(environ["wsgi.input"].read(length) or b"{}")
                return self._json(start_response, self._post(path[len("/api/"):], req))
        except Exception as exc:  # noqa: BLE001 - shown on the page, logged here
            log.exception("sandbox page request %s failed", path)
            return self._json(start_response, {"error": str(exc)}, "500 Internal Server Error")
        return self._json(start_response, {"error": "not_found"}, "404 Not Found")

    def _post(self, name: str, req: dict[str, Any]) -> dict[str, Any]:
        user = str(req.get("user", ""))
        if name == "command":
            return self.command(user, str(req.get("text", "")))
        if name == "action":
            return self.action(user, req)
        if name == "submit":
            return self.submit(user, str(req["view_id"]), req.get("state_values") or {})
        if name == "close":
            return self.close(user, str(req["view_id"]))
        if name == "home":
            return self.open_home(user)
        if name == "clock":
            return self.move_clock(str(req.get("step", "")))
        raise ValueError(f"unknown call {name!r}")

    @staticmethod
    def _json(start_response: Callable, body: Any, status: str = "200 OK") -> list[bytes]:
        payload = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json; charset=utf-8"),
                                ("Content-Length", str(len(payload))), ("Cache-Control", "no-store")])
        return [payload]

    @staticmethod
    def _file(start_response: Callable, target: Path) -> list[bytes]:
        data = target.read_bytes()
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind.endswith("javascript"):
            kind += "; charset=utf-8"
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(data))),
                                  ("Cache-Control", "no-store")])
        return [data]


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
