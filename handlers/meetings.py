"""Slack edge for network meetings and minutes: ``/ifn møte``, ``/ifn referat``,
the **Skriv referat** button and their modals. Thin: parse, call the meeting
or minutes service (which decides who may do what), answer."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from slack_bolt import App

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.commands import Subcommand
from bot.domain.language import Lang
from bot.i18n import t
from bot.pii import find_national_id
from bot.recurrence import Freq, Rule, nth_of
from bot.services.meetings import MINUTES_WRITE_ACTION, MeetingForm, MeetingService
from bot.services.minutes import MinutesForm, MinutesService
from handlers.commands import Sub
from handlers.prelude import Click, Command, Edge, FieldErrors, Reply, Submission, parse_id
from handlers.views.meetings import (
    MeetingBlock,
    MeetingCallback,
    MinutesBlock,
    meeting_modal,
    minutes_modal,
    plan_modal,
    values,
)

NEW_WORDS = {"ny", "new", "opprett", "create"}
EDIT_WORDS = {"endre", "edit"}
CANCEL_WORDS = {"avlys", "cancel"}
CANCEL_SERIES_WORDS = {"avlys-serie", "cancel-series"}
SEARCH_WORDS = {"søk", "sok", "search"}
PLAN_WORDS = {"plan"}


def _has_pii(text: str | None) -> bool:
    return bool(text) and find_national_id(text or "") is not None


def _url_ok(text: str | None) -> bool:
    return not text or text.startswith(("https://", "http://"))


class MeetingHandlers:
    def __init__(self, edge: Edge, meetings: MeetingService, minutes: MinutesService,
                 calendar: WorkingCalendar) -> None:
        self.edge = edge
        self.meetings = meetings
        self.minutes = minutes
        self.calendar = calendar

    @property
    def _clock(self) -> Clock:
        return self.edge.clock

    def subcommands(self) -> dict[Subcommand, Sub]:
        return {Subcommand.MEETING: Sub(self.meeting_command), Subcommand.MINUTES: Sub(self.minutes_command)}

    # ------------------------------------------------------------------ commands

    def meeting_command(self, cmd: Command) -> Reply:
        assert cmd.actor is not None
        lang, meetings, me = cmd.lang, self.meetings, cmd.actor.person_id
        args = [a.lower() for a in cmd.parsed.args]
        number = parse_id(args[1]) if len(args) == 2 else None
        if not args:
            return Reply(meetings.upcoming(lang) + "\n" + t(lang, "mtg.usage"))
        today = self.calendar.local_date(self._clock.now())
        if args[0] in NEW_WORDS:
            if not meetings.may_organise(me):
                return Reply(t(lang, "mtg.not_allowed"))
            return Reply(view=meeting_modal(lang, meetings.network_members(), today))
        if args[0] in EDIT_WORDS and number is not None:
            form = meetings.edit_form(me, number, lang)
            if not isinstance(form, MeetingForm):
                return Reply(form.text)
            return Reply(view=meeting_modal(lang, meetings.network_members(), today, form, number))
        if args[0] in CANCEL_WORDS | CANCEL_SERIES_WORDS and number is not None:
            reply = (meetings.cancel_occurrence(me, number, lang) if args[0] in CANCEL_WORDS
                     else meetings.cancel_series(me, number, lang))
            return Reply(reply.text)
        return Reply(t(lang, "mtg.usage"))

    def minutes_command(self, cmd: Command) -> Reply:
        assert cmd.actor is not None
        lang, args = cmd.lang, list(cmd.parsed.args)
        if not args:
            return Reply(self.minutes.listing(lang) + "\n" + t(lang, "min.usage"))
        word = args[0].lower()
        if word in SEARCH_WORDS and len(args) > 1:
            return Reply(self.minutes.listing(lang, " ".join(args[1:])))
        if word in PLAN_WORDS:
            if not self.meetings.may_organise(cmd.actor.person_id):
                return Reply(t(lang, "mtg.not_allowed"))
            return Reply(view=plan_modal(lang))
        return Reply(t(lang, "min.usage"))

    # ------------------------------------------------------------------ form parsing

    def _meeting_form(self, got: dict[str, Any], lang: Lang,
                      editing: bool = False) -> MeetingForm | dict[str, str]:
        errors: dict[str, str] = {}
        title = (got.get(MeetingBlock.TITLE) or "").strip()
        if not title:
            errors[MeetingBlock.TITLE] = t(lang, "mtg.form.title_missing")
        try:
            first = date.fromisoformat(got.get(MeetingBlock.FIRST) or "")
        except ValueError:
            first = None
            errors[MeetingBlock.FIRST] = t(lang, "form.error.required")
        today = self.calendar.local_date(self._clock.now())
        if first is not None and first < today and not editing:
            errors[MeetingBlock.FIRST] = t(lang, "mtg.form.bad_date")
        try:
            at = time.fromisoformat(got.get(MeetingBlock.TIME) or "")
        except ValueError:
            at = None
            errors[MeetingBlock.TIME] = t(lang, "form.error.required")
        location = (got.get(MeetingBlock.LOCATION) or "").strip() or None
        agenda = (got.get(MeetingBlock.AGENDA) or "").strip() or None
        if not _url_ok(agenda):
            errors[MeetingBlock.AGENDA] = t(lang, "mtg.form.bad_url")
        for block, text in ((MeetingBlock.TITLE, title), (MeetingBlock.LOCATION, location or ""),
                            (MeetingBlock.AGENDA, agenda or "")):
            if _has_pii(text):
                errors[block] = t(lang, "form.error.pii")
        if errors or first is None or at is None:
            return {str(k): v for k, v in errors.items()}
        freq = Freq(got.get(MeetingBlock.FREQ) or Freq.WEEKLY.value)
        rule = Rule(freq, nth_of(first) if freq is Freq.MONTHLY else None)
        takers = [int(v) for v in got.get(MeetingBlock.TAKERS) or [] if str(v).isdigit()]
        return MeetingForm(title=title, rule=rule, first=first, at=at, location=location, agenda_url=agenda,
                           minute_takers=takers)

    # ------------------------------------------------------------------ listeners

    def register(self, app: App) -> None:
        edge = self.edge
        app.view(MeetingCallback.CREATE.value)(edge.submission(self._submit_meeting,
                                                               MeetingBlock.TITLE.value))
        app.action(MINUTES_WRITE_ACTION)(edge.click(self._write))
        app.view(MeetingCallback.MINUTES.value)(edge.submission(self._submit_minutes,
                                                                MinutesBlock.DECISIONS.value))
        app.view(MeetingCallback.PLAN.value)(edge.submission(self._submit_plan,
                                                             MinutesBlock.PLAN_TITLE.value))

    def _submit_meeting(self, sub: Submission) -> Reply | FieldErrors:
        meeting_id = parse_id(sub.metadata)
        form = self._meeting_form(values(sub.values), sub.lang, editing=meeting_id is not None)
        if isinstance(form, dict):
            return FieldErrors(form)
        key = f"view:{sub.view_id}"
        if meeting_id is not None:
            reply = self.meetings.update(sub.actor.person_id, meeting_id, form, sub.lang, idempotency_key=key)
        else:
            reply = self.meetings.create(sub.actor.person_id, form, sub.lang, idempotency_key=key)
        if not reply.ok:
            return FieldErrors({MeetingBlock.TITLE.value: reply.text})
        return Reply(reply.text or None)

    def _write(self, click: Click) -> Reply:
        occurrence = parse_id(click.value)
        if occurrence is None:
            return Reply(t(click.lang, "min.not_taker"))
        form = self.minutes.form(click.actor.person_id, occurrence, click.lang)
        if not isinstance(form, MinutesForm):
            return Reply(form.text)
        return Reply(view=minutes_modal(click.lang, form.occurrence_id, form.title))

    def _submit_minutes(self, sub: Submission) -> Reply | FieldErrors:
        lang, occurrence = sub.lang, parse_id(sub.metadata)
        got = values(sub.values)
        decisions = got.get(MinutesBlock.DECISIONS) or ""
        actions = got.get(MinutesBlock.ACTIONS) or ""
        notes = got.get(MinutesBlock.NOTES) or ""
        if occurrence is None:
            return FieldErrors({MinutesBlock.DECISIONS.value: t(lang, "min.not_taker")})
        pii = {block.value: t(lang, "form.error.pii") for block, text in
               ((MinutesBlock.DECISIONS, decisions), (MinutesBlock.ACTIONS, actions),
                (MinutesBlock.NOTES, notes)) if _has_pii(text)}
        if pii:
            return FieldErrors(pii)
        reply = self.minutes.submit(sub.actor.person_id, occurrence, decisions, actions, notes, lang,
                                    idempotency_key=f"view:{sub.view_id}")
        if not reply.ok:
            return FieldErrors({MinutesBlock.DECISIONS.value: reply.text})
        return Reply(reply.text or None)

    def _submit_plan(self, sub: Submission) -> Reply | FieldErrors:
        lang, got = sub.lang, values(sub.values)
        title = (got.get(MinutesBlock.PLAN_TITLE) or "").strip()
        text = (got.get(MinutesBlock.PLAN_BODY) or "").strip()
        pii = {block.value: t(lang, "form.error.pii") for block, value in
               ((MinutesBlock.PLAN_TITLE, title), (MinutesBlock.PLAN_BODY, text)) if _has_pii(value)}
        if pii:
            return FieldErrors(pii)
        reply = self.minutes.submit_plan(sub.actor.person_id, title, text, lang,
                                         idempotency_key=f"view:{sub.view_id}")
        if not reply.ok:
            return FieldErrors({MinutesBlock.PLAN_TITLE.value: reply.text})
        return Reply(reply.text or None)
