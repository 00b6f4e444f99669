"""Slack edge for availability: ``/ifn status``, ``/ifn fravær``,
``/ifn stedfortreder``, and the designation modal behind the daily reminder.

Thin by design: parse what the user typed (``bot.dates``), resolve Slack user
ids to people, call the availability service, answer ephemerally. Who may
designate is decided by the service from the acting user; the reminder
button's value (a person id) only says whom the form is about.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.commands import ParsedCommand, Subcommand
from bot.dates import (
    DeleteAbsence,
    DesignateSubstitute,
    ListAbsences,
    ListSubstitutes,
    ParseError,
    SetStatus,
    ShowStatus,
    parse_absence,
    parse_date,
    parse_status,
    parse_substitute,
)
from bot.domain.language import Lang
from bot.i18n import t
from bot.messages.availability import AvailabilityAction
from bot.services.availability import DesignationForm, Reply
from bot.services.people import Actor
from handlers.commands import SubHandler
from handlers.deps import Deps
from handlers.home import publish_home
from handlers.identity import identify, language_for
from handlers.requests import tell
from handlers.views.availability import (
    FIELD_BLOCKS,
    SubstituteBlock,
    SubstituteCallback,
    designation_modal,
    submitted_values,
)


def _ephemeral(ack: Ack, text: str) -> None:
    ack(response_type="ephemeral", text=text)


def _error_text(lang: Lang, error: ParseError, usage_key: str) -> str:
    text = t(lang, error.key, **error.params)
    return text if error.key == usage_key else f"{text}\n{t(lang, usage_key)}"


class AvailabilityHandlers:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    # ------------------------------------------------------------- commands

    def subcommands(self) -> dict[Subcommand, SubHandler]:
        return {
            Subcommand.STATUS: self.status_command,
            Subcommand.ABSENCE: self.absence_command,
            Subcommand.SUBSTITUTE: self.substitute_command,
        }

    def status_command(self, ack: Ack, parsed: ParsedCommand, actor: Actor | None, lang: Lang,
                       command: dict[str, Any], client: WebClient) -> None:
        if actor is None:
            _ephemeral(ack, t(lang, "person.not_in_directory"))
            return
        cmd = parse_status(parsed.args)
        service = self.deps.availability
        if isinstance(cmd, ParseError):
            _ephemeral(ack, _error_text(lang, cmd, "avail.status.usage"))
            return
        if isinstance(cmd, ShowStatus):
            _ephemeral(ack, service.show_status(actor.person_id, lang).text)
            return
        assert isinstance(cmd, SetStatus)
        reply = service.set_status(actor.person_id, cmd.status, cmd.until, lang)
        _ephemeral(ack, reply.text)
        if reply.ok:
            publish_home(self.deps, client, actor.slack_user_id)  # the Home tab shows the status

    def absence_command(self, ack: Ack, parsed: ParsedCommand, actor: Actor | None, lang: Lang,
                        command: dict[str, Any], client: WebClient) -> None:
        if actor is None:
            _ephemeral(ack, t(lang, "person.not_in_directory"))
            return
        cmd = parse_absence(parsed.args)
        service = self.deps.availability
        if isinstance(cmd, ParseError):
            _ephemeral(ack, _error_text(lang, cmd, "avail.absence.usage"))
        elif isinstance(cmd, ListAbsences):
            _ephemeral(ack, service.list_absences(actor.person_id, lang).text)
        elif isinstance(cmd, DeleteAbsence):
            _ephemeral(ack, service.delete_absence(actor.person_id, cmd.number, lang).text)
        else:
            _ephemeral(ack, service.add_absence(actor.person_id, cmd.period.start, cmd.period.end, lang).text)

    def substitute_command(self, ack: Ack, parsed: ParsedCommand, actor: Actor | None, lang: Lang,
                           command: dict[str, Any], client: WebClient) -> None:
        if actor is None:
            _ephemeral(ack, t(lang, "person.not_in_directory"))
            return
        # The raw text, not the split words: an escaped mention's name may hold spaces.
        cmd = parse_substitute(parsed.raw[len(parsed.word):])
        service = self.deps.availability
        if isinstance(cmd, ParseError):
            _ephemeral(ack, _error_text(lang, cmd, "avail.substitute.usage"))
            return
        if isinstance(cmd, ListSubstitutes):
            _ephemeral(ack, service.list_designations(actor.person_id, lang).text)
            return
        assert isinstance(cmd, DesignateSubstitute)
        refusal = service.may_designate(actor.person_id, lang)
        if refusal is not None:
            _ephemeral(ack, refusal.text)
            return
        _ephemeral(ack, self._designate(client, actor, lang, cmd.substitute_user, cmd.coordinator_user,
                                        cmd.period.start, cmd.period.end).text)

    def _designate(self, client: WebClient, actor: Actor, lang: Lang, substitute_user: str,
                   coordinator_user: str | None, start: date, end: date) -> Reply:
        """Resolve the Slack users to people, then designate (the service checks who may)."""
        substitute = identify(self.deps, client, substitute_user)
        if substitute is None:
            return Reply(False, t(lang, "avail.substitute.person_unknown", text=f"<@{substitute_user}>"))
        coordinator_id: int | None = None
        if coordinator_user is not None:
            coordinator = identify(self.deps, client, coordinator_user)
            if coordinator is None:
                return Reply(False, t(lang, "avail.substitute.person_unknown", text=f"<@{coordinator_user}>"))
            coordinator_id = coordinator.person_id
        return self.deps.availability.designate_substitute(
            actor.person_id, substitute.person_id, coordinator_id, start, end, lang)

    # ------------------------------------------------------------ listeners

    def register(self, app: App) -> None:
        deps = self.deps

        @app.action(AvailabilityAction.DESIGNATE_SUBSTITUTE.value)
        def on_designate(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
            ack()
            actor = identify(deps, client, body["user"]["id"])
            lang = language_for(actor)
            value = body["actions"][0].get("value") or ""
            if actor is None or not value.isdigit():
                tell(body, client, respond, t(lang, "avail.substitute.not_allowed"))
                return
            form = deps.availability.designation_form(actor.person_id, int(value), lang)
            if isinstance(form, Reply):
                tell(body, client, respond, form.text)
                return
            assert isinstance(form, DesignationForm)
            client.views_open(trigger_id=body["trigger_id"], view=designation_modal(lang, form))

        @app.view(SubstituteCallback.DESIGNATE.value)
        def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
            user_id = body["user"]["id"]
            actor = identify(deps, client, user_id)
            lang = language_for(actor)
            metadata = view.get("private_metadata") or ""
            if actor is None or not metadata.isdigit():
                ack(response_action="errors",
                    errors={SubstituteBlock.PERSON.value: t(lang, "avail.substitute.not_allowed")})
                return
            values = submitted_values(view["state"]["values"])
            required = t(lang, "form.error.required")
            missing = {block.value: required for block, v in values.items() if v is None}
            if missing:
                ack(response_action="errors", errors=missing)
                return
            start = parse_date(values[SubstituteBlock.START] or "")
            end = parse_date(values[SubstituteBlock.END] or "")
            if start is None or end is None:
                invalid = t(lang, "form.error.invalid")
                ack(response_action="errors", errors={
                    block.value: invalid for block, day in ((SubstituteBlock.START, start),
                                                            (SubstituteBlock.END, end)) if day is None})
                return
            substitute = identify(deps, client, values[SubstituteBlock.PERSON] or "")
            if substitute is None:
                ack(response_action="errors",
                    errors={SubstituteBlock.PERSON.value: t(lang, "avail.substitute.picked_unknown")})
                return
            reply = deps.availability.designate_substitute(
                actor.person_id, substitute.person_id, int(metadata), start, end, lang)
            if not reply.ok:
                ack(response_action="errors", errors={FIELD_BLOCKS[reply.field].value: reply.text})
                return
            ack()
            # The modal closes; the designator gets the confirmation by DM.
            client.chat_postMessage(channel=user_id, text=reply.text)
