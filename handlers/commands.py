"""The single ``/ifn`` listener: parse the text, dispatch on the subcommand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.commands import ParsedCommand, Subcommand, parse
from bot.domain.language import Lang
from bot.i18n import t
from bot.pii import find_national_id
from bot.services.people import Actor
from handlers.deps import Deps
from handlers.identity import identify, language_for
from handlers.views.help import help_blocks, help_text

#: A subcommand handler gets the parsed command, who asked, in which language,
#: and the raw Slack payload; it must ack() itself.
SubHandler = Callable[[Ack, ParsedCommand, Actor | None, Lang, dict[str, Any], WebClient], None]


def _answer_help(ack: Ack, lang: Lang, available: frozenset[Subcommand], lead: str | None = None) -> None:
    ack(
        response_type="ephemeral",
        text=(lead + "\n" if lead else "") + help_text(lang, available),
        blocks=help_blocks(lang, available, lead),
    )


def register(app: App, deps: Deps, extra: dict[Subcommand, SubHandler] | None = None) -> None:
    """Register ``/ifn``. Feature modules contribute handlers through ``extra``;
    the help lists exactly the subcommands that have one."""
    handlers: dict[Subcommand, SubHandler] = dict(extra or {})
    available = frozenset(handlers) | {Subcommand.HELP}

    @app.command("/ifn")
    def ifn_command(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        parsed = parse(command.get("text"))
        actor = identify(deps, client, command["user_id"])
        lang = language_for(actor, parsed.word)
        if find_national_id(parsed.raw):  # refused before any subcommand stores or echoes it
            ack(response_type="ephemeral", text=t(lang, "command.pii"))
            return
        handler = handlers.get(parsed.sub)
        if handler is not None:
            handler(ack, parsed, actor, lang, command, client)
            return
        if parsed.sub is Subcommand.HELP or parsed.sub is Subcommand.MENU:
            _answer_help(ack, lang, available)
        elif parsed.sub is Subcommand.UNKNOWN:
            _answer_help(ack, lang, available, t(lang, "command.unknown", text=parsed.raw))
        else:
            _answer_help(ack, lang, available, t(lang, "command.not_available", name=parsed.word))
