"""The fake's chat.*, conversations.*, users.* and auth.test methods.

A mixin of ``FakeSlack`` (``server.py``), which owns the lock and the state;
``_BUILTIN`` maps each Web API method to the mixin method that answers it.
Each runs under the fake's lock and answers with the shape Slack answers with.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from sandbox.fakeslack.answers import FakeUser
from sandbox.fakeslack.answers import error as _error
from sandbox.fakeslack.answers import truthy as _truthy
from sandbox.fakeslack.identity import Workspace


class SlackMethods:
    """Messages, conversations and users, over the state ``FakeSlack`` keeps."""

    workspace: Workspace
    _clock: Callable[[], float] | None
    _ts_counter: int
    _last_ts_micros: int
    _users: dict[str, FakeUser]
    _channels: dict[str, dict[str, Any]]
    _channel_members: dict[str, list[str] | None]
    _messages: dict[tuple[str, str], dict[str, Any]]
    _ephemerals: list[dict[str, Any]]
    _open_conversations: dict[str, list[str]]
    _im_users: dict[str, str]

    def dm_channel(self, *user_ids: str) -> str:
        """The conversation id ``conversations.open`` returns for these users."""
        users = sorted(set(user_ids))
        if len(users) == 1:
            return "D" + "".join(ch for ch in users[0] if ch.isalnum()).upper()
        digest = hashlib.sha1(",".join(users).encode()).hexdigest()[:10].upper()
        return "G" + digest

    def _next_ts(self) -> str:
        """A unique, increasing message ts: from the fake's clock when it has one
        (the sandbox passes the bot's), else counted up from a fixed second."""
        if self._clock is None:
            self._ts_counter += 100
            seconds, micros = divmod(self._ts_counter, 1_000_000)
            return f"{1700000000 + seconds}.{micros:06d}"
        self._last_ts_micros = max(self._last_ts_micros + 1, int(self._clock() * 1_000_000))
        seconds, micros = divmod(self._last_ts_micros, 1_000_000)
        return f"{seconds}.{micros:06d}"

    def _conversation_for(self, channel: str) -> str:
        # Posting to a user id posts to the app's DM with that user.
        if channel[:1] in ("U", "W"):
            dm = self.dm_channel(channel)
            self._im_users[dm] = channel
            return dm
        return channel

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        ws = self.workspace
        return {
            "ok": True,
            "url": f"https://{ws.team_domain}.slack.com/",
            "team": ws.team_name,
            "user": ws.bot_user_name,
            "team_id": ws.team_id,
            "user_id": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "is_enterprise_install": False,
        }

    def _message_fields(self, args: dict[str, Any]) -> dict[str, Any]:
        return {k: args[k] for k in ("text", "blocks", "attachments", "metadata") if k in args}

    def _chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        if not any(args.get(k) for k in ("text", "blocks", "attachments")):
            return _error("no_text")
        channel = self._conversation_for(str(args["channel"]))
        if channel in self._channels and not self._channels[channel].get("is_member", True):
            return _error("not_in_channel")
        ts = self._next_ts()
        ws = self.workspace
        message: dict[str, Any] = {
            "type": "message",
            "text": "",
            "user": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "app_id": ws.api_app_id,
            "team": ws.team_id,
            "ts": ts,
            **self._message_fields(args),
        }
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        self._messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        key = (str(args["channel"]), str(args["ts"]))
        message = self._messages.get(key)
        if message is None:
            return _error("message_not_found")
        if not any(args.get(k) is not None for k in ("text", "blocks", "attachments")):
            return _error("no_text")
        # Omitted fields keep their previous value, as in Slack.
        message.update(self._message_fields(args))
        message["edited"] = {"user": self.workspace.bot_user_id, "ts": self._next_ts()}
        return {
            "ok": True,
            "channel": key[0],
            "ts": key[1],
            "text": message.get("text", ""),
            "message": message,
        }

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        if not any(args.get(k) for k in ("text", "blocks", "attachments")):
            return _error("no_text")
        ts = self._next_ts()
        self._ephemerals.append(
            {
                "channel": self._conversation_for(str(args["channel"])),
                "user": args["user"],
                "ts": ts,
                **self._message_fields(args),
            }
        )
        return {"ok": True, "message_ts": ts}

    def _chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel", "")), str(args.get("ts", ""))
        if self._messages.pop((channel, ts), None) is None:
            return _error("message_not_found")
        return {"ok": True, "channel": channel, "ts": ts}

    def _chat_get_permalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args["channel"]), str(args["message_ts"])
        domain = self.workspace.team_domain
        link = f"https://{domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": link}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("channel"):
            channel_id = str(args["channel"])
            if channel_id not in self._open_conversations:
                return _error("channel_not_found")
            users = self._open_conversations[channel_id]
        else:
            raw = args.get("users")
            users = raw if isinstance(raw, list) else str(raw or "").split(",")
            users = [u.strip() for u in users if u and u.strip()]
            if not users:
                return _error("users_list_not_supplied")
            if len(users) > 8:
                return _error("too_many_users")
            refused = self._dm_refusal(users)
            if refused:
                return _error(refused)
            channel_id = self.dm_channel(*users)
            if len(users) == 1:
                self._im_users[channel_id] = users[0]
        already_open = channel_id in self._open_conversations
        self._open_conversations[channel_id] = users
        channel: dict[str, Any] = {"id": channel_id}
        if _truthy(args.get("return_im")):
            channel = self._conversation_object(channel_id)
        body: dict[str, Any] = {"ok": True, "channel": channel}
        if already_open:
            body.update(no_op=True, already_open=True)
        return body

    def _dm_refusal(self, users: list[str]) -> str | None:
        """Why Slack will not open a DM with these users: one is deactivated
        (``user_disabled``), a bot (``cannot_dm_bot``) or unknown to a workspace
        that knows its users (``user_not_found``)."""
        for user_id in users:
            user = self._users.get(user_id)
            if user is None:
                if self._users and user_id != self.workspace.bot_user_id:
                    return "user_not_found"
                continue
            if user.deleted:
                return "user_disabled"
            if user.is_bot:
                return "cannot_dm_bot"
        return None

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        """Newest first, from ``oldest`` on; message metadata only with
        ``include_all_metadata`` (as Slack does)."""
        channel = str(args.get("channel", ""))
        oldest = float(args.get("oldest") or 0)
        limit = int(args.get("limit") or 100)
        with_metadata = _truthy(args.get("include_all_metadata"))
        found = sorted(((ts, m) for (ch, ts), m in self._messages.items()
                        if ch == channel and float(ts) >= oldest), key=lambda x: float(x[0]), reverse=True)
        messages = []
        for _ts, message in found[:limit]:
            shown = dict(message)
            if not with_metadata:
                shown.pop("metadata", None)
            messages.append(shown)
        return {"ok": True, "messages": messages, "has_more": len(found) > limit,
                "response_metadata": {"next_cursor": ""}}

    def _conversation_object(self, channel_id: str) -> dict[str, Any]:
        users = self._open_conversations[channel_id]
        if len(users) == 1:
            return {
                "id": channel_id,
                "created": 1700000000,
                "is_im": True,
                "is_org_shared": False,
                "user": users[0],
                "is_user_deleted": False,
                "priority": 0,
            }
        return {
            "id": channel_id,
            "name": "mpdm-" + "--".join(users) + "-1",
            "is_channel": False,
            "is_group": False,
            "is_im": False,
            "is_mpim": True,
            "is_private": True,
            "created": 1700000000,
        }

    def _members_of(self, channel_id: str) -> list[str] | None:
        """Who is in a conversation (the bot included), or None if it is unknown."""
        bot = self.workspace.bot_user_id
        if channel_id in self._channels:
            listed = self._channel_members.get(channel_id)
            people = listed if listed is not None else [u for u in self._users if not self._users[u].is_bot]
            return [*people, bot] if self._channels[channel_id].get("is_member", True) else list(people)
        if channel_id in self._open_conversations:
            return [*self._open_conversations[channel_id], bot]
        if channel_id in self._im_users:
            return [self._im_users[channel_id], bot]
        return None

    def _conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        members = self._members_of(str(args["channel"]))
        if members is None:
            return _error("channel_not_found")
        return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel_id = str(args.get("channel") or "")
        if channel_id in self._channels:
            channel = dict(self._channels[channel_id])
        elif channel_id in self._open_conversations:
            channel = self._conversation_object(channel_id)
        else:
            return _error("channel_not_found")
        if _truthy(args.get("include_locale")):
            channel["locale"] = "nb-NO"
        return {"ok": True, "channel": channel}

    def _user_object(self, user: FakeUser, include_locale: bool) -> dict[str, Any]:
        real_name = user.real_name or user.name
        profile: dict[str, Any] = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": user.name,
            "display_name_normalized": user.name,
            "team": self.workspace.team_id,
        }
        if user.email:
            profile["email"] = user.email
        body: dict[str, Any] = {
            "id": user.id,
            "team_id": self.workspace.team_id,
            "name": user.name,
            "deleted": user.deleted,
            "real_name": real_name,
            "tz": user.tz,
            "tz_label": "Central European Time",
            "tz_offset": 3600,
            "is_admin": False,
            "is_owner": False,
            "is_bot": user.is_bot,
            "is_app_user": False,
            "updated": 1700000000,
            "profile": profile,
        }
        if include_locale:
            body["locale"] = user.locale
        return body

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get(str(args.get("user") or ""))
        if user is None:
            return _error("user_not_found")
        return {"ok": True, "user": self._user_object(user, _truthy(args.get("include_locale")))}

    def _users_lookup_by_email(self, args: dict[str, Any]) -> dict[str, Any]:
        wanted = str(args["email"]).strip().lower()
        for user in self._users.values():
            if user.email and user.email.lower() == wanted:
                return {"ok": True, "user": self._user_object(user, include_locale=False)}
        return _error("users_not_found")


_BUILTIN: dict[str, str] = {
    "auth.test": "_auth_test",
    "chat.postMessage": "_chat_post_message",
    "chat.update": "_chat_update",
    "chat.postEphemeral": "_chat_post_ephemeral",
    "chat.delete": "_chat_delete",
    "chat.getPermalink": "_chat_get_permalink",
    "conversations.open": "_conversations_open",
    "conversations.info": "_conversations_info",
    "conversations.history": "_conversations_history",
    "conversations.members": "_conversations_members",
    "users.info": "_users_info",
    "users.lookupByEmail": "_users_lookup_by_email",
    "views.open": "_views_open",
    "views.push": "_views_push",
    "views.update": "_views_update",
    "views.publish": "_views_publish",
}
