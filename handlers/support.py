"""Slack edge for confidential support conversations (memo 8.3, SPEC §7):
``/ifn støtte`` opens the form; the request service routes it (chosen person
first, then the other IFKs/BFK/IFRs, never the requester's own leaders) and
everything afterwards happens in direct messages."""

from __future__ import annotations

from slack_bolt import App

from bot.calendar import WorkingCalendar
from bot.commands import Subcommand
from bot.domain.language import Lang
from bot.domain.requests import RequestType
from bot.forms import FormBlock, SupportForm, parse_support
from bot.messages.actions import RequestAction
from bot.services.directory_cache import DirectoryCache
from bot.services.people import Actor, DirectoryReader
from bot.services.requests import NewRequest, RequestService
from bot.services.world import own_leaders
from handlers.commands import Sub
from handlers.prelude import NOTHING, Click, Command, Edge, FieldErrors, Reply, Submission
from handlers.requests import supervisor_label
from handlers.views.support import SupportCallback, support_modal


class SupportHandlers:
    def __init__(self, edge: Edge, requests: RequestService, directory: DirectoryReader,
                 cache: DirectoryCache, calendar: WorkingCalendar, retention_days: int) -> None:
        self.edge = edge
        self.requests = requests
        self.directory = directory
        self.cache = cache
        self.calendar = calendar
        self.retention_days = retention_days

    def _options(self, lang: Lang, actor: Actor) -> list[tuple[str, str]]:
        excluded = own_leaders(self.cache.view(), actor.person_id, self.calendar.local_date(self.edge.now()))
        return [(str(p.person_id), supervisor_label(lang, p)) for p in self.directory.supervisors()
                if p.person_id != actor.person_id and p.person_id not in excluded]

    def subcommands(self) -> dict[Subcommand, Sub]:
        def open_form(cmd: Command) -> Reply:
            assert cmd.actor is not None
            lang = cmd.actor.lang
            return Reply(view=support_modal(lang, self._options(lang, cmd.actor), self.retention_days))

        return {Subcommand.SUPPORT: Sub(open_form)}

    def register(self, app: App) -> None:
        app.view(SupportCallback.REQUEST.value)(self.edge.submission(self._submit, FormBlock.URGENCY.value))
        app.action(RequestAction.REFER_EXTERNAL.value)(self.edge.click(self._refer))

    def _submit(self, sub: Submission) -> Reply | FieldErrors:
        allowed = {pid: label for pid, label in self._options(sub.lang, sub.actor)}
        form = parse_support(sub.values, sub.lang, list(allowed))
        if isinstance(form, dict):
            return FieldErrors(form)
        self.requests.submit(sub.actor.person_id, self._new_request(sub.actor, form),
                             idempotency_key=f"view:{sub.view_id}")
        return NOTHING

    def _refer(self, click: Click) -> Reply:
        result = self.requests.refer_external(click.number or 0, click.actor.person_id)
        return NOTHING if result.ok else Reply(self.edge.words(click.lang, result))

    def _new_request(self, actor: Actor, form: SupportForm) -> NewRequest:
        areas = self.directory.areas()
        # The request row needs an area (monthly counts); advisers without one count under the first.
        area = actor.area if actor.area in areas else areas[0]
        details = form.details()
        preferred: int | None = None
        if form.preferred_person:
            preferred = int(form.preferred_person)
            names = {p.person_id: p.name for p in self.directory.supervisors()}
            details["preferred_name"] = names.get(preferred)
        return NewRequest(RequestType.SUPPORT, area, False, form.note, details, preferred)
