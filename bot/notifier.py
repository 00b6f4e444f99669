"""The one small interface through which ``bot/`` talks to Slack.

Services depend on this protocol; ``handlers.slack_notifier`` implements it with
``slack_sdk``. Keeping Slack out of ``bot/`` lets the core run in tests and in
the scheduler without Bolt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class MessageRef:
    channel: str
    ts: str


class Notifier(Protocol):
    def post(self, channel: str, text: str, blocks: list[dict[str, Any]] | None = None) -> MessageRef:
        """Post a message to a channel (or a DM channel id)."""
        ...

    def dm(self, user_id: str, text: str, blocks: list[dict[str, Any]] | None = None) -> MessageRef:
        """Send a direct message to one user."""
        ...

    def dm_group(self, user_ids: list[str], text: str,
                 blocks: list[dict[str, Any]] | None = None) -> MessageRef:
        """Send a message to the group DM of exactly these users."""
        ...

    def update(self, ref: MessageRef, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """Replace the content of a message the bot posted."""
        ...

    def ephemeral(self, channel: str, user_id: str, text: str,
                  blocks: list[dict[str, Any]] | None = None) -> None:
        """A message only ``user_id`` sees."""
        ...

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        """Publish the user's Home tab."""
        ...

    def email_of(self, user_id: str) -> str | None:
        """The Slack profile e-mail of a user, or None when Slack does not say."""
        ...
