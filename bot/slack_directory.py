"""What ``bot/`` asks Slack about people, the token and channels — linking the
directory to Slack accounts (``users.lookupByEmail``, ``users.info``) and the
checks of ``ifn-bot doctor`` (``auth.test``, ``conversations.info``).

``app.slack_directory`` implements the protocol with slack_sdk. Every method
returns what Slack said, ``None`` where Slack says "no such thing", or raises
``bot.notifier.SlackFailure`` (transient: try later; permanent: e.g. a missing
scope or a refused token).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.domain.language import Lang

#: The bot scopes the features need (and ``manifest.yaml`` asks for; a test keeps them equal).
REQUIRED_SCOPES: dict[str, str] = {
    "commands": "the /ifn slash command",
    "chat:write": "direct messages, status messages and channel posts",
    "im:write": "opening direct messages",
    "mpim:write": "group messages for support conversations",
    "users:read": "names, time zones and languages of Slack users",
    "users:read.email": "linking people known by e-mail to their Slack account",
    "channels:read": "checking the network and management channels",
    "groups:read": "the same for private channels",
    "im:history": "finding a direct message whose answer was lost instead of posting it twice",
    "channels:history": "the same for posts to public channels",
    "groups:history": "the same for private channels",
}


@dataclass(frozen=True, slots=True)
class SlackUser:
    id: str
    deleted: bool = False
    is_bot: bool = False
    locale: str | None = None
    tz: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class SlackAuth:
    team: str
    user_id: str
    scopes: frozenset[str] | None  # None: Slack did not say (no X-OAuth-Scopes header)


@dataclass(frozen=True, slots=True)
class SlackChannel:
    id: str
    name: str
    is_member: bool
    is_archived: bool = False


class SlackDirectory(Protocol):
    def lookup_by_email(self, email: str) -> SlackUser | None:
        """The Slack user with this e-mail, or None when there is none."""
        ...

    def user(self, user_id: str) -> SlackUser | None:
        """The Slack user (with locale and time zone), or None when Slack does not know them."""
        ...

    def auth(self) -> SlackAuth:
        """Who the token is, and the scopes it was granted."""
        ...

    def channel(self, channel_id: str) -> SlackChannel | None:
        """The channel as the bot sees it, or None when it does not exist (for the bot)."""
        ...


#: Time zones whose people read Norwegian when Slack gives no locale.
_NORDIC_TZ = frozenset({"Europe/Oslo", "Arctic/Longyearbyen", "Europe/Stockholm", "Europe/Copenhagen"})


def language_from_slack(locale: str | None, tz: str | None) -> Lang | None:
    """The language Slack suggests for someone whose directory entry sets none:
    the locale when it is English or Norwegian; otherwise the time zone (a
    Scandinavian one: Norwegian, another: English); None when Slack says nothing."""
    head = (locale or "").lower().replace("_", "-").split("-")[0]
    if head == "en":
        return Lang.EN
    if head in ("nb", "nn", "no"):
        return Lang.NB
    if tz:
        return Lang.NB if tz in _NORDIC_TZ else Lang.EN
    return None
