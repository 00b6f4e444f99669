"""Slack edge for confidential support conversations (memo 8.3, SPEC §7):
``/ifn støtte`` opens the form; the request service routes it (chosen person
first, then the other IFKs/BFK/IFRs, never the requester's own leaders) and
everything afterwards happens in direct messages."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.commands import ParsedCommand, Subcommand
from bot.domain.language import Lang
from bot.domain.requests import RequestType
from bot.forms import FormBlock, SupportForm, parse_support
from bot.i18n import t
from bot.messages.actions import RequestAction
from bot.services.people import Actor
from bot.services.requests import NewRequest
from bot.services.world import own_leaders
from handlers.commands import SubHandler
from handlers.deps import Deps
from handlers.home import from_home_tab, publish_home
from handlers.identity import identify, language_for
from handlers.outcomes import say
from handlers.requests import RequestHandlers, _request_id, tell
from handlers.views.support import SupportCallback, support_modal


class SupportHandlers:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def _options(self, lang: Lang, actor: Actor) -> list[tuple[str, str]]:
        excluded = own_leaders(self.deps.directory_cache.view(), actor.person_id,
                               self.deps.calendar.local_date(self.deps.clock.now()))
        return [(str(p.person_id), RequestHandlers._supervisor_label(lang, p))
                for p in self.deps.directory_reader.supervisors()
                if p.person_id != actor.person_id and p.person_id not in excluded]

    def subcommands(self) -> dict[Subcommand, SubHandler]:
        def open_form(ack: Ack, parsed: ParsedCommand, actor: Actor | None, lang: Lang,
                      command: dict[str, Any], client: WebClient) -> None:
            if actor is None:
                ack(response_type="ephemeral", text=t(lang, "req.notice.not_in_directory"))
                return
            ack()
            view = support_modal(actor.lang, self._options(actor.lang, actor),
                                 self.deps.settings.ifn_support_retention_days)
            client.views_open(trigger_id=command["trigger_id"], view=view)

        return {Subcommand.SUPPORT: open_form}

    def register(self, app: App) -> None:
        deps = self.deps

        @app.view(SupportCallback.REQUEST.value)
        def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
            actor = identify(deps, client, body["user"]["id"])
            if actor is None:
                ack(response_action="errors",
                    errors={FormBlock.URGENCY.value: t(None, "req.notice.not_in_directory")})
                return
            allowed = {pid: label for pid, label in self._options(actor.lang, actor)}
            form = parse_support(view["state"]["values"], actor.lang, list(allowed))
            if isinstance(form, dict):
                ack(response_action="errors", errors=form)
                return
            deps.requests.submit(actor.person_id, self._new_request(actor, form),
                                 idempotency_key=f"view:{view['id']}")
            ack()

        @app.action(RequestAction.REFER_EXTERNAL.value)
        def on_refer(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
            ack()
            actor = identify(deps, client, body["user"]["id"])
            lang = language_for(actor)
            rid = _request_id(body["actions"][0].get("value"))
            result = deps.requests.refer_external(rid or 0, actor.person_id if actor else 0)
            if not result.ok:
                tell(body, client, respond, say(self.deps, lang, result))
            elif from_home_tab(body):
                publish_home(deps, client, body["user"]["id"])

    def _new_request(self, actor: Actor, form: SupportForm) -> NewRequest:
        areas = self.deps.directory_reader.areas()
        # The request row needs an area (monthly counts); advisers without one count under the first.
        area = actor.area if actor.area in areas else areas[0]
        details = form.details()
        preferred: int | None = None
        if form.preferred_person:
            preferred = int(form.preferred_person)
            names = {p.person_id: p.name for p in self.deps.directory_reader.supervisors()}
            details["preferred_name"] = names.get(preferred)
        return NewRequest(RequestType.SUPPORT, area, False, form.note, details, preferred)
