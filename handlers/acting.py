"""Slack edge for ``/ifn fungerende`` (acting area leaders). Thin: parse, resolve
the mentioned user, call the service (which decides who may), answer."""

from __future__ import annotations

from bot.commands import Subcommand
from bot.dates import ParseError
from bot.directory_commands import DeleteActing, DesignateActing, ListActing, parse_acting
from bot.i18n import t
from bot.services.acting import ActingService
from handlers.commands import Sub
from handlers.prelude import Command, Edge, Reply


class ActingHandlers:
    def __init__(self, edge: Edge, acting: ActingService) -> None:
        self.edge = edge
        self.acting = acting

    def subcommands(self) -> dict[Subcommand, Sub]:
        return {Subcommand.ACTING: Sub(self.acting_command)}

    def acting_command(self, cmd: Command) -> Reply:
        assert cmd.actor is not None
        lang, me = cmd.lang, cmd.actor.person_id
        # The raw text, not the split words: an escaped mention's name may hold spaces.
        parsed = parse_acting(cmd.parsed.raw[len(cmd.parsed.word):])
        if isinstance(parsed, ParseError):
            text = t(lang, parsed.key, **parsed.params)
            return Reply(text if parsed.key == "acting.usage" else f"{text}\n{t(lang, 'acting.usage')}")
        if isinstance(parsed, ListActing):
            return Reply(self.acting.listing(me, lang).text)
        if isinstance(parsed, DeleteActing):
            return Reply(self.acting.delete(me, parsed.number, lang).text)
        assert isinstance(parsed, DesignateActing)
        if not self.acting.may_designate(me):
            return Reply(t(lang, "acting.not_allowed"))
        person = self.edge.identify(parsed.person_user)
        if person is None:
            return Reply(t(lang, "acting.person_unknown"))
        return Reply(self.acting.designate(me, person.person_id, parsed.area, parsed.period.start,
                                           parsed.period.end, lang).text)
