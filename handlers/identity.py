"""Resolve the Slack user behind a request to an ``Actor`` and a language."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.commands import ENGLISH_WORDS
from bot.domain.language import DEFAULT_LANG, Lang
from bot.services.people import Actor


def email_of(client: WebClient, user_id: str) -> str | None:
    try:
        resp = client.users_info(user=user_id)
    except SlackApiError:
        return None
    email = (resp.get("user") or {}).get("profile", {}).get("email")
    return email.lower() if email else None


def language_for(actor: Actor | None, typed_word: str = "") -> Lang:
    """The directory's language for known people; for others, English when they
    typed an English alias, else the default (nb)."""
    if actor is not None:
        return actor.lang
    if typed_word.lower() in ENGLISH_WORDS:
        return Lang.EN
    return DEFAULT_LANG
