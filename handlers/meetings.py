"""Slack edge for network meetings and minutes: ``/ifn møte``, ``/ifn referat``,
the **Skriv referat** button and their modals. Thin: parse, call the meeting
or minutes service (which decides who may do what), answer."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.commands import ParsedCommand, Subcommand
from bot.domain.language import Lang
from bot.i18n import t
from bot.pii import find_national_id
from bot.recurrence import Freq, Rule, nth_of
from bot.services.meetings import MINUTES_WRITE_ACTION, MeetingForm
from bot.services.minutes import MinutesForm
from bot.services.people import Actor
from handlers.commands import SubHandler
from handlers.deps import Deps
from handlers.identity import identify, language_for
from handlers.requests import tell
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


def _ephemeral(ack: Ack, text: str) -> None:
    ack(response_type="ephemeral", text=text)


def _has_pii(text: str | None) -> bool:
    return bool(text) and find_national_id(text or "") is not None


def _url_ok(text: str | None) -> bool:
    return not text or text.startswith(("https://", "http://"))


class MeetingHandlers:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def subcommands(self) -> dict[Subcommand, SubHandler]:
        return {Subcommand.MEETING: self.meeting_command, Subcommand.MINUTES: self.minutes_command}

    # ------------------------------------------------------------------ commands

    def meeting_command(self, ack: Ack, parsed: ParsedCommand, actor: Actor | None, lang: Lang,
                        command: dict[str, Any], client: WebClient) -> None:
        if actor is None:
            _ephemeral(ack, t(lang, "person.not_in_directory"))
            return
        meetings = self.deps.meetings
        args = [a.lower() for a in parsed.args]
        if not args:
            _ephemeral(ack, meetings.upcoming(lang) + "\n" + t(lang, "mtg.usage"))
            return
        if args[0] in NEW_WORDS:
            if not meetings.may_organise(actor.person_id):
                _ephemeral(ack, t(lang, "mtg.not_allowed"))
                return
            ack()
            today = self.deps.calendar.local_date(self.deps.clock.now())
            client.views_open(trigger_id=command["trigger_id"],
                              view=meeting_modal(lang, meetings.network_members(), today))
            return
        if args[0] in EDIT_WORDS and len(args) == 2 and args[1].lstrip("#").isdigit():
            form = meetings.edit_form(actor.person_id, int(args[1].lstrip("#")), lang)
            if not isinstance(form, MeetingForm):
                _ephemeral(ack, form.text)
                return
            ack()
            today = self.deps.calendar.local_date(self.deps.clock.now())
            client.views_open(trigger_id=command["trigger_id"],
                              view=meeting_modal(lang, meetings.network_members(), today, form,
                                                 int(args[1].lstrip("#"))))
            return
        if args[0] in CANCEL_WORDS | CANCEL_SERIES_WORDS and len(args) == 2 and args[1].lstrip("#").isdigit():
            number = int(args[1].lstrip("#"))
            reply = (meetings.cancel_occurrence(actor.person_id, number, lang) if args[0] in CANCEL_WORDS
                     else meetings.cancel_series(actor.person_id, number, lang))
            _ephemeral(ack, reply.text)
            return
        _ephemeral(ack, t(lang, "mtg.usage"))

    def minutes_command(self, ack: Ack, parsed: ParsedCommand, actor: Actor | None, lang: Lang,
                        command: dict[str, Any], client: WebClient) -> None:
        if actor is None:
            _ephemeral(ack, t(lang, "person.not_in_directory"))
            return
        minutes = self.deps.minutes
        args = list(parsed.args)
        if not args:
            _ephemeral(ack, minutes.listing(lang) + "\n" + t(lang, "min.usage"))
            return
        word = args[0].lower()
        if word in SEARCH_WORDS and len(args) > 1:
            _ephemeral(ack, minutes.listing(lang, " ".join(args[1:])))
            return
        if word in PLAN_WORDS:
            if not self.deps.meetings.may_organise(actor.person_id):
                _ephemeral(ack, t(lang, "mtg.not_allowed"))
                return
            ack()
            client.views_open(trigger_id=command["trigger_id"], view=plan_modal(lang))
            return
        _ephemeral(ack, t(lang, "min.usage"))

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
        today = self.deps.calendar.local_date(self.deps.clock.now())
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
        deps = self.deps

        @app.view(MeetingCallback.CREATE.value)
        def on_create(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
            user_id = body["user"]["id"]
            actor = identify(deps, client, user_id)
            lang = language_for(actor)
            if actor is None:
                ack(response_action="errors", errors={MeetingBlock.TITLE.value: t(lang, "mtg.not_allowed")})
                return
            form = self._meeting_form(values(view["state"]["values"]), lang,
                                      editing=(view.get("private_metadata") or "").isdigit())
            if isinstance(form, dict):
                ack(response_action="errors", errors=form)
                return
            metadata = view.get("private_metadata") or ""
            if metadata.isdigit():
                reply = deps.meetings.update(actor.person_id, int(metadata), form, lang)
            else:
                reply = deps.meetings.create(actor.person_id, form, lang)
            if not reply.ok:
                ack(response_action="errors", errors={MeetingBlock.TITLE.value: reply.text})
                return
            ack()
            client.chat_postMessage(channel=user_id, text=reply.text)

        @app.action(MINUTES_WRITE_ACTION)
        def on_write(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
            ack()
            actor = identify(deps, client, body["user"]["id"])
            lang = language_for(actor)
            value = body["actions"][0].get("value") or ""
            if actor is None or not value.isdigit():
                tell(body, client, respond, t(lang, "min.not_taker"))
                return
            form = deps.minutes.form(actor.person_id, int(value), lang)
            if not isinstance(form, MinutesForm):
                tell(body, client, respond, form.text)
                return
            client.views_open(trigger_id=body["trigger_id"],
                              view=minutes_modal(lang, form.occurrence_id, form.title))

        @app.view(MeetingCallback.MINUTES.value)
        def on_minutes(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
            user_id = body["user"]["id"]
            actor = identify(deps, client, user_id)
            lang = language_for(actor)
            metadata = view.get("private_metadata") or ""
            got = values(view["state"]["values"])
            decisions = got.get(MinutesBlock.DECISIONS) or ""
            actions = got.get(MinutesBlock.ACTIONS) or ""
            notes = got.get(MinutesBlock.NOTES) or ""
            if actor is None or not metadata.isdigit():
                ack(response_action="errors", errors={MinutesBlock.DECISIONS.value: t(lang, "min.not_taker")})
                return
            pii = {block.value: t(lang, "form.error.pii") for block, text in
                   ((MinutesBlock.DECISIONS, decisions), (MinutesBlock.ACTIONS, actions),
                    (MinutesBlock.NOTES, notes)) if _has_pii(text)}
            if pii:
                ack(response_action="errors", errors=pii)
                return
            reply = deps.minutes.submit(actor.person_id, int(metadata), decisions, actions, notes, lang)
            if not reply.ok:
                ack(response_action="errors", errors={MinutesBlock.DECISIONS.value: reply.text})
                return
            ack()
            client.chat_postMessage(channel=user_id, text=reply.text)

        @app.view(MeetingCallback.PLAN.value)
        def on_plan(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
            user_id = body["user"]["id"]
            actor = identify(deps, client, user_id)
            lang = language_for(actor)
            got = values(view["state"]["values"])
            title = (got.get(MinutesBlock.PLAN_TITLE) or "").strip()
            text = (got.get(MinutesBlock.PLAN_BODY) or "").strip()
            if actor is None:
                ack(response_action="errors",
                    errors={MinutesBlock.PLAN_TITLE.value: t(lang, "mtg.not_allowed")})
                return
            pii = {block.value: t(lang, "form.error.pii") for block, value in
                   ((MinutesBlock.PLAN_TITLE, title), (MinutesBlock.PLAN_BODY, text)) if _has_pii(value)}
            if pii:
                ack(response_action="errors", errors=pii)
                return
            reply = deps.minutes.submit_plan(actor.person_id, title, text, lang)
            if not reply.ok:
                ack(response_action="errors", errors={MinutesBlock.PLAN_TITLE.value: reply.text})
                return
            ack()
            client.chat_postMessage(channel=user_id, text=reply.text)
