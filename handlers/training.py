"""Slack edge for ``/ifn opplæring`` (training): show records, and let an IFK
or IFR record Trinn 1, Trinn 2 (topic) or Trinn 3 for a person."""

from __future__ import annotations

from bot.commands import Subcommand
from bot.dates import ParseError
from bot.i18n import t
from bot.services.group_sessions import GroupSessionService
from bot.services.training import AnnounceTraining, SetTraining, ShowTraining, TrainingService, parse_training
from handlers.commands import Sub
from handlers.group_sessions import GroupSessionHandlers
from handlers.prelude import Command, Edge, Reply


class TrainingHandlers:
    def __init__(self, edge: Edge, training: TrainingService, groups: GroupSessionService,
                 group_handlers: GroupSessionHandlers) -> None:
        self.edge = edge
        self.training = training
        self.groups = groups
        self.group_handlers = group_handlers

    def subcommands(self) -> dict[Subcommand, Sub]:
        return {Subcommand.TRAINING: Sub(self.training_command)}

    def training_command(self, cmd: Command) -> Reply:
        actor, lang, service = cmd.actor, cmd.lang, self.training
        assert actor is not None
        # The raw text, not the split words: an escaped mention's name may hold spaces.
        parsed = parse_training(cmd.parsed.raw[len(cmd.parsed.word):])
        if isinstance(parsed, ParseError):
            text = t(lang, parsed.key, **parsed.params)
            return Reply(text if parsed.key == "train.usage" else f"{text}\n{t(lang, 'train.usage')}")
        if isinstance(parsed, AnnounceTraining):
            # A training session is a group session of kind "training": the same form,
            # announcement, sign-up, waiting list and reminders.
            if not self.groups.may_organise(actor.person_id):
                return Reply(t(lang, "train.not_allowed"))
            return Reply(view=self.group_handlers.form(lang, actor, kind="training"))
        if isinstance(parsed, ShowTraining) and parsed.user is None:
            return Reply(f"{service.records_text(actor.person_id, lang).text}\n{t(lang, 'train.usage')}")
        if not service.may_record(actor.person_id):
            return Reply(t(lang, "train.not_allowed"))
        assert isinstance(parsed, ShowTraining | SetTraining) and parsed.user is not None
        person = self.edge.identify(parsed.user)
        if person is None:
            return Reply(t(lang, "train.unknown_person"))
        if isinstance(parsed, ShowTraining):
            return Reply(service.records_text(person.person_id, lang).text)
        return Reply(service.record(actor.person_id, person.person_id, parsed.level, parsed.topic, parsed.on,
                                    lang).text)
