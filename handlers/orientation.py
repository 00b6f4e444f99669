"""Slack edge for ``/ifn språk`` (the user's language) and ``/ifn hvem`` (who
serves them today). Thin: parse, call the service, answer."""

from __future__ import annotations

from bot.commands import Subcommand
from bot.dates import ParseError
from bot.directory_commands import SetLanguage, ShowLanguage, parse_language
from bot.i18n import t
from bot.services.orientation import OrientationService
from handlers.commands import Sub
from handlers.prelude import Command, Reply


class OrientationHandlers:
    def __init__(self, orientation: OrientationService) -> None:
        self.orientation = orientation

    def subcommands(self) -> dict[Subcommand, Sub]:
        return {Subcommand.LANGUAGE: Sub(self.language_command), Subcommand.WHO: Sub(self.who_command)}

    def language_command(self, cmd: Command) -> Reply:
        assert cmd.actor is not None
        parsed = parse_language(cmd.parsed.args)
        if isinstance(parsed, ParseError):
            return Reply(t(cmd.lang, parsed.key, **parsed.params))
        if isinstance(parsed, ShowLanguage):
            return Reply(t(cmd.lang, "lang.current") + "\n" + t(cmd.lang, "lang.usage"))
        assert isinstance(parsed, SetLanguage)
        self.orientation.set_language(cmd.actor.person_id, parsed.lang)
        return Reply(t(parsed.lang, "lang.set"), home=True)  # the Home tab in the new language too

    def who_command(self, cmd: Command) -> Reply:
        assert cmd.actor is not None
        return Reply(self.orientation.who(cmd.actor.person_id, cmd.lang))
