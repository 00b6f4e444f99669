"""The sandbox page over HTTP: the static files under ``static/`` and the JSON
API the page calls (who can be picked, what one user sees, and each gesture)."""

from __future__ import annotations

import json
import logging
import mimetypes
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

if TYPE_CHECKING:
    from sandbox.server import Sandbox

log = logging.getLogger("ifn_bot.sandbox")

STATIC_DIR = Path(__file__).with_name("static")


class PageApp:
    """A WSGI app serving the page of one ``Sandbox``."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._box = sandbox

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            if method == "GET" and path in ("/", "/index.html"):
                return _file(start_response, STATIC_DIR / "index.html")
            if method == "GET" and path.startswith("/static/"):
                target = (STATIC_DIR / path[len("/static/"):]).resolve()
                if STATIC_DIR.resolve() not in target.parents or not target.is_file():
                    return _json(start_response, {"error": "not_found"}, "404 Not Found")
                return _file(start_response, target)
            if method == "GET" and path == "/api/people":
                return _json(start_response, {"people": self._box.people(), "clock": self._box.clock_info(),
                                              "directories": self._box.directories()})
            if method == "GET" and path == "/api/state":
                user = parse_qs(environ.get("QUERY_STRING", "")).get("user", [""])[0]
                return _json(start_response, self._box.state(user))
            if method == "POST" and path.startswith("/api/"):
                length = int(environ.get("CONTENT_LENGTH") or 0)
                req = json.loads(environ["wsgi.input"].read(length) or b"{}")
                return _json(start_response, self._post(path[len("/api/"):], req))
        except Exception as exc:  # noqa: BLE001 - shown on the page, logged here
            log.exception("sandbox page request %s failed", path)
            return _json(start_response, {"error": str(exc)}, "500 Internal Server Error")
        return _json(start_response, {"error": "not_found"}, "404 Not Found")

    def _post(self, name: str, req: dict[str, Any]) -> dict[str, Any]:
        box = self._box
        user = str(req.get("user", ""))
        channel = str(req["channel"]) if req.get("channel") else None
        if name == "command":
            return box.command(user, str(req.get("text", "")), channel)
        if name == "write" and channel:
            return box.gestures.write(user, channel, str(req.get("text", "")))
        if name == "action":
            return box.action(user, req)
        if name == "submit":
            return box.submit(user, str(req["view_id"]), req.get("state_values") or {})
        if name == "close":
            return box.close(user, str(req["view_id"]))
        if name == "home":
            return box.open_home(user)
        if name == "clock":
            return box.move_clock(str(req.get("step", "")))
        if name == "directory":
            return box.load_directory(str(req.get("name", "")))
        raise ValueError(f"unknown call {name!r}")


def _json(start_response: Callable, body: Any, status: str = "200 OK") -> list[bytes]:
    payload = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json; charset=utf-8"),
                            ("Content-Length", str(len(payload))), ("Cache-Control", "no-store")])
    return [payload]


def _file(start_response: Callable, target: Path) -> list[bytes]:
    data = target.read_bytes()
    kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind.endswith("javascript"):
        kind += "; charset=utf-8"
    start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(data))),
                              ("Cache-Control", "no-store")])
    return [data]
