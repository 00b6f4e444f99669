"""The one builder of requests shaped and signed the way Slack sends them.

Every end-to-end test sends its slash commands, interactions and events through
``SignedRequests`` so that payload shapes and signing live in one place:

* slash commands: ``application/x-www-form-urlencoded`` fields;
* interactivity (block_actions, view_submission, view_closed): a form with one
  field, ``payload``, holding the JSON payload;
* Events API: a JSON envelope (``event_callback`` / ``url_verification``).

Signing follows Slack's v0 scheme: ``X-Slack-Request-Timestamp`` plus
``X-Slack-Signature = "v0=" + hex(HMAC-SHA256(secret, f"v0:{ts}:{body}"))``.
Per-request options (``SendOptions``) send extra headers, Slack's retry headers,
an old timestamp, a wrong secret or no signature at all.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack
from urllib.parse import urlencode

from sandbox.fakeslack.identity import DEFAULT_WORKSPACE, Workspace

SLACK_USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"


def sign(signing_secret: str, timestamp: str | int, body: str) -> str:
    """Slack's v0 request signature for ``body`` sent at ``timestamp``."""
    base = f"v0:{timestamp}:{body}".encode()
    digest = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return f"v0={digest}"


@dataclass(frozen=True)
class SlackHTTPResponse:
    """What the app answered to Slack's request."""

    status: int
    headers: dict[str, str]  # lower-cased names
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


class SendOptions(TypedDict, total=False):
    headers: Mapping[str, str]
    """Extra or overriding headers."""
    timestamp: int | str
    """X-Slack-Request-Timestamp to send (and sign) instead of the clock's now."""
    sign_with: str
    """Sign with this secret instead of the app's (a forged request)."""
    unsigned: bool
    """Send without X-Slack-Signature / X-Slack-Request-Timestamp."""
    retry_num: int
    """X-Slack-Retry-Num, as on Slack's redelivery of an event."""
    retry_reason: str
    """X-Slack-Retry-Reason, e.g. "http_timeout"."""


# -------------------------------------------------------------- state values
# Shapes of view.state.values entries, per element type, as Slack sends them.


def state_plain_text(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def state_static_select(value: str | None, text: str | None = None) -> dict[str, Any]:
    option = None
    if value is not None:
        label = {"type": "plain_text", "text": text or value, "emoji": True}
        option = {"text": label, "value": value}
    return {"type": "static_select", "selected_option": option}


def state_datepicker(date: str | None) -> dict[str, Any]:
    """``date`` as Slack sends it: ``YYYY-MM-DD``."""
    return {"type": "datepicker", "selected_date": date}


def state_timepicker(value: str | None) -> dict[str, Any]:
    """``value`` as Slack sends it: ``HH:MM``."""
    return {"type": "timepicker", "selected_time": value}


def state_radio_buttons(value: str | None) -> dict[str, Any]:
    option = None if value is None else {"text": {"type": "plain_text", "text": value}, "value": value}
    return {"type": "radio_buttons", "selected_option": option}


def state_values(fields: dict[str, dict[str, Any] | None]) -> dict[str, dict[str, Any]]:
    """view.state.values for inputs whose action id equals their block id (ours
    do): block id -> {action id -> element state}. None fields are left out."""
    return {block: {block: state} for block, state in fields.items() if state is not None}


def state_users_select(user_id: str | None) -> dict[str, Any]:
    return {"type": "users_select", "selected_user": user_id}


def state_checkboxes(values: Iterable[str]) -> dict[str, Any]:
    options = [{"text": {"type": "mrkdwn", "text": v}, "value": v} for v in values]
    return {"type": "checkboxes", "selected_options": options}


def button(
    action_id: str,
    value: str | None = None,
    *,
    block_id: str | None = None,
    text: str = "Button",
) -> dict[str, Any]:
    """One entry of a block_actions payload's ``actions`` for a clicked button."""
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id or secrets.token_hex(3),
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "type": "button",
    }
    if value is not None:
        action["value"] = value
    return action


class SignedRequests:
    """Sends Slack-shaped, signed HTTP requests to the app under test.

    ``base_url`` is the app's root (``http://127.0.0.1:PORT``); requests go to
    ``path`` (default ``/slack/events``, Bolt's default). ``clock`` supplies the
    signing timestamp, so a test can send from any moment.
    """

    def __init__(
        self,
        base_url: str,
        signing_secret: str,
        clock: Callable[[], float] = time.time,
        *,
        path: str = "/slack/events",
        workspace: Workspace = DEFAULT_WORKSPACE,
        response_url_base: str | None = None,
        verification_token: str = "legacy-verification-token",
        timeout: float = 30.0,
    ) -> None:
        self.url = base_url.rstrip("/") + path
        self.signing_secret = signing_secret
        self.clock = clock
        self.workspace = workspace
        # Point this at FakeSlack.hooks_url so respond() is recorded, not sent out.
        self.response_url_base = (
            response_url_base or f"https://hooks.slack.com/actions/{workspace.team_id}/"
        )
        self.verification_token = verification_token
        self.timeout = timeout
        self._counter = itertools.count(1)

    # --------------------------------------------------------------- ids

    def new_trigger_id(self) -> str:
        n = next(self._counter)
        return f"{1700000000000 + n}.{1000000000 + n}.{secrets.token_hex(16)}"

    def new_response_url(self) -> str:
        n = next(self._counter)
        return f"{self.response_url_base}{1700000000 + n}/{secrets.token_hex(12)}"

    def _now(self) -> float:
        return float(self.clock())

    def _action_ts(self) -> str:
        return f"{self._now():.6f}"

    def _user(self, user_id: str, user_name: str | None = None) -> dict[str, Any]:
        name = user_name or user_id.lower()
        return {"id": user_id, "username": name, "name": name, "team_id": self.workspace.team_id}

    def _team(self) -> dict[str, Any]:
        ws = self.workspace
        team: dict[str, Any] = {"id": ws.team_id, "domain": ws.team_domain}
        if ws.enterprise_id:
            team["enterprise_id"] = ws.enterprise_id
        return team

    def _enterprise(self) -> dict[str, Any] | None:
        ws = self.workspace
        return {"id": ws.enterprise_id} if ws.enterprise_id else None

    # --------------------------------------------------------- slash commands

    def slash_command_form(
        self,
        user_id: str,
        text: str = "",
        command: str = "/ifn",
        *,
        channel_id: str = "C0GENERAL",
        channel_name: str = "general",
        user_name: str | None = None,
        trigger_id: str | None = None,
        response_url: str | None = None,
    ) -> dict[str, str]:
        ws = self.workspace
        form = {
            "token": self.verification_token,
            "team_id": ws.team_id,
            "team_domain": ws.team_domain,
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name or user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": ws.api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url or self.new_response_url(),
            "trigger_id": trigger_id or self.new_trigger_id(),
        }
        if ws.enterprise_id:
            form["enterprise_id"] = ws.enterprise_id
        return form

    def slash_command(
        self,
        user_id: str,
        text: str = "",
        command: str = "/ifn",
        *,
        channel_id: str = "C0GENERAL",
        channel_name: str = "general",
        user_name: str | None = None,
        trigger_id: str | None = None,
        response_url: str | None = None,
        **options: Unpack[SendOptions],
    ) -> SlackHTTPResponse:
        form = self.slash_command_form(
            user_id,
            text,
            command,
            channel_id=channel_id,
            channel_name=channel_name,
            user_name=user_name,
            trigger_id=trigger_id,
            response_url=response_url,
        )
        return self.post(urlencode(form), "application/x-www-form-urlencoded", **options)

    # ---------------------------------------------------------- interactivity

    def block_actions_payload(
        self,
        user_id: str,
        actions: list[dict[str, Any]],
        *,
        view: dict[str, Any] | None = None,
        message: dict[str, Any] | None = None,
        container: dict[str, Any] | None = None,
        channel: str | dict[str, Any] | None = None,
        response_url: str | None = None,
        trigger_id: str | None = None,
        state_values: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A block_actions payload from a message (``message`` + ``channel``) or a
        view (``view``: a modal or the Home tab, e.g. a view FakeSlack opened)."""
        ws = self.workspace
        action_ts = self._action_ts()
        filled = [{**action, "action_ts": action.get("action_ts", action_ts)} for action in actions]
        channel_obj: dict[str, Any] | None
        if isinstance(channel, str):
            channel_obj = {
                "id": channel,
                "name": "directmessage" if channel[:1] == "D" else channel,
            }
        else:
            channel_obj = channel
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": ws.api_app_id,
            "token": self.verification_token,
            "container": container,
            "trigger_id": trigger_id or self.new_trigger_id(),
            "team": self._team(),
            "enterprise": self._enterprise(),
            "is_enterprise_install": False,
        }
        if view is not None:
            view = {**view, "state": {"values": state_values or {}}}
            payload["container"] = container or {"type": "view", "view_id": view["id"]}
            payload["view"] = view
        else:
            if message is None or channel_obj is None:
                raise ValueError("block_actions needs a view, or a message and its channel")
            payload["container"] = container or {
                "type": "message",
                "message_ts": message["ts"],
                "channel_id": channel_obj["id"],
                "is_ephemeral": False,
            }
            payload["channel"] = channel_obj
            payload["message"] = message
            payload["state"] = {"values": state_values or {}}
            payload["response_url"] = response_url or self.new_response_url()
        payload["actions"] = filled
        return payload

    def block_actions(
        self,
        user_id: str,
        actions: list[dict[str, Any]],
        *,
        view: dict[str, Any] | None = None,
        message: dict[str, Any] | None = None,
        container: dict[str, Any] | None = None,
        channel: str | dict[str, Any] | None = None,
        response_url: str | None = None,
        trigger_id: str | None = None,
        state_values: dict[str, Any] | None = None,
        **options: Unpack[SendOptions],
    ) -> SlackHTTPResponse:
        payload = self.block_actions_payload(
            user_id,
            actions,
            view=view,
            message=message,
            container=container,
            channel=channel,
            response_url=response_url,
            trigger_id=trigger_id,
            state_values=state_values,
        )
        return self.post_payload(payload, **options)

    def _view_body(
        self,
        callback_id: str | None,
        state_values: dict[str, Any],
        private_metadata: str | None,
        view_id: str | None,
        view: dict[str, Any] | None,
    ) -> dict[str, Any]:
        ws = self.workspace
        base = dict(view or {})
        vid = view_id or base.get("id") or f"V0SUBMIT{next(self._counter):04d}"
        body: dict[str, Any] = {
            "id": vid,
            "team_id": ws.team_id,
            "type": "modal",
            "blocks": [],
            "private_metadata": "",
            "callback_id": "",
            "hash": f"{int(self._now())}.{secrets.token_hex(4)}",
            "title": {"type": "plain_text", "text": "IFN", "emoji": True},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": None,
            "submit": None,
            "previous_view_id": None,
            "root_view_id": vid,
            "app_id": ws.api_app_id,
            "external_id": "",
            "app_installed_team_id": ws.team_id,
            "bot_id": ws.bot_id,
            **base,
        }
        body["id"] = vid
        if callback_id is not None:
            body["callback_id"] = callback_id
        if private_metadata is not None:
            body["private_metadata"] = private_metadata
        body["state"] = {"values": state_values}
        return body

    def view_submission_payload(
        self,
        user_id: str,
        callback_id: str | None,
        state_values: dict[str, Any],
        private_metadata: str | None = None,
        view_id: str | None = None,
        *,
        view: dict[str, Any] | None = None,
        response_urls: list[dict[str, Any]] | None = None,
        trigger_id: str | None = None,
    ) -> dict[str, Any]:
        """``view`` (e.g. the one FakeSlack answered views.open with) is the base;
        ``callback_id`` / ``private_metadata`` override it when not None."""
        ws = self.workspace
        return {
            "type": "view_submission",
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": ws.api_app_id,
            "token": self.verification_token,
            "trigger_id": trigger_id or self.new_trigger_id(),
            "view": self._view_body(callback_id, state_values, private_metadata, view_id, view),
            "response_urls": response_urls or [],
            "is_enterprise_install": False,
            "enterprise": self._enterprise(),
        }

    def view_submission(
        self,
        user_id: str,
        callback_id: str | None,
        state_values: dict[str, Any],
        private_metadata: str | None = None,
        view_id: str | None = None,
        *,
        view: dict[str, Any] | None = None,
        response_urls: list[dict[str, Any]] | None = None,
        trigger_id: str | None = None,
        **options: Unpack[SendOptions],
    ) -> SlackHTTPResponse:
        payload = self.view_submission_payload(
            user_id,
            callback_id,
            state_values,
            private_metadata,
            view_id,
            view=view,
            response_urls=response_urls,
            trigger_id=trigger_id,
        )
        return self.post_payload(payload, **options)

    def view_closed_payload(
        self,
        user_id: str,
        callback_id: str | None,
        private_metadata: str | None = None,
        view_id: str | None = None,
        *,
        view: dict[str, Any] | None = None,
        is_cleared: bool = False,
    ) -> dict[str, Any]:
        """Slack sends this only for views opened with ``notify_on_close``."""
        ws = self.workspace
        return {
            "type": "view_closed",
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": ws.api_app_id,
            "token": self.verification_token,
            "view": self._view_body(callback_id, {}, private_metadata, view_id, view),
            "is_cleared": is_cleared,
            "is_enterprise_install": False,
            "enterprise": self._enterprise(),
        }

    def view_closed(
        self,
        user_id: str,
        callback_id: str | None,
        private_metadata: str | None = None,
        view_id: str | None = None,
        *,
        view: dict[str, Any] | None = None,
        is_cleared: bool = False,
        **options: Unpack[SendOptions],
    ) -> SlackHTTPResponse:
        payload = self.view_closed_payload(
            user_id, callback_id, private_metadata, view_id, view=view, is_cleared=is_cleared
        )
        return self.post_payload(payload, **options)

    # ------------------------------------------------------------- Events API

    def event_envelope(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        event_time: int | None = None,
    ) -> dict[str, Any]:
        """Wrap ``event`` (e.g. ``{"type": "app_home_opened", "user": ..., "tab":
        "home"}``) in the ``event_callback`` envelope; adds ``event_ts`` if absent."""
        ws = self.workspace
        now = self._now()
        event = {"event_ts": f"{now:.6f}", **event}
        return {
            "token": self.verification_token,
            "team_id": ws.team_id,
            "context_team_id": ws.team_id,
            "context_enterprise_id": ws.enterprise_id,
            "api_app_id": ws.api_app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._counter):08d}{secrets.token_hex(2).upper()}",
            "event_time": event_time if event_time is not None else int(now),
            "authorizations": [
                {
                    "enterprise_id": ws.enterprise_id,
                    "team_id": ws.team_id,
                    "user_id": ws.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{secrets.token_urlsafe(24)}",
        }

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        event_time: int | None = None,
        **options: Unpack[SendOptions],
    ) -> SlackHTTPResponse:
        envelope = self.event_envelope(event, event_id=event_id, event_time=event_time)
        return self.post(json.dumps(envelope), "application/json", **options)

    def url_verification(
        self, challenge: str | None = None, **options: Unpack[SendOptions]
    ) -> SlackHTTPResponse:
        body = {
            "token": self.verification_token,
            "challenge": challenge or secrets.token_urlsafe(32),
            "type": "url_verification",
        }
        return self.post(json.dumps(body), "application/json", **options)

    # ------------------------------------------------------------------- HTTP

    def post_payload(
        self, payload: dict[str, Any], **options: Unpack[SendOptions]
    ) -> SlackHTTPResponse:
        """Send an interactivity payload as Slack does: form field ``payload``."""
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded", **options)

    def signed_headers(
        self, body: str, content_type: str, **options: Unpack[SendOptions]
    ) -> dict[str, str]:
        headers = {
            "Content-Type": content_type,
            "User-Agent": SLACK_USER_AGENT,
            "Accept": "application/json,*/*",
        }
        if not options.get("unsigned"):
            timestamp = str(options.get("timestamp", int(self._now())))
            secret = options.get("sign_with", self.signing_secret)
            headers["X-Slack-Request-Timestamp"] = timestamp
            headers["X-Slack-Signature"] = sign(secret, timestamp, body)
        if "retry_num" in options:
            headers["X-Slack-Retry-Num"] = str(options["retry_num"])
        if "retry_reason" in options:
            headers["X-Slack-Retry-Reason"] = options["retry_reason"]
        headers.update(options.get("headers", {}))
        return headers

    def post(
        self, body: str, content_type: str, **options: Unpack[SendOptions]
    ) -> SlackHTTPResponse:
        """POST ``body`` signed; non-2xx answers are returned, not raised."""
        headers = self.signed_headers(body, content_type, **options)
        request = urllib.request.Request(
            self.url, data=body.encode("utf-8"), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return _response(response.status, response.headers.items(), response.read())
        except urllib.error.HTTPError as error:
            with error:
                return _response(error.code, error.headers.items(), error.read())


def _response(status: int, headers: Iterable[tuple[str, str]], raw: bytes) -> SlackHTTPResponse:
    return SlackHTTPResponse(
        status=status,
        headers={name.lower(): value for name, value in headers},
        body=raw.decode("utf-8", errors="replace"),
    )
