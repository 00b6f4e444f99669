"""The single ``/ifn`` listener: parse the text, dispatch on the subcommand, ack
with the answer, then do what needs Slack (open a modal, publish the Home tab)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.commands import ParsedCommand, Subcommand, parse
from bot.domain.language import Lang
from bot.i18n import t
from bot.pii import find_national_id
from bot.services.outage import DatabaseAway, person_waiting
from bot.services.people import Actor
from handlers.inputs import has_control_characters
from handlers.prelude import Command, Edge, Reply, language_for
from handlers.views.help import help_blocks, help_text

log = logging.getLogger("ifn_bot.handlers")


@dataclass(frozen=True, slots=True)
class Sub:
    """One subcommand. ``run`` gets the parsed command and returns the answer;
    with ``needs_actor`` an unknown user is refused before it runs."""

    run: Callable[[Command], Reply]
    needs_actor: bool = True


def help_reply(lang: Lang, available: frozenset[Subcommand], lead: str | None = None) -> Reply:
    return Reply(text=(lead + "\n" if lead else "") + help_text(lang, available),
                 blocks=help_blocks(lang, available, lead))


def register(app: App, edge: Edge, subs: dict[Subcommand, Sub]) -> None:
    """Register ``/ifn``; the help lists exactly the subcommands that have a handler."""
    available = frozenset(subs) | {Subcommand.HELP}

    @app.command("/ifn")
    def ifn_command(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        parsed = parse(command.get("text"))
        user_id = command["user_id"]
        actor, looked_up = None, False
        lang = language_for(None, parsed.word)
        try:
            with person_waiting():
                actor = edge.identify(user_id)
                looked_up, lang = True, language_for(actor, parsed.word)
                reply = _answer(parsed, actor, lang, subs.get(parsed.sub), command)
        except DatabaseAway as exc:  # nothing was applied: say so, in time
            log.warning("/ifn %s by %s not saved: the database failed (%s)", parsed.sub.value, user_id,
                        type(exc).__name__)
            reply = Reply(t(lang, "error.not_saved"))
        if reply.text or reply.blocks:
            ack(response_type="ephemeral", text=reply.text or "", blocks=reply.blocks)
        else:
            ack()
        if reply.view is not None:
            client.views_open(trigger_id=command["trigger_id"], view=reply.view)
        if reply.home and actor is not None:
            edge.publish_home(client, user_id)
        if actor is None and looked_up:
            edge.link_unknown(client, user_id)

    def _answer(parsed: ParsedCommand, actor: Actor | None, lang: Lang, sub: Sub | None,
                command: dict[str, Any]) -> Reply:
        if find_national_id(parsed.raw):  # refused before any subcommand stores or echoes it
            return Reply(t(lang, "command.pii"))
        if has_control_characters(parsed.raw):
            return Reply(t(lang, "form.error.control_characters"))
        if sub is None:
            if parsed.sub in (Subcommand.HELP, Subcommand.MENU):
                return help_reply(lang, available)
            if parsed.sub is Subcommand.UNKNOWN:
                return help_reply(lang, available, t(lang, "command.unknown", text=parsed.raw))
            return help_reply(lang, available, t(lang, "command.not_available", name=parsed.word))
        if sub.needs_actor and actor is None:
            return Reply(t(lang, "person.not_in_directory"))
        return sub.run(Command(parsed, actor, lang, command))
