"""Resolve the Slack user behind a request to an ``Actor`` and a language."""

from __future__ import annotations

from slack_sdk import WebClient

from app.slack_notifier import SlackNotifier
from bot.commands import ENGLISH_WORDS
from bot.domain.language import DEFAULT_LANG, Lang
from bot.services.people import Actor
from handlers.deps import Deps


def identify(deps: Deps, client: WebClient, user_id: str) -> Actor | None:
    return deps.people.identify(user_id, SlackNotifier(client).email_of)


def language_for(actor: Actor | None, typed_word: str = "") -> Lang:
    """The directory's language for known people; for others, English when they
    typed an English alias, else the default (nb)."""
    if actor is not None:
        return actor.lang
    if typed_word.lower() in ENGLISH_WORDS:
        return Lang.EN
    return DEFAULT_LANG
