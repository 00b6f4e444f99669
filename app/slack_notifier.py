"""``bot.notifier.Notifier`` implemented with slack_sdk's WebClient.

Every Slack error is turned into a :class:`~bot.notifier.SlackFailure` whose
kind tells the outbox what to do: retry later, give up on this recipient, or
look first whether a call that timed out went through after all.
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.messages.limits import fit_message, fit_view
from bot.notifier import METADATA_EVENT, FailureKind, MessageRef, SlackFailure

T = TypeVar("T")

#: Slack errors that will not go away by trying again: the recipient or the
#: message itself is the problem.
PERMANENT_ERRORS = frozenset({
    "user_not_found", "account_inactive", "cannot_dm_bot", "user_disabled", "users_not_found",
    "channel_not_found", "not_in_channel", "is_archived", "msg_too_long", "no_text", "invalid_blocks",
    "invalid_blocks_format", "invalid_arguments", "too_many_attachments", "restricted_action",
    "message_not_found", "cant_update_message", "edit_window_closed", "invalid_auth", "not_authed",
    "account_disabled", "token_revoked", "no_permission", "missing_scope", "ekm_access_denied",
    "team_access_not_granted", "invalid_metadata_format", "invalid_metadata_schema",
})


class SlackNotifier:
    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._dm_channels: dict[str, str] = {}
        self._lock = threading.Lock()

    @contextmanager
    def _classified(self) -> Iterator[None]:
        try:
            yield
        except SlackApiError as exc:
            raise _failure(exc) from exc
        except TimeoutError as exc:
            raise SlackFailure(FailureKind.UNKNOWN, "timeout") from exc
        except urllib.error.URLError as exc:
            reason = getattr(exc, "reason", None)
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise SlackFailure(FailureKind.UNKNOWN, "timeout") from exc
            # Refused or unreachable: nothing was sent.
            raise SlackFailure(FailureKind.TRANSIENT, f"connection: {reason}") from exc
        except (ConnectionError, OSError) as exc:
            # A connection cut after the request went out: it may have arrived.
            raise SlackFailure(FailureKind.UNKNOWN, f"connection: {type(exc).__name__}") from exc

    def _call(self, fn: Callable[[], T]) -> T:
        with self._classified():
            return fn()

    def open_dm(self, user_ids: list[str]) -> str:
        key = ",".join(sorted(user_ids))
        with self._lock:
            known = self._dm_channels.get(key)
        if known:
            return known
        opened = self._call(lambda: self._client.conversations_open(users=key))
        channel = opened["channel"]["id"]
        with self._lock:
            self._dm_channels[key] = channel
        return channel

    def post(self, channel: str, text: str, blocks: list[dict[str, Any]] | None = None,
             key: str | None = None) -> MessageRef:
        metadata = {"event_type": METADATA_EVENT, "event_payload": {"key": key}} if key else None
        text, blocks = fit_message(text, blocks)  # a refused message is a notification nobody gets
        resp = self._call(lambda: self._client.chat_postMessage(
            channel=channel, text=text, blocks=blocks, metadata=metadata))
        return MessageRef(channel=resp["channel"], ts=resp["ts"])

    def update(self, ref: MessageRef, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        text, blocks = fit_message(text, blocks)
        self._call(lambda: self._client.chat_update(channel=ref.channel, ts=ref.ts, text=text,
                                                    blocks=blocks if blocks is not None else []))

    def find_posted(self, channel: str, key: str, oldest: float) -> MessageRef | None:
        cursor: str | None = None
        for _page in range(10):
            resp = self._call(lambda cursor=cursor: self._client.conversations_history(
                channel=channel, oldest=f"{oldest:.6f}", limit=200, cursor=cursor,
                include_all_metadata=True))
            for message in resp.get("messages") or []:
                meta = message.get("metadata") or {}
                if meta.get("event_type") == METADATA_EVENT and \
                        (meta.get("event_payload") or {}).get("key") == key:
                    return MessageRef(channel, message["ts"])
            cursor = (resp.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        fitted = fit_view(view)
        self._call(lambda: self._client.views_publish(user_id=user_id, view=fitted))

    def email_of(self, user_id: str) -> str | None:
        try:
            resp = self._call(lambda: self._client.users_info(user=user_id))
        except SlackFailure as exc:
            if exc.kind is FailureKind.PERMANENT:
                return None
            raise
        email = (resp.get("user") or {}).get("profile", {}).get("email")
        return email.lower() if email else None


def _failure(exc: SlackApiError) -> SlackFailure:
    response = exc.response
    status = getattr(response, "status_code", 200)
    data = response.data if isinstance(getattr(response, "data", None), dict) else {}
    if not data and isinstance(getattr(response, "data", None), (bytes, str)):
        try:
            data = json.loads(response.data)
        except ValueError:
            data = {}
    error = str(data.get("error") or f"http_{status}")
    if status == 429 or error == "ratelimited":
        retry = (response.headers or {}).get("Retry-After") or (response.headers or {}).get("retry-after")
        try:
            retry_after = float(retry) if retry is not None else None
        except ValueError:
            retry_after = None
        return SlackFailure(FailureKind.TRANSIENT, "ratelimited", retry_after)
    if status >= 500:
        return SlackFailure(FailureKind.TRANSIENT, error)
    if error in PERMANENT_ERRORS:
        return SlackFailure(FailureKind.PERMANENT, error)
    return SlackFailure(FailureKind.TRANSIENT, error)
