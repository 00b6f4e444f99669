"""A loopback fake of the Slack Web API for the real ``slack_sdk.WebClient`` (tests and sandbox).

Point a ``WebClient`` at ``FakeSlack.base_url`` and it talks HTTP to a real
server on 127.0.0.1 (port 0, so parallel runs never collide). Every call is
parsed the way Slack parses it (form, JSON or query arguments; the token from
the ``Authorization: Bearer`` header), checked against Slack's published spec
(``validate.py``), recorded with its decoded arguments and answered with the
shape Slack answers with. Tests assert on the recorded calls and on the small
amount of state the fake keeps (messages, views), never on sleeps.

The Slack methods themselves live in ``methods.py`` (chat, conversations,
users) and ``views.py`` (modals and Home tabs). Channels have members
(``add_channel(..., members=...)``), so ``conversations.members`` and what the
sandbox's page shows agree; with a ``clock`` the fake stamps messages with it.

The fake also serves ``response_url`` targets under ``hooks_url`` so that
``respond()`` in a listener never reaches the internet; those calls are
recorded with method ``"response_url"``.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from slack_sdk import WebClient

from sandbox.fakeslack import block_limits
from sandbox.fakeslack.answers import FakeUser
from sandbox.fakeslack.answers import error as _error
from sandbox.fakeslack.identity import DEFAULT_WORKSPACE, Workspace
from sandbox.fakeslack.methods import _BUILTIN, SlackMethods
from sandbox.fakeslack.validate import JSON_ARGS, check_call, is_known_method, missing_scope
from sandbox.fakeslack.views import ViewMethods

logger = logging.getLogger(__name__)

RESPONSE_URL = "response_url"
"""The ``Call.method`` of a POST to one of the fake's ``response_url`` targets."""

Handler = Callable[[dict[str, Any]], dict[str, Any]]

#: The bot scopes the fake's token has unless a test says otherwise: those the app's
#: manifest (``manifest.yaml``) asks for (a test keeps the two equal).
DEFAULT_SCOPES = ("commands", "chat:write", "im:write", "mpim:write", "users:read", "users:read.email",
                  "channels:read", "groups:read", "im:history", "channels:history", "groups:history")


@dataclass(frozen=True)
class Call:
    """One request the fake received, as it was understood."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    token: str | None
    time: float
    path: str
    http_status: int
    response: dict[str, Any] | None
    """The JSON answered, or None when the connection was dropped."""

    @property
    def ok(self) -> bool:
        return self.http_status == 200 and bool(self.response and self.response.get("ok"))


@dataclass
class _Failure:
    error: str
    status: int
    retry_after: int | None


@dataclass
class _Answer:
    status: int
    body: dict[str, Any] | None  # None: drop the connection without answering
    headers: dict[str, str] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    # socketserver's default listen backlog of 5 makes concurrent clients wait a
    # second for a connection retry; Slack itself never does that.
    request_queue_size = 128
    daemon_threads = True


class FakeSlack(SlackMethods, ViewMethods):
    """A started-on-demand fake Slack Web API; see the module docstring.

    Use as a context manager, or ``start()`` / ``stop()``.
    """

    def __init__(
        self,
        *,
        token: str | None = None,
        workspace: Workspace = DEFAULT_WORKSPACE,
        host: str = "127.0.0.1",
        clock: Callable[[], float] | None = time.time,
    ) -> None:
        """``clock`` (seconds since the epoch) stamps the messages' ``ts``, as Slack's
        ts are the epoch times of posting: the machine's by default, the bot's in
        the sandbox; ``None`` counts up from a fixed second."""
        self.workspace = workspace
        self._clock = clock
        self._last_ts_micros = 0
        self.token = token if token is not None else workspace.bot_token
        self._host = host
        self._lock = threading.RLock()
        self._calls: list[Call] = []
        self._violations: list[str] = []
        self._failures: dict[str, deque[_Failure]] = defaultdict(deque)
        self._delays: dict[str, float] = {}
        self._down = False
        self._drop_connection = False
        self._handlers: dict[str, Handler] = {}
        self._users: dict[str, FakeUser] = {}
        self._channels: dict[str, dict[str, Any]] = {}
        self._channel_members: dict[str, list[str] | None] = {}
        self._im_users: dict[str, str] = {}
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._ephemerals: list[dict[str, Any]] = []
        self._open_conversations: dict[str, list[str]] = {}
        self._views: dict[str, dict[str, Any]] = {}
        self._home_views: dict[str, str] = {}
        self._ts_counter = 0
        self._view_counter = 0
        self._scopes: frozenset[str] = frozenset(DEFAULT_SCOPES)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeSlack:
        if self._server is not None:
            raise RuntimeError("FakeSlack is already started")
        server = _Server((self._host, 0), _RequestHandler)
        server.daemon_threads = True
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fakeslack:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return int(self._server.server_address[1])

    @property
    def root_url(self) -> str:
        return f"http://{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What to pass as ``WebClient(base_url=...)`` / ``SLACK_API_URL``."""
        return f"{self.root_url}/api/"

    @property
    def hooks_url(self) -> str:
        """Prefix for ``response_url`` values the fake answers and records."""
        return f"{self.root_url}/hooks/"

    def client(self, **kwargs: Any) -> WebClient:
        """A real WebClient pointed at this fake with the expected token."""
        kwargs.setdefault("token", self.token)
        return WebClient(base_url=self.base_url, **kwargs)

    # ----------------------------------------------------------- recorded calls

    def calls(self, method: str | None = None) -> list[Call]:
        """Recorded calls in arrival order, optionally only those to ``method``."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def last(self, method: str | None = None) -> Call:
        """The most recent call (to ``method``); AssertionError if there is none."""
        found = self.calls(method)
        if not found:
            seen = [c.method for c in self.calls()]
            raise AssertionError(f"no call to {method or 'any method'}; calls so far: {seen}")
        return found[-1]

    def clear(self) -> None:
        """Forget recorded calls (not violations, not messages or views)."""
        with self._lock:
            self._calls.clear()

    @property
    def violations(self) -> list[str]:
        with self._lock:
            return list(self._violations)

    def take_violations(self) -> list[str]:
        """Return and forget the violations, for tests that provoke them on purpose."""
        with self._lock:
            taken = list(self._violations)
            self._violations.clear()
            return taken

    def assert_no_violations(self) -> None:
        found = self.violations
        if found:
            listing = "\n  ".join(found)
            raise AssertionError(
                f"{len(found)} Slack Web API call(s) Slack would reject:\n  {listing}"
            )

    # ----------------------------------------------------------------- seeding

    def add_user(
        self,
        user_id: str,
        name: str,
        email: str | None = None,
        locale: str = "nb-NO",
        **extra: Any,
    ) -> FakeUser:
        """Make ``users.info`` / ``users.lookupByEmail`` know a user."""
        user = FakeUser(id=user_id, name=name, email=email, locale=locale, **extra)
        with self._lock:
            self._users[user_id] = user
        return user

    def add_channel(self, channel_id: str, name: str, *, is_private: bool = False,
                    members: list[str] | None = None, bot_member: bool = True) -> None:
        """Make ``conversations.info`` know a channel (DMs opened via the API are known).
        ``members``: the users in it (the bot is in unless ``bot_member`` is False);
        None means every user."""
        with self._lock:
            self._channel_members[channel_id] = list(members) if members is not None else None
            self._channels[channel_id] = {
                "id": channel_id,
                "name": name,
                "is_channel": not is_private,
                "is_group": False,
                "is_im": False,
                "is_mpim": False,
                "is_private": is_private,
                "is_archived": False,
                "is_member": bot_member,
                "created": 1700000000,
                "creator": self.workspace.bot_user_id,
            }

    def set_delay(self, method: str, seconds: float) -> None:
        """Answer ``method`` only after ``seconds`` (a slow Slack); 0 ends it."""
        with self._lock:
            self._delays[method] = seconds

    def serve_socket_mode(self, ws_url: str) -> None:
        """Answer ``apps.connections.open`` (the app-level token's call that starts
        Socket Mode; newer than the OpenAPI spec) with this WebSocket URL."""
        self.set_handler("apps.connections.open", lambda _args: {"ok": True, "url": ws_url})

    def set_scopes(self, scopes: list[str] | tuple[str, ...]) -> None:
        """The scopes the token was granted: ``auth.test`` reports them in
        ``X-OAuth-Scopes`` and a method needing another answers ``missing_scope``."""
        with self._lock:
            self._scopes = frozenset(scopes)

    def set_handler(self, method: str, handler: Handler) -> None:
        """Answer ``method`` with ``handler(args)`` (after auth and spec checks)."""
        with self._lock:
            self._handlers[method] = handler

    # ---------------------------------------------------------- failure control

    def set_down(self, down: bool = True, *, drop_connection: bool = False) -> None:
        """While down, every request gets HTTP 503, or no answer at all if
        ``drop_connection`` (the client sees the connection closed)."""
        with self._lock:
            self._down = down
            self._drop_connection = drop_connection

    def fail_next(
        self,
        method: str,
        error: str = "ratelimited",
        status: int = 429,
        retry_after: int | None = 1,
        *,
        times: int = 1,
    ) -> None:
        """Queue one-off failure answers for the next ``times`` calls to ``method``.

        ``status=200`` gives Slack's usual ``{"ok": false, "error": ...}``; 429 adds
        ``Retry-After`` as Slack does when rate limiting.
        """
        with self._lock:
            for _ in range(times):
                self._failures[method].append(_Failure(error, status, retry_after))

    # ------------------------------------------------------------ fake's state

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """The current state of a posted message, or None if absent/deleted."""
        with self._lock:
            found = self._messages.get((channel, ts))
            return json.loads(json.dumps(found)) if found is not None else None

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Current messages (optionally in one channel), oldest first; each has "channel"."""
        with self._lock:
            found = [
                {**m, "channel": ch}
                for (ch, _), m in sorted(self._messages.items(), key=lambda kv: kv[0][1])
                if channel is None or ch == channel
            ]
        return json.loads(json.dumps(found))

    def ephemerals(self) -> list[dict[str, Any]]:
        with self._lock:
            return json.loads(json.dumps(self._ephemerals))

    def view(self, view_id: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._views.get(view_id)
            return json.loads(json.dumps(found)) if found is not None else None

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        with self._lock:
            view_id = self._home_views.get(user_id)
        return self.view(view_id) if view_id else None

    def channel_name(self, channel_id: str) -> str | None:
        with self._lock:
            found = self._channels.get(channel_id)
            return found["name"] if found else None

    def members(self, channel_id: str) -> list[str]:
        """Who ``conversations.members`` says is in a conversation (the bot included)."""
        with self._lock:
            return list(self._members_of(channel_id) or [])

    def conversations_of(self, user_id: str) -> list[str]:
        """The channels and group DMs ``user_id`` is a member of (not their DM with the app)."""
        with self._lock:
            known = [*self._channels, *(c for c, users in self._open_conversations.items() if len(users) > 1)]
            return [c for c in known if user_id in (self._members_of(c) or [])]

    # -------------------------------------------- what the sandbox's page does

    def new_ts(self) -> str:
        """A fresh message ts, for messages the sandbox shows itself (ephemeral answers)."""
        with self._lock:
            return self._next_ts()

    def post_as_user(self, channel: str, user_id: str, text: str) -> dict[str, Any]:
        """A person writes in a channel or group DM they are in (the app hears nothing)."""
        with self._lock:
            if user_id not in (self._members_of(channel) or []):
                raise ValueError(f"{user_id} is not in {channel}")
            ts = self._next_ts()
            message = {"type": "message", "user": user_id, "text": text, "ts": ts,
                       "team": self.workspace.team_id}
            self._messages[(channel, ts)] = message
            return json.loads(json.dumps(message))

    def replace_message(self, channel: str, ts: str, fields: Mapping[str, Any]) -> bool:
        """What a ``response_url`` with ``replace_original`` does to a posted message."""
        with self._lock:
            message = self._messages.get((channel, ts))
            if message is None:
                return False
            message.update({k: fields[k] for k in ("text", "blocks") if k in fields})
            return True

    def delete_message(self, channel: str, ts: str) -> bool:
        with self._lock:
            return self._messages.pop((channel, ts), None) is not None

    def store_view(self, view: dict[str, Any], *, view_id: str | None = None,
                   previous_view_id: str | None = None, root_view_id: str | None = None) -> dict[str, Any]:
        """A view the bot answered a submission with (``response_action: update|push``)."""
        with self._lock:
            self._violations.extend(f"response_action view: {m}" for m in block_limits.view_problems(view))
            return json.loads(json.dumps(self._store_view(
                view, view_id=view_id, previous_view_id=previous_view_id, root_view_id=root_view_id)))

    # -------------------------------------------------------- request handling

    def _serve(self, path: str, headers: Mapping[str, str], raw: bytes) -> _Answer:
        """Turn one HTTP request into an answer and record it."""
        url = urlsplit(path)
        header_dict = {k: v for k, v in headers.items()}
        if url.path.startswith("/api/"):
            method = url.path[len("/api/") :]
            time.sleep(self._delays.get(method, 0.0))
            args, token, parse_problems = self._parse(method, url.query, headers, raw)
            answer = self._answer_api(method, args, token, parse_problems)
        elif url.path.startswith("/hooks/"):
            method, token = RESPONSE_URL, None
            args, answer = self._answer_hook(url.path, raw)
        else:
            return _Answer(404, _error("not_found"))
        call = Call(
            method=method,
            args=_snapshot(args),
            headers=header_dict,
            token=token,
            time=time.time(),
            path=url.path,
            http_status=answer.status,
            response=_snapshot(answer.body),  # later updates must not rewrite history
        )
        with self._lock:
            self._calls.append(call)
        return answer

    def _parse(
        self, method: str, query: str, headers: Mapping[str, str], raw: bytes
    ) -> tuple[dict[str, Any], str | None, list[str]]:
        problems: list[str] = []
        args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
        content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        token_in_args: Any = args.pop("token", None)
        if content_type == "application/json":
            try:
                body = json.loads(raw.decode("utf-8") or "{}")
            except ValueError:
                body = None
            if isinstance(body, dict):
                # Slack ignores a token inside a JSON body: JSON needs the header.
                body.pop("token", None)
                args.update(body)
            else:
                problems.append(f"{method}: JSON body is not an object")
        elif content_type in ("application/x-www-form-urlencoded", "") and raw:
            form = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
            token_in_args = form.pop("token", token_in_args)
            args.update(form)
        elif raw:
            problems.append(f"{method}: unsupported Content-Type {content_type!r}")
        for name in JSON_ARGS & set(args):
            if isinstance(args[name], str):
                try:
                    args[name] = json.loads(args[name])
                except ValueError:
                    problems.append(f"{method}: argument '{name}' is not valid JSON")
        auth = headers.get("Authorization") or ""
        token = auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else None
        if token is None and isinstance(token_in_args, str) and token_in_args:
            token = token_in_args
        return args, token, problems

    def _answer_api(
        self, method: str, args: dict[str, Any], token: str | None, parse_problems: list[str]
    ) -> _Answer:
        with self._lock:
            if self._down:
                if self._drop_connection:
                    return _Answer(503, None)
                return _Answer(503, _error("service_unavailable"))
            queue = self._failures.get(method)
            if queue:
                failure = queue.popleft()
                extra = {}
                if failure.retry_after is not None:
                    extra["Retry-After"] = str(failure.retry_after)
                return _Answer(failure.status, _error(failure.error), extra)
            handler = self._handlers.get(method) or _BUILTIN.get(method)
            if not is_known_method(method) and method not in self._handlers:
                self._violations.append(f"{method}: not a method in Slack's Web API spec")
                return _Answer(200, {"ok": False, "error": "unknown_method", "req_method": method})
            if not token:
                return _Answer(200, _error("not_authed"))
            if token != (self.workspace.app_token if method in _APP_TOKEN_METHODS else self.token):
                return _Answer(200, _error("invalid_auth"))
            problems = parse_problems + (
                check_call(method, args) if is_known_method(method) else []
            )
            if problems:
                self._violations.extend(problems)
                return _Answer(200, _error("invalid_arguments", *problems))
            refused = block_limits.refusal(method, args)
            if refused is not None:  # Slack refuses it; for the bot that is a lost notification
                code, messages = refused
                self._violations.extend(f"{method}: {code}: {m}" for m in messages)
                return _Answer(200, _error(code, *messages))
            if handler is None:
                note = f"fakeslack does not implement {method}; use FakeSlack.set_handler"
                return _Answer(200, _error("unknown_method", note))
            needed = missing_scope(method, self._scopes)
            if needed is not None:  # as Slack answers: what it needed, what the token has
                return _Answer(200, {"ok": False, "error": "missing_scope", "needed": needed,
                                     "provided": ",".join(sorted(self._scopes))},
                               self._scope_headers(method))
            if isinstance(handler, str):
                return _Answer(200, getattr(self, handler)(args), self._scope_headers(method))
            return _Answer(200, handler(args), self._scope_headers(method))

    def _scope_headers(self, method: str) -> dict[str, str]:
        """Slack tells every Web API answer's scopes; doctor reads auth.test's."""
        return {"X-OAuth-Scopes": ",".join(sorted(self._scopes)), "X-Accepted-OAuth-Scopes": ""}

    def _answer_hook(self, path: str, raw: bytes) -> tuple[dict[str, Any], _Answer]:
        try:
            body = json.loads(raw.decode("utf-8") or "{}")
        except ValueError:
            body = None
        with self._lock:
            if self._down:
                down = _Answer(503, None if self._drop_connection else _error("unavailable"))
                return (body if isinstance(body, dict) else {}), down
            if not isinstance(body, dict):
                self._violations.append(f"response_url {path}: body is not a JSON object")
                return {}, _Answer(400, _error("invalid_payload"))
            refused = block_limits.refusal("chat.postMessage", body)
            if refused is not None:
                self._violations.extend(f"response_url: {refused[0]}: {m}" for m in refused[1])
                return body, _Answer(400, _error(refused[0], *refused[1]))
        return body, _Answer(200, {"ok": True})


class _RequestHandler(BaseHTTPRequestHandler):
    server_version = "fakeslack/1"

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self._handle()

    def do_GET(self) -> None:  # noqa: N802
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        fake: FakeSlack = self.server.fake  # type: ignore[attr-defined]
        try:
            answer = fake._serve(self.path, self.headers, raw)
        except Exception:  # a bug in the fake: answer 500 and keep it visible
            logger.exception("fakeslack failed to answer %s", self.path)
            answer = _Answer(500, _error("fakeslack_internal_error"))
        if answer.body is None:
            self.close_connection = True
            return
        payload = json.dumps(answer.body).encode("utf-8")
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        logger.debug("fakeslack: " + format, *args)


#: Methods called with the app-level token (xapp-…) instead of the bot token.
_APP_TOKEN_METHODS = frozenset({"apps.connections.open"})


def _snapshot(value: Any) -> Any:
    """A copy the history keeps as it was. Arguments and answers are JSON, and a
    JSON round trip copies them several times faster than ``copy.deepcopy``."""
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        return copy.deepcopy(value)
