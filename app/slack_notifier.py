"""``bot.notifier.Notifier`` implemented with slack_sdk's WebClient."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.notifier import MessageRef


class SlackNotifier:
    def __init__(self, client: WebClient) -> None:
        self._client = client

    def post(self, channel: str, text: str, blocks: list[dict[str, Any]] | None = None) -> MessageRef:
        resp = self._client.chat_postMessage(channel=channel, text=text, blocks=blocks)
        return MessageRef(channel=resp["channel"], ts=resp["ts"])

    def dm(self, user_id: str, text: str, blocks: list[dict[str, Any]] | None = None) -> MessageRef:
        opened = self._client.conversations_open(users=user_id)
        return self.post(opened["channel"]["id"], text, blocks)

    def dm_group(self, user_ids: list[str], text: str,
                 blocks: list[dict[str, Any]] | None = None) -> MessageRef:
        opened = self._client.conversations_open(users=",".join(user_ids))
        return self.post(opened["channel"]["id"], text, blocks)

    def update(self, ref: MessageRef, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        self._client.chat_update(channel=ref.channel, ts=ref.ts, text=text, blocks=blocks)

    def ephemeral(self, channel: str, user_id: str, text: str,
                  blocks: list[dict[str, Any]] | None = None) -> None:
        self._client.chat_postEphemeral(channel=channel, user=user_id, text=text, blocks=blocks)

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        self._client.views_publish(user_id=user_id, view=view)

    def email_of(self, user_id: str) -> str | None:
        try:
            resp = self._client.users_info(user=user_id)
        except SlackApiError as exc:
            if exc.response.get("error") in ("user_not_found", "missing_scope"):
                return None
            raise
        email = (resp.get("user") or {}).get("profile", {}).get("email")
        return email.lower() if email else None
