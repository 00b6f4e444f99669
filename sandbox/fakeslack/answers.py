"""Small pieces of how Slack answers, shared by the fake's server and its methods."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class FakeUser:
    id: str
    name: str
    email: str | None = None
    locale: str = "nb-NO"
    real_name: str | None = None
    tz: str = "Europe/Oslo"
    is_bot: bool = False
    deleted: bool = False


def error(error: str, *messages: str) -> dict[str, Any]:
    """Slack's ``{"ok": false, "error": ...}``, with the messages Slack adds for bad arguments."""
    body: dict[str, Any] = {"ok": False, "error": error}
    if messages:
        body["errors"] = list(messages)
        body["response_metadata"] = {"messages": [f"[ERROR] {m}" for m in messages]}
    return body


def truthy(value: Any) -> bool:
    return value is True or value == 1 or str(value).lower() in ("1", "true")
