"""Slack edge for ``/ifn opplæring`` (training): show records, and let an IFK
or IFR record Trinn 1, Trinn 2 (topic) or Trinn 3 for a person."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.commands import ParsedCommand, Subcommand
from bot.dates import ParseError
from bot.domain.language import Lang
from bot.i18n import t
from bot.services.people import Actor
from bot.services.training import AnnounceTraining, SetTraining, ShowTraining, parse_training
from handlers.commands import SubHandler
from handlers.deps import Deps
from handlers.group_sessions import GroupSessionHandlers
from handlers.identity import identify
from handlers.views.group_sessions import group_modal


def _ephemeral(ack: Ack, text: str) -> None:
    ack(response_type="ephemeral", text=text)


class TrainingHandlers:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def subcommands(self) -> dict[Subcommand, SubHandler]:
        return {Subcommand.TRAINING: self.training_command}

    def training_command(self, ack: Ack, parsed: ParsedCommand, actor: Actor | None, lang: Lang,
                         command: dict[str, Any], client: WebClient) -> None:
        if actor is None:
            _ephemeral(ack, t(lang, "person.not_in_directory"))
            return
        service = self.deps.training
        # The raw text, not the split words: an escaped mention's name may hold spaces.
        cmd = parse_training(parsed.raw[len(parsed.word):])
        if isinstance(cmd, ParseError):
            text = t(lang, cmd.key, **cmd.params)
            _ephemeral(ack, text if cmd.key == "train.usage" else f"{text}\n{t(lang, 'train.usage')}")
            return
        if isinstance(cmd, AnnounceTraining):
            self._announce(ack, actor, lang, command, client)
            return
        if isinstance(cmd, ShowTraining) and cmd.user is None:
            reply = service.records_text(actor.person_id, lang)
            _ephemeral(ack, f"{reply.text}\n{t(lang, 'train.usage')}")
            return
        if not service.may_record(actor.person_id):
            _ephemeral(ack, t(lang, "train.not_allowed"))
            return
        assert isinstance(cmd, ShowTraining | SetTraining) and cmd.user is not None
        person = identify(self.deps, client, cmd.user)
        if person is None:
            _ephemeral(ack, t(lang, "train.unknown_person"))
            return
        if isinstance(cmd, ShowTraining):
            _ephemeral(ack, service.records_text(person.person_id, lang).text)
            return
        _ephemeral(ack, service.record(actor.person_id, person.person_id, cmd.level, cmd.topic, cmd.on,
                                       lang).text)

    def _announce(self, ack: Ack, actor: Actor, lang: Lang, command: dict[str, Any],
                  client: WebClient) -> None:
        """A training session is a group session of kind "training": the same form,
        announcement, sign-up, waiting list and reminders (``GroupSessionService``)."""
        groups = GroupSessionHandlers(self.deps, self.deps.group_sessions)
        if not self.deps.group_sessions.may_organise(actor.person_id):
            _ephemeral(ack, t(lang, "train.not_allowed"))
            return
        ack()
        today = self.deps.clock.now().astimezone(self.deps.settings.tz).date()
        view = group_modal(lang, today, groups._options(lang, actor), self.deps.settings.ifn_network_channel,
                           kind="training")
        client.views_open(trigger_id=command["trigger_id"], view=view)
