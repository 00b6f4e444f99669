"""The Slack side of what a person does on the sandbox page: type a command or a
message, click, submit or close a modal, open the Home tab. Each gesture reaches
the bot as Slack would send it, signed, with a trigger_id and a response_url
whose answers land on that person's screen (``user_side.py``)."""

from __future__ import annotations

from typing import Any

from sandbox.fakeslack import FakeSlack
from sandbox.slack_requests import SignedRequests
from sandbox.user_side import UserSides


class Gestures:
    def __init__(self, fake: FakeSlack, slack: SignedRequests, sides: UserSides) -> None:
        self._fake = fake
        self._slack = slack
        self._sides = sides

    def _channel_name(self, channel: str) -> str:
        if channel.startswith("D"):
            return "directmessage"
        if channel.startswith("G"):
            return "privategroup"
        return self._fake.channel_name(channel) or channel

    def command(self, user: str, text: str, channel: str | None = None) -> dict[str, Any]:
        """``/ifn <text>`` typed in ``channel`` (the user's DM with the app by
        default). Mentions arrive as Slack escapes them: ``<@U…|name>``."""
        channel = channel or self._fake.dm_channel(user)
        shown_in = None if channel.startswith("D") else channel
        self._sides.ephemeral(user, {"text": f"/ifn {text}".rstrip()}, shown_in, typed=True)
        answers_to = {"channel": shown_in} if shown_in else None
        resp = self._slack.slash_command(user, text, channel_id=channel,
                                         channel_name=self._channel_name(channel),
                                         trigger_id=self._sides.trigger(user),
                                         response_url=self._sides.response_url(user, answers_to))
        if resp.status == 200 and resp.body.strip():
            try:
                body = resp.json()
            except ValueError:
                body = {"text": resp.body}
            if isinstance(body, dict):
                self._sides.ephemeral(user, body, shown_in)
        return {"status": resp.status}

    def write(self, user: str, channel: str, text: str) -> dict[str, Any]:
        """A plain message in a channel or group DM the user is in."""
        if channel.startswith("D"):
            return {"status": 400, "error": "messages_tab_read_only"}
        try:
            self._fake.post_as_user(channel, user, text)
        except ValueError:
            return {"status": 403, "error": "not_in_channel"}
        return {"status": 200}

    def action(self, user: str, req: dict[str, Any]) -> dict[str, Any]:
        """A click or a choice in a message, an ephemeral message, a modal or the Home tab."""
        action = req["action"]
        values = req.get("state_values") or {}
        if req.get("ephemeral_ts"):
            return self._ephemeral_action(user, str(req["ephemeral_ts"]), action, values)
        if req.get("view_id"):
            view = self._fake.view(str(req["view_id"]))
            if view is None:
                return {"status": 404, "error": "view_not_found"}
            resp = self._slack.block_actions(user, [action], view=view, trigger_id=self._sides.trigger(user),
                                             state_values=values)
        else:
            channel, ts = str(req["channel"]), str(req["ts"])
            message = self._fake.message(channel, ts)
            if message is None:
                return {"status": 404, "error": "message_not_found"}
            resp = self._slack.block_actions(
                user, [action], message={**message, "channel": channel}, channel=channel,
                trigger_id=self._sides.trigger(user),
                response_url=self._sides.response_url(user, {"channel": channel, "ts": ts}),
                state_values=values)
        self._sides.collect_hooks()
        return {"status": resp.status}

    def _ephemeral_action(self, user: str, ts: str, action: dict[str, Any],
                          values: dict[str, Any]) -> dict[str, Any]:
        """A click in an ephemeral message (e.g. the ``/ifn`` menu): Slack sends the
        message as it was shown, marks the container ephemeral, and a response_url
        whose replace_original rewrites that ephemeral message."""
        entry = self._sides.find_ephemeral(user, ts)
        if entry is None:
            return {"status": 404, "error": "message_not_found"}
        channel = entry.get("channel") or self._fake.dm_channel(user)
        message = {"type": "message", "ts": ts, "text": entry.get("text", ""),
                   "blocks": entry.get("blocks") or []}
        container = {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": True}
        resp = self._slack.block_actions(
            user, [action], message=message, channel=channel, container=container,
            trigger_id=self._sides.trigger(user),
            response_url=self._sides.response_url(user, {"channel": channel, "ts": ts, "ephemeral": True}),
            state_values=values)
        self._sides.collect_hooks()
        return {"status": resp.status}

    def submit(self, user: str, view_id: str, values: dict[str, Any]) -> dict[str, Any]:
        view = self._fake.view(view_id)
        if view is None:
            return {"status": 404, "error": "view_not_found"}
        resp = self._slack.view_submission(user, None, values, None, view_id, view=view,
                                           trigger_id=self._sides.trigger(user))
        if resp.status != 200:
            return {"status": resp.status, "error": resp.body[:200]}
        body: dict[str, Any] = {}
        if resp.body.strip():
            try:
                body = resp.json()
            except ValueError:
                body = {}
        if body.get("response_action") == "errors":
            return {"status": 200, "errors": body.get("errors", {})}
        self._sides.after_submission(user, view, body)
        self._sides.collect_hooks()
        return {"status": 200}

    def close(self, user: str, view_id: str) -> dict[str, Any]:
        view = self._fake.view(view_id)
        status = 200
        if view is not None and view.get("notify_on_close"):
            status = self._slack.view_closed(user, None, None, view_id, view=view).status
        self._sides.close(user, view_id)
        return {"status": status}

    def open_home(self, user: str) -> dict[str, Any]:
        resp = self._slack.event({"type": "app_home_opened", "user": user, "tab": "home",
                                  "channel": self._fake.dm_channel(user)})
        return {"status": resp.status}
