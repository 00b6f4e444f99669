"""The single ``/ifn`` listener: parse the text, dispatch on the subcommand, ack
with the answer, then do what needs Slack (open a modal, publish the Home tab)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.commands import Subcommand, parse
from bot.domain.language import Lang
from bot.i18n import t
from bot.pii import find_national_id
from handlers.inputs import has_control_characters
from handlers.prelude import Command, Edge, Reply, language_for
from handlers.views.help import help_blocks, help_text


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
        actor = edge.identify(user_id)
        lang = language_for(actor, parsed.word)
        sub = subs.get(parsed.sub)
        if find_national_id(parsed.raw):  # refused before any subcommand stores or echoes it
            reply = Reply(t(lang, "command.pii"))
        elif has_control_characters(parsed.raw):
            reply = Reply(t(lang, "form.error.control_characters"))
        elif sub is None:
            if parsed.sub in (Subcommand.HELP, Subcommand.MENU):
                reply = help_reply(lang, available)
            elif parsed.sub is Subcommand.UNKNOWN:
                reply = help_reply(lang, available, t(lang, "command.unknown", text=parsed.raw))
            else:
                reply = help_reply(lang, available, t(lang, "command.not_available", name=parsed.word))
        elif sub.needs_actor and actor is None:
            reply = Reply(t(lang, "person.not_in_directory"))
        else:
            reply = sub.run(Command(parsed, actor, lang, command))
        if reply.text or reply.blocks:
            ack(response_type="ephemeral", text=reply.text or "", blocks=reply.blocks)
        else:
            ack()
        if reply.view is not None:
            client.views_open(trigger_id=command["trigger_id"], view=reply.view)
        if reply.home and actor is not None:
            edge.publish_home(client, user_id)
        if actor is None:
            edge.link_unknown(client, user_id)
