"""The one small interface through which ``bot/`` talks to Slack.

Services depend on this protocol; ``app.slack_notifier`` implements it with
``slack_sdk``. Keeping Slack out of ``bot/`` lets the core run in tests and in
the scheduler without Bolt.

Every call either returns or raises :class:`SlackFailure`, which says what the
outbox should do next: try again later (``TRANSIENT``, with Slack's
``Retry-After`` when it gave one), give up on this recipient (``PERMANENT``), or
find out first whether the call went through after all (``UNKNOWN``: the
connection dropped or Slack answered too late, so the message may exist).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class MessageRef:
    channel: str
    ts: str


class FailureKind(StrEnum):
    TRANSIENT = "transient"  # rate limited, 5xx, refused connection: try again later
    PERMANENT = "permanent"  # the recipient cannot get it (user_not_found, account_inactive, …)
    UNKNOWN = "unknown"  # a timeout after sending: the call may have taken effect


class SlackFailure(Exception):
    def __init__(self, kind: FailureKind, error: str, retry_after: float | None = None) -> None:
        super().__init__(f"{kind.value}: {error}")
        self.kind = kind
        self.error = error
        self.retry_after = retry_after


#: Where a posted message carries its delivery key (Slack message metadata), so
#: that a post whose answer was lost can be found again instead of posted twice.
METADATA_EVENT = "ifn_delivery"


class Notifier(Protocol):
    def open_dm(self, user_ids: list[str]) -> str:
        """The channel id of the DM (one user) or group DM (several) with the bot."""
        ...

    def post(self, channel: str, text: str, blocks: list[dict[str, Any]] | None = None,
             key: str | None = None) -> MessageRef:
        """Post a message; ``key`` is stored in its metadata (see ``find_posted``)."""
        ...

    def update(self, ref: MessageRef, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """Replace the content of a message the bot posted."""
        ...

    def find_posted(self, channel: str, key: str, oldest: float) -> MessageRef | None:
        """The message posted to ``channel`` since ``oldest`` (epoch seconds) whose
        metadata carries ``key``, or None."""
        ...

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        """Publish the user's Home tab."""
        ...

    def email_of(self, user_id: str) -> str | None:
        """The Slack profile e-mail of a user, or None when Slack does not say."""
        ...
