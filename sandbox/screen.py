"""What one person sees on the sandbox page, as JSON: their conversations (the
app's DM, the channels they are members of, their group DMs) with every
message's author, time on the bot's clock and "edited" mark, their ephemeral
messages in place, their Home tab and their modals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sandbox.fakeslack import FakeSlack
from sandbox.norwegian_time import day_text
from sandbox.user_side import UserSides
from sandbox.workspace import CHANNELS

APP_NAME = "ifn-bot"


class Screen:
    def __init__(self, fake: FakeSlack, sides: UserSides, people: list[dict[str, Any]],
                 to_local: Callable[[datetime], datetime], now: Callable[[], datetime]) -> None:
        self._fake = fake
        self._sides = sides
        self._names = {p["id"]: p["name"] for p in people}
        self._to_local = to_local
        self._now = now

    def set_people(self, people: list[dict[str, Any]]) -> None:
        """Another directory was loaded: the names messages are shown with."""
        self._names = {p["id"]: p["name"] for p in people}

    def _stamp(self, message: dict[str, Any], today: Any) -> dict[str, Any]:
        local = self._to_local(datetime.fromtimestamp(float(message["ts"]), UTC))
        author = message.get("user")
        is_app = (bool(message.get("bot_id")) or author == self._fake.workspace.bot_user_id
                  or (bool(message.get("ephemeral")) and not message.get("typed")))
        return {**message, "time": local.strftime("%H:%M"), "day": day_text(local.date(), today),
                "edited": "edited" in message, "author_id": author,
                "author": APP_NAME if is_app else self._names.get(str(author), str(author)),
                "is_app": is_app}

    def _conversation(self, key: str, channel: str, kind: str, name: str, own: list[dict[str, Any]],
                      today: Any, **extra: Any) -> dict[str, Any]:
        messages = self._fake.messages(channel) + own
        messages.sort(key=lambda m: float(m["ts"]))
        return {"key": key, "id": channel, "kind": kind, "name": name,
                "messages": [self._stamp(m, today) for m in messages], **extra}

    def state(self, user: str) -> dict[str, Any]:
        today = self._to_local(self._now()).date()
        dm = self._fake.dm_channel(user)
        ephemerals = self._sides.ephemerals(user)

        def own(channel: str) -> list[dict[str, Any]]:
            if channel == dm:
                return [e for e in ephemerals if not e.get("channel") or e["channel"] == dm]
            return [e for e in ephemerals if e.get("channel") == channel]

        for entry in ephemerals:
            if entry.get("typed"):
                entry["user"] = user
        conversations = [self._conversation("dm", dm, "app", APP_NAME, own(dm), today)]
        mine = self._fake.conversations_of(user)
        by_id = {c.id: c for c in CHANNELS}
        for channel_id in mine:
            if channel_id in by_id:
                channel = by_id[channel_id]
                conversations.append(self._conversation(channel.key, channel.id, "channel", channel.name,
                                                        own(channel.id), today))
        for channel_id in mine:
            if channel_id.startswith("G"):
                members = [m for m in self._fake.members(channel_id) if m != self._fake.workspace.bot_user_id]
                others = [self._names.get(m, m) for m in members if m != user]
                conversations.append(self._conversation(channel_id, channel_id, "group", ", ".join(others),
                                                        own(channel_id), today, members=members))
        return {
            "user": user,
            "dm_channel": dm,
            "conversations": conversations,
            "ephemerals": ephemerals,
            "home": self._fake.home_view(user),
            "modals": self._sides.modals(user),
        }
