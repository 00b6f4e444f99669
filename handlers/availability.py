"""Slack edge for availability: ``/ifn status``, ``/ifn fravær``,
``/ifn stedfortreder``, and the designation modal behind the daily reminder.

Thin by design: parse what the user typed (``bot.dates``), resolve Slack user
ids to people, call the availability service, answer. Who may designate is
decided by the service from the acting user; the reminder button's value (a
person id) only says whom the form is about.
"""

from __future__ import annotations

from datetime import date

from slack_bolt import App

from bot.commands import Subcommand
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
    tokens,
)
from bot.domain.language import Lang
from bot.i18n import t
from bot.messages.availability import AvailabilityAction
from bot.services.availability import AvailabilityService, DesignationForm
from bot.services.availability import Reply as ServiceReply
from bot.services.people import Actor
from handlers.commands import Sub
from handlers.prelude import Click, Command, Edge, FieldErrors, Reply, Submission, parse_id
from handlers.views.availability import (
    FIELD_BLOCKS,
    SubstituteBlock,
    SubstituteCallback,
    designation_modal,
    submitted_values,
)


def _error_text(lang: Lang, error: ParseError, usage_key: str) -> str:
    text = t(lang, error.key, **error.params)
    return text if error.key == usage_key else f"{text}\n{t(lang, usage_key)}"


class AvailabilityHandlers:
    def __init__(self, edge: Edge, availability: AvailabilityService) -> None:
        self.edge = edge
        self.availability = availability

    # ------------------------------------------------------------- commands

    def subcommands(self) -> dict[Subcommand, Sub]:
        return {
            Subcommand.STATUS: Sub(self.status_command),
            Subcommand.ABSENCE: Sub(self.absence_command),
            Subcommand.SUBSTITUTE: Sub(self.substitute_command),
        }

    def status_command(self, cmd: Command) -> Reply:
        assert cmd.actor is not None
        parsed, lang, service = parse_status(cmd.parsed.args), cmd.lang, self.availability
        if isinstance(parsed, ParseError):
            return Reply(_error_text(lang, parsed, "avail.status.usage"))
        if isinstance(parsed, ShowStatus):
            return Reply(service.show_status(cmd.actor.person_id, lang).text)
        assert isinstance(parsed, SetStatus)
        reply = service.set_status(cmd.actor.person_id, parsed.status, parsed.until, lang)
        return Reply(reply.text, home=reply.ok)  # the Home tab shows the status

    def absence_command(self, cmd: Command) -> Reply:
        assert cmd.actor is not None
        # The raw text, not the split words: an escaped mention's name may hold spaces.
        parsed = parse_absence(tokens(cmd.parsed.raw[len(cmd.parsed.word):]))
        lang, service = cmd.lang, self.availability
        me = cmd.actor.person_id
        if isinstance(parsed, ParseError):
            return Reply(_error_text(lang, parsed, "avail.absence.usage"))
        if isinstance(parsed, ListAbsences):
            return Reply(service.list_absences(me, lang).text)
        if isinstance(parsed, DeleteAbsence):
            return Reply(service.delete_absence(me, parsed.number, lang).text)
        if parsed.for_user is not None:  # a leader registers the absence of their area's IFK
            other = self.edge.identify(parsed.for_user)
            if other is None:
                return Reply(t(lang, "avail.substitute.person_unknown", text=f"<@{parsed.for_user}>"))
            if other.person_id != me:
                return Reply(service.add_absence_for(me, other.person_id, parsed.period.start,
                                                     parsed.period.end, lang).text)
        return Reply(service.add_absence(me, parsed.period.start, parsed.period.end, lang).text)

    def substitute_command(self, cmd: Command) -> Reply:
        assert cmd.actor is not None
        lang, service = cmd.lang, self.availability
        # The raw text, not the split words: an escaped mention's name may hold spaces.
        parsed = parse_substitute(cmd.parsed.raw[len(cmd.parsed.word):])
        if isinstance(parsed, ParseError):
            return Reply(_error_text(lang, parsed, "avail.substitute.usage"))
        if isinstance(parsed, ListSubstitutes):
            return Reply(service.list_designations(cmd.actor.person_id, lang).text)
        assert isinstance(parsed, DesignateSubstitute)
        refusal = service.may_designate(cmd.actor.person_id, lang)
        if refusal is not None:
            return Reply(refusal.text)
        return Reply(self._designate(cmd.actor, lang, parsed.substitute_user, parsed.coordinator_user,
                                     parsed.period.start, parsed.period.end).text)

    def _designate(self, actor: Actor, lang: Lang, substitute_user: str, coordinator_user: str | None,
                   start: date, end: date) -> ServiceReply:
        """Resolve the Slack users to people, then designate (the service checks who may)."""
        substitute = self.edge.identify(substitute_user)
        if substitute is None:
            return ServiceReply(False, t(lang, "avail.substitute.person_unknown",
                                         text=f"<@{substitute_user}>"))
        coordinator_id: int | None = None
        if coordinator_user is not None:
            coordinator = self.edge.identify(coordinator_user)
            if coordinator is None:
                return ServiceReply(False, t(lang, "avail.substitute.person_unknown",
                                             text=f"<@{coordinator_user}>"))
            coordinator_id = coordinator.person_id
        return self.availability.designate_substitute(
            actor.person_id, substitute.person_id, coordinator_id, start, end, lang)

    # ------------------------------------------------------------ listeners

    def register(self, app: App) -> None:
        app.action(AvailabilityAction.DESIGNATE_SUBSTITUTE.value)(self.edge.click(self._open_designation))
        app.view(SubstituteCallback.DESIGNATE.value)(
            self.edge.submission(self._submit_designation, SubstituteBlock.PERSON.value))

    def _open_designation(self, click: Click) -> Reply:
        coordinator = parse_id(click.value)
        if coordinator is None:
            return Reply(t(click.lang, "avail.substitute.not_allowed"))
        form = self.availability.designation_form(click.actor.person_id, coordinator, click.lang)
        if isinstance(form, ServiceReply):
            return Reply(form.text)
        assert isinstance(form, DesignationForm)
        return Reply(view=designation_modal(click.lang, form))

    def _submit_designation(self, sub: Submission) -> Reply | FieldErrors:
        lang = sub.lang
        coordinator = parse_id(sub.metadata)
        if coordinator is None:
            return FieldErrors({SubstituteBlock.PERSON.value: t(lang, "avail.substitute.not_allowed")})
        values = submitted_values(sub.values)
        required = t(lang, "form.error.required")
        missing = {block.value: required for block, v in values.items() if v is None}
        if missing:
            return FieldErrors(missing)
        start = parse_date(values[SubstituteBlock.START] or "")
        end = parse_date(values[SubstituteBlock.END] or "")
        if start is None or end is None:
            invalid = t(lang, "form.error.invalid")
            return FieldErrors({block.value: invalid for block, day in ((SubstituteBlock.START, start),
                                                                         (SubstituteBlock.END, end))
                                if day is None})
        substitute = self.edge.identify(values[SubstituteBlock.PERSON] or "")
        if substitute is None:
            return FieldErrors({SubstituteBlock.PERSON.value: t(lang, "avail.substitute.picked_unknown")})
        reply = self.availability.designate_substitute(sub.actor.person_id, substitute.person_id, coordinator,
                                                       start, end, lang,
                                                       idempotency_key=f"view:{sub.view_id}")
        if not reply.ok:
            return FieldErrors({FIELD_BLOCKS[reply.field].value: reply.text})
        return Reply(reply.text or None)  # the modal closes; the designator gets the confirmation by DM
