"""``bot.slack_directory.SlackDirectory`` implemented with slack_sdk's WebClient."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.slack_notifier import _failure
from bot.notifier import FailureKind, SlackFailure
from bot.slack_directory import SlackAuth, SlackChannel, SlackUser

#: Slack's answers that mean "no such user / channel" rather than a failure.
_NO_USER = frozenset({"users_not_found", "user_not_found"})
_NO_CHANNEL = frozenset({"channel_not_found"})


def _user(data: dict[str, Any]) -> SlackUser:
    profile = data.get("profile") or {}
    email = profile.get("email")
    return SlackUser(id=str(data.get("id")), deleted=bool(data.get("deleted")),
                     is_bot=bool(data.get("is_bot")),
                     locale=data.get("locale"), tz=data.get("tz"), email=email.lower() if email else None)


class SlackDirectoryClient:
    def __init__(self, client: WebClient) -> None:
        self._client = client

    def _call(self, fn: Any, missing: frozenset[str]) -> Any:
        try:
            return fn()
        except SlackApiError as exc:
            data = exc.response.data if isinstance(exc.response.data, dict) else {}
            if data.get("error") in missing:
                return None
            raise _failure(exc) from exc
        except OSError as exc:  # refused, reset, timed out: nothing changed, ask again later
            raise SlackFailure(FailureKind.TRANSIENT, f"connection: {type(exc).__name__}") from exc

    def lookup_by_email(self, email: str) -> SlackUser | None:
        resp = self._call(lambda: self._client.users_lookupByEmail(email=email), _NO_USER)
        return _user(resp["user"]) if resp is not None else None

    def user(self, user_id: str) -> SlackUser | None:
        resp = self._call(lambda: self._client.users_info(user=user_id, include_locale=True), _NO_USER)
        return _user(resp["user"]) if resp is not None else None

    def auth(self) -> SlackAuth:
        resp = self._call(lambda: self._client.auth_test(), frozenset())
        headers = {k.lower(): v for k, v in (resp.headers or {}).items()}
        raw = headers.get("x-oauth-scopes")
        scopes = frozenset(s.strip() for s in str(raw).split(",") if s.strip()) if raw is not None else None
        return SlackAuth(team=str(resp.get("team") or ""), user_id=str(resp.get("user_id") or ""),
                         scopes=scopes)

    def channel(self, channel_id: str) -> SlackChannel | None:
        resp = self._call(lambda: self._client.conversations_info(channel=channel_id), _NO_CHANNEL)
        if resp is None:
            return None
        data = resp.get("channel") or {}
        return SlackChannel(id=str(data.get("id") or channel_id), name=str(data.get("name") or ""),
                            is_member=bool(data.get("is_member")), is_archived=bool(data.get("is_archived")))
