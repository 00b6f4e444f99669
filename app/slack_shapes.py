"""The shapes of what Slack POSTs to ``/slack/events``, checked before Bolt sees it.

Bolt parses the body before anything else and trusts its shape: a payload that
is not JSON, a JSON list, a view submission without ``state`` or a slash command
without ``user_id`` ends in an exception and an HTTP 500 (issue 18). These
models say what every delivery must hold for Bolt's routing and our listeners
to work on it; a body that does not fit is answered 400 by ``app.slack_guard``.

The models are loose where Slack adds fields (``extra="allow"``) and strict where
we read (``strict=True``: no number where a string is due). Which kind of body
it is follows Bolt's own reading (``slack_bolt.request.internals.parse_body``):
JSON when the content type says so or the body starts with ``{``, an
interactivity ``payload`` form field, else a slash command form.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

Id = Annotated[str, StringConstraints(min_length=1, max_length=255)]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class User(_Shape):
    id: Id


class Option(_Shape):
    value: str


class InputState(_Shape):
    """One input's submitted state; only the keys Slack uses for values are checked."""

    type: Id
    value: str | None = None
    selected_option: Option | None = None
    selected_options: list[Option] | None = None
    selected_date: str | None = None
    selected_time: str | None = None
    selected_date_time: int | None = None
    selected_user: str | None = None
    selected_users: list[str] | None = None
    selected_channel: str | None = None
    selected_conversation: str | None = None


class ViewState(_Shape):
    values: dict[str, dict[str, InputState]]


class SubmittedView(_Shape):
    id: Id
    callback_id: str
    private_metadata: str = ""
    state: ViewState


class ClosedView(_Shape):
    id: Id
    callback_id: str
    private_metadata: str = ""


class Action(_Shape):
    action_id: Id
    value: str | None = None
    type: str | None = None


class Channel(_Shape):
    id: Id


class Message(_Shape):
    ts: Id


class ViewSubmission(_Shape):
    type: Literal["view_submission"]
    user: User
    view: SubmittedView


class ViewClosed(_Shape):
    type: Literal["view_closed"]
    user: User
    view: ClosedView


class BlockActions(_Shape):
    type: Literal["block_actions"]
    user: User
    actions: Annotated[list[Action], Field(min_length=1)]
    trigger_id: Id
    response_url: str | None = None
    channel: Channel | None = None
    message: Message | None = None
    view: dict[str, Any] | None = None


class Shortcut(_Shape):
    type: Literal["shortcut", "message_action"]
    user: User
    callback_id: Id
    trigger_id: Id


class BlockSuggestion(_Shape):
    type: Literal["block_suggestion"]
    user: User
    action_id: Id
    value: str = ""


class SlashCommand(_Shape):
    command: Annotated[str, StringConstraints(pattern=r"^/\S+$", max_length=255)]
    user_id: Id
    team_id: Id
    channel_id: Id
    trigger_id: Id
    response_url: Id
    text: str = ""


class Event(_Shape):
    type: Id
    user: str | None = None
    tab: str | None = None


class AppHomeOpened(Event):
    type: Literal["app_home_opened"]
    user: Id


class EventCallback(_Shape):
    type: Literal["event_callback"]
    event: Event
    event_id: Id
    team_id: str | None = None


class UrlVerification(_Shape):
    type: Literal["url_verification"]
    challenge: Id


class AppRateLimited(_Shape):
    type: Literal["app_rate_limited"]


_PAYLOADS: dict[str, type[_Shape]] = {
    "view_submission": ViewSubmission,
    "view_closed": ViewClosed,
    "block_actions": BlockActions,
    "shortcut": Shortcut,
    "message_action": Shortcut,
    "block_suggestion": BlockSuggestion,
}
_ENVELOPES: dict[str, type[_Shape]] = {
    "event_callback": EventCallback,
    "url_verification": UrlVerification,
    "app_rate_limited": AppRateLimited,
}
#: Events whose listeners read more than the type.
_EVENTS: dict[str, type[Event]] = {"app_home_opened": AppHomeOpened}


@dataclass(frozen=True, slots=True)
class Delivery:
    """A body that fits: what kind, and its label for one log line."""

    kind: str  # "command", "block_actions", "event_callback", …
    label: str  # e.g. "/ifn", "view_submission live_request", "event app_home_opened"


@dataclass(frozen=True, slots=True)
class Misfit:
    """A body that does not fit; ``reason`` names what, never the user's text."""

    reason: str


def _where(exc: ValidationError) -> str:
    first = exc.errors(include_url=False)[0]
    place = ".".join(str(part) for part in first["loc"]) or "body"
    return f"{place}: {first['type']}"


def _check(model: type[_Shape], data: object, kind: str) -> Misfit | None:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return Misfit(f"{kind} {_where(exc)}")
    return None


def _json_delivery(data: object) -> Delivery | Misfit:
    if not isinstance(data, dict):
        return Misfit(f"JSON body is a {type(data).__name__}, not an object")
    kind = data.get("type")
    model = _ENVELOPES.get(kind) if isinstance(kind, str) else None
    if model is None:
        return Misfit("JSON body of unknown type")
    problem = _check(model, data, kind)
    if problem:
        return problem
    if kind != "event_callback":
        return Delivery(kind, kind)
    event_type = data["event"]["type"]
    problem = _check(_EVENTS.get(event_type, Event), data["event"], f"event {event_type}")
    return problem or Delivery(kind, f"event {event_type}")


def _payload_delivery(raw: str) -> Delivery | Misfit:
    try:
        data = json.loads(raw)
    except ValueError:
        return Misfit("payload is not JSON")
    if not isinstance(data, dict):
        return Misfit(f"payload is a {type(data).__name__}, not an object")
    kind = data.get("type")
    model = _PAYLOADS.get(kind) if isinstance(kind, str) else None
    if model is None:
        return Misfit("payload of unknown type")
    problem = _check(model, data, kind)
    if problem:
        return problem
    if kind in ("view_submission", "view_closed"):
        return Delivery(kind, f"{kind} {data['view']['callback_id']}")
    if kind == "block_actions":
        return Delivery(kind, f"{kind} {data['actions'][0]['action_id']}")
    return Delivery(kind, f"{kind} {data.get('callback_id') or data.get('action_id')}")


def classify(body: str, content_type: str | None) -> Delivery | Misfit:
    """What ``body`` is, read the way Bolt will read it, or why it does not fit."""
    if not body:
        return Misfit("empty body")
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime == "application/json" or body.startswith("{"):
        try:
            data = json.loads(body)
        except ValueError:
            return Misfit("body is not JSON")
        return _json_delivery(data)
    if mime not in ("application/x-www-form-urlencoded", ""):
        return Misfit(f"unexpected content type {mime}")
    try:
        form = parse_qsl(body, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return Misfit("body is not a form")
    fields = dict(form)
    if len(fields) != len(form):
        return Misfit("a form field is repeated")
    if "payload" in fields:
        return _payload_delivery(fields["payload"])
    if "payload" in body:
        # Bolt reads any form containing the word as an interactivity payload.
        return Misfit("slash command form mentioning 'payload'")
    if fields.get("ssl_check") == "1":
        return Delivery("ssl_check", "ssl_check")
    problem = _check(SlashCommand, fields, "command")
    return problem or Delivery("command", fields["command"])
