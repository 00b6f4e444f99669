"""Slack edge for group supervision (memo 8.2.4): ``/ifn gruppe`` opens the
form for IFKs and IFRs; the announcement's buttons sign up, withdraw, cancel."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.commands import ParsedCommand, Subcommand
from bot.domain.language import Lang
from bot.forms import FormBlock, parse_group
from bot.i18n import t
from bot.services.group_sessions import GroupAction, GroupSessionService, NewSession
from bot.services.people import Actor
from handlers.commands import SubHandler
from handlers.deps import Deps
from handlers.identity import identify, language_for
from handlers.outcomes import say
from handlers.requests import RequestHandlers, _request_id, tell
from handlers.views.group_sessions import GroupCallback, group_modal


class GroupSessionHandlers:
    def __init__(self, deps: Deps, service: GroupSessionService) -> None:
        self.deps = deps
        self.service = service

    def _options(self, lang: Lang, actor: Actor) -> list[tuple[str, str]]:
        return [(str(p.person_id), RequestHandlers._supervisor_label(lang, p))
                for p in self.deps.directory_reader.supervisors() if p.person_id != actor.person_id]

    def subcommands(self) -> dict[Subcommand, SubHandler]:
        def open_form(ack: Ack, parsed: ParsedCommand, actor: Actor | None, lang: Lang,
                      command: dict[str, Any], client: WebClient) -> None:
            if actor is None:
                ack(response_type="ephemeral", text=t(lang, "req.notice.not_in_directory"))
                return
            if not self.service.may_organise(actor.person_id):
                ack(response_type="ephemeral", text=t(lang, "group.notice.wrong_role"))
                return
            ack()
            today = self.deps.clock.now().astimezone(self.deps.settings.tz).date()
            channel = self.deps.settings.ifn_network_channel
            view = group_modal(lang, today, self._options(lang, actor), channel)
            client.views_open(trigger_id=command["trigger_id"], view=view)

        return {Subcommand.GROUP: open_form}

    def register(self, app: App) -> None:
        deps, service = self.deps, self.service

        @app.view(GroupCallback.CREATE.value)
        def on_create(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
            actor = identify(deps, client, body["user"]["id"])
            lang = language_for(actor)
            if actor is None:
                ack(response_action="errors",
                    errors={FormBlock.GROUP_TITLE.value: t(lang, "req.notice.not_in_directory")})
                return
            now_local = deps.clock.now().astimezone(deps.settings.tz)
            allowed = [pid for pid, _ in self._options(lang, actor)]
            form = parse_group(view["state"]["values"], lang, now_local, allowed)
            if isinstance(form, dict):
                ack(response_action="errors", errors=form)
                return
            co = int(form.group_co_organiser) if form.group_co_organiser else None
            kind = "training" if view.get("private_metadata") == "training" else "group"
            new = NewSession(form.group_title, form.starts_at, form.group_place, form.group_capacity, co,
                             kind)
            result = service.create(actor.person_id, new, idempotency_key=f"view:{view['id']}")
            if not result.ok:
                text = say(self.deps, lang, result)
                ack(response_action="errors", errors={FormBlock.GROUP_TITLE.value: text})
                return
            ack()

        def on_click(method_name: str):
            def handle(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
                ack()
                actor = identify(deps, client, body["user"]["id"])
                lang = language_for(actor)
                sid = _request_id(body["actions"][0].get("value"))
                if actor is None or sid is None:
                    tell(body, client, respond, t(lang, "req.notice.not_in_directory"))
                    return
                result = getattr(service, method_name)(sid, actor.person_id)
                if result.message_key:
                    tell(body, client, respond, say(self.deps, lang, result))
            return handle

        app.action(GroupAction.SIGN_UP.value)(on_click("sign_up"))
        app.action(GroupAction.WITHDRAW.value)(on_click("withdraw"))
        app.action(GroupAction.CANCEL.value)(on_click("cancel"))
