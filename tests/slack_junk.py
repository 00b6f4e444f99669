"""Bodies that are no Slack delivery, for the transport tests and the fault
suite: each is answered 400 when signed and 401 when not (issue 18, item 1)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from sandbox.slack_requests import SignedRequests, button

CW_B = "U0CWB10001"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def form(**fields: str) -> str:
    return urlencode(fields)


def payload(data: object) -> str:
    return urlencode({"payload": json.dumps(data)})


def command_form(slack: SignedRequests, **drop_or_set: str | None) -> str:
    form = slack.slash_command_form(CW_B, "hjelp")
    for key, value in drop_or_set.items():
        if value is None:
            form.pop(key, None)
        else:
            form[key] = value
    return urlencode(form)


def _submission(slack: SignedRequests, **view_changes: object) -> dict:
    payload = slack.view_submission_payload(CW_B, "live_request", {})
    view = payload["view"]
    for key, value in view_changes.items():
        if value is None:
            view.pop(key, None)
        else:
            view[key] = value
    return payload


def _actions(slack: SignedRequests, actions: list) -> dict:
    message = {"type": "message", "ts": "1700000000.000100", "text": "x"}
    payload = slack.block_actions_payload(CW_B, [button("request_accept", "1")], message=message,
                                          channel="D" + CW_B)
    payload["actions"] = actions
    return payload


@dataclass(frozen=True)
class Junk:
    """A body that is no Slack delivery: 400 when signed, 401 when not."""

    name: str
    content_type: str
    body: Callable[[SignedRequests], str]


JUNK = [
    Junk("empty body", FORM, lambda s: ""),
    Junk("unparsable payload", FORM, lambda s: form(payload="{not json")),
    Junk("JSON list as payload", FORM, lambda s: form(payload="[1, 2, 3]")),
    Junk("JSON string as payload", FORM, lambda s: form(payload='"view_submission"')),
    Junk("JSON list as body", JSON, lambda s: "[1, 2]"),
    Junk("unparsable JSON body", JSON, lambda s: '{"type": "event_callback",'),
    Junk("form body starting with a brace", FORM, lambda s: "{payload=1"),
    Junk("payload of unknown type", FORM,
         lambda s: payload({"type": "dialog_submission", "user": {"id": CW_B}})),
    Junk("payload without a type", FORM, lambda s: payload({"user": {"id": CW_B}})),
    Junk("view submission without state", FORM, lambda s: payload(_submission(s, state=None))),
    Junk("view submission with state as a list", FORM, lambda s: payload(_submission(s, state=[]))),
    Junk("view submission with values of the wrong shape", FORM,
         lambda s: payload(_submission(s, state={"values": {"room": "Rom 3"}}))),
    Junk("view submission with a number as text", FORM, lambda s: payload(_submission(
        s, state={"values": {"room": {"room": {"type": "plain_text_input", "value": 3}}}}))),
    Junk("view submission without callback_id", FORM, lambda s: payload(_submission(s, callback_id=None))),
    Junk("view submission without user", FORM,
         lambda s: payload({k: v for k, v in _submission(s).items() if k != "user"})),
    Junk("view submission with user as a string", FORM, lambda s: payload({**_submission(s), "user": CW_B})),
    Junk("block actions without actions", FORM, lambda s: payload(_actions(s, []))),
    Junk("block actions with actions as a dict", FORM, lambda s: payload(_actions(s, {"action_id": "x"}))),
    Junk("block action without action_id", FORM, lambda s: payload(_actions(s, [{"value": "1"}]))),
    Junk("slash command without fields", FORM, lambda s: form(command="/ifn")),
    Junk("slash command without user_id", FORM, lambda s: command_form(s, user_id=None)),
    Junk("slash command without trigger_id", FORM, lambda s: command_form(s, trigger_id=None)),
    Junk("slash command with a repeated field", FORM, lambda s: command_form(s) + "&user_id=U0OTHER001"),
    Junk("form of nothing known", FORM, lambda s: form(hello="world")),
    Junk("event callback without event", JSON, lambda s: json.dumps(
        {k: v for k, v in s.event_envelope({"type": "app_home_opened", "user": CW_B}).items()
         if k != "event"})),
    Junk("event as a string", JSON, lambda s: json.dumps({**s.event_envelope({"type": "x"}), "event": "x"})),
    Junk("app home opened without user", JSON, lambda s: json.dumps(
        s.event_envelope({"type": "app_home_opened", "tab": "home"}))),
    Junk("envelope of unknown type", JSON, lambda s: json.dumps({"type": "block_actions", "token": "x"})),
    Junk("XML", "text/xml", lambda s: "<xml/>"),
]
