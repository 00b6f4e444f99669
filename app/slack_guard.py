"""The door in front of Bolt: every POST to ``/slack/events`` is read, its
signature checked and its shape checked before Bolt parses anything.

Bolt builds its request (and parses the body) before its own signature check,
so junk from anyone — a non-numeric timestamp, a payload that is not JSON, a
JSON list, a view submission without ``state`` — ended in an exception, a
traceback in the log and HTTP 500 (issue 18). Here, in this order:

1. the body is read whole (at most ``MAX_BODY`` bytes) and must be UTF-8 — 400;
2. ``X-Slack-Request-Timestamp`` must be a number within five minutes of now
   and ``X-Slack-Signature`` must match (slack_sdk's ``SignatureVerifier``) — 401;
3. the body must be a delivery Bolt and our listeners can work on
   (``app.slack_shapes``) — 400.

Each refusal is one log line naming the reason (never the body: it may hold
what a person typed). What passes goes on to Bolt unchanged; Bolt checks the
signature again, which costs microseconds. A signed delivery nothing listens
for is acknowledged by ``handlers.fallback``.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_sdk.signature import SignatureVerifier

from app.slack_shapes import Misfit, classify

log = logging.getLogger("ifn_bot.slack_guard")

#: Slack's payloads are a few kilobytes; a view with 100 blocks of 3,000 characters stays far below.
MAX_BODY = 1024 * 1024
#: Slack's replay window, in seconds.
MAX_SKEW = 5 * 60

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _Clock:
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


class SlackGuard:
    """WSGI middleware for ``path``; other paths and methods pass through untouched.

    ``now`` is the wall clock Slack's timestamps are compared with (the
    transport's time, not the bot's business clock)."""

    def __init__(self, inner: WSGIApp, signing_secret: str, *, path: str = "/slack/events",
                 now: Callable[[], float] = time.time) -> None:
        self._inner = inner
        self._path = path
        self._now = now
        self._verifier = SignatureVerifier(signing_secret, clock=_Clock(now))

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != self._path or environ.get("REQUEST_METHOD") != "POST":
            return self._inner(environ, start_response)
        refusal = self._refusal(environ)
        if refusal is not None:
            status, reason = refusal
            log.warning("refused a Slack request: %s %s", status, reason)
            body = f"{status}\n".encode()
            start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                                    ("Content-Length", str(len(body)))])
            return [body]
        return self._inner(environ, start_response)

    # ------------------------------------------------------------------ checks

    def _refusal(self, environ: dict[str, Any]) -> tuple[str, str] | None:
        raw = _read_body(environ)
        if raw is None:
            return "400 Bad Request", "body missing, too large or cut short"
        environ["wsgi.input"] = io.BytesIO(raw)
        environ["CONTENT_LENGTH"] = str(len(raw))
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return "400 Bad Request", "body is not UTF-8"
        unsigned = self._signature_problem(environ, body)
        if unsigned is not None:
            return "401 Unauthorized", unsigned
        delivery = classify(body, environ.get("CONTENT_TYPE"))
        if isinstance(delivery, Misfit):
            return "400 Bad Request", delivery.reason
        return None

    def _signature_problem(self, environ: dict[str, Any], body: str) -> str | None:
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE")
        if not timestamp or not signature:
            return "no signature"
        if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
            return "timestamp is not a number"
        skew = self._now() - int(timestamp)
        if skew > MAX_SKEW:
            return "stale timestamp"
        if skew < -MAX_SKEW:
            return "timestamp in the future"
        if not self._verifier.is_valid(body, timestamp, signature):
            return "bad signature"
        return None


#: A larger body is read and thrown away up to this size (so the sender sees the
#: answer, not a connection reset); beyond it the connection is simply answered.
_DRAIN_LIMIT = 16 * MAX_BODY


def _read_body(environ: dict[str, Any]) -> bytes | None:
    """The whole body, or None when its length is missing, wrong or too large."""
    length_text = environ.get("CONTENT_LENGTH") or ""
    if not length_text.isdigit():
        return None
    length = int(length_text)
    stream = environ.get("wsgi.input")
    if length > MAX_BODY:
        left = min(length, _DRAIN_LIMIT)
        while stream is not None and left > 0 and (chunk := stream.read(min(left, 65536))):
            left -= len(chunk)
        return None
    raw = stream.read(length) if stream is not None and length else b""
    if len(raw) != length:
        return None
    return raw
