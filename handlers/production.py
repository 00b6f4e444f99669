"""Slack edge for the production goal: ``/ifn produksjon``, the Friday
reminder's buttons, the exemption modal and the leader's Godkjenn/Avslå.

Thin: parse, call ``ProductionService`` (which decides who may do what from
the directory), answer. Button values carry only a week or an exemption id."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.commands import ParsedCommand, Subcommand
from bot.dates import parse_date
from bot.domain.language import Lang
from bot.i18n import t
from bot.messages.production import (
    REASON_ACTION,
    ProductionAction,
    ProductionBlock,
    ProductionCallback,
    exemption_modal,
)
from bot.services.people import Actor
from bot.services.production import iso_week, week_monday, week_text
from handlers.commands import SubHandler
from handlers.deps import Deps
from handlers.home import publish_home
from handlers.identity import identify, language_for
from handlers.requests import tell

WEEK = re.compile(r"^\d{4}-W\d{2}$")

KIND_WORDS = {"intervju": "interview", "interview": "interview", "vedtak": "decision", "decision": "decision"}


def _ephemeral(ack: Ack, text: str) -> None:
    ack(response_type="ephemeral", text=text)


class ProductionHandlers:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def subcommands(self) -> dict[Subcommand, SubHandler]:
        return {Subcommand.PRODUCTION: self.production_command}

    def production_command(self, ack: Ack, parsed: ParsedCommand, actor: Actor | None, lang: Lang,
                           command: dict[str, Any], client: WebClient) -> None:
        if actor is None:
            _ephemeral(ack, t(lang, "person.not_in_directory"))
            return
        service = self.deps.production
        args = list(parsed.args)
        if not args:
            _ephemeral(ack, service.status_text(actor.person_id, lang).text)
            return
        if not service.is_coordinator(actor.person_id):
            _ephemeral(ack, t(lang, "prod.not_allowed"))
            return
        kind = KIND_WORDS.get(args[0].lower())
        if kind is None or len(args) > 2:
            _ephemeral(ack, t(lang, "prod.bad_kind", text=" ".join(args)) + "\n" + t(lang, "prod.usage"))
            return
        day = None
        if len(args) == 2:
            day = parse_date(args[1])
            if day is None:
                _ephemeral(ack, t(lang, "prod.bad_date", text=args[1]) + "\n" + t(lang, "prod.usage"))
                return
        reply = service.log(actor.person_id, kind, day, lang)
        _ephemeral(ack, reply.text)
        if reply.ok:
            publish_home(self.deps, client, actor.slack_user_id)

    def register(self, app: App) -> None:
        deps = self.deps

        def _log(kind: str):
            def on_log(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
                ack()
                actor = identify(deps, client, body["user"]["id"])
                lang = language_for(actor)
                week = body["actions"][0].get("value") or ""
                if actor is None or not WEEK.match(week):
                    tell(body, client, respond, t(lang, "prod.not_allowed"))
                    return
                today = deps.production.today()
                day = today if iso_week(today) == week else min(week_monday(week) + timedelta(days=4), today)
                reply = deps.production.log(actor.person_id, kind, day, lang, once_per_week=True)
                tell(body, client, respond, reply.text)
                if reply.ok:
                    publish_home(deps, client, actor.slack_user_id)
            return on_log

        app.action(ProductionAction.LOG_INTERVIEW.value)(_log("interview"))
        app.action(ProductionAction.LOG_DECISION.value)(_log("decision"))

        @app.action(ProductionAction.REQUEST_EXEMPTION.value)
        def on_request(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
            ack()
            actor = identify(deps, client, body["user"]["id"])
            lang = language_for(actor)
            week = body["actions"][0].get("value") or ""
            if actor is None or not WEEK.match(week):
                tell(body, client, respond, t(lang, "prod.not_allowed"))
                return
            problem = deps.production.exemption_problem(actor.person_id, week, lang)
            if problem is not None:
                tell(body, client, respond, problem.text)
                return
            client.views_open(trigger_id=body["trigger_id"],
                              view=exemption_modal(lang, week, week_text(week)))

        @app.view(ProductionCallback.EXEMPTION.value)
        def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
            user_id = body["user"]["id"]
            actor = identify(deps, client, user_id)
            lang = language_for(actor)
            week = view.get("private_metadata") or ""
            block = ProductionBlock.REASON.value
            if actor is None or not WEEK.match(week):
                ack(response_action="errors", errors={block: t(lang, "prod.not_allowed")})
                return
            value = view["state"]["values"].get(block, {}).get(REASON_ACTION, {}).get("value") or ""
            reply = deps.production.request_exemption(actor.person_id, week, value, lang)
            if not reply.ok:
                ack(response_action="errors", errors={block: reply.text})
                return
            ack()
            client.chat_postMessage(channel=user_id, text=reply.text)
            publish_home(deps, client, user_id)

        def _decide(approve: bool):
            def on_decide(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
                ack()
                actor = identify(deps, client, body["user"]["id"])
                lang = language_for(actor)
                value = body["actions"][0].get("value") or ""
                if actor is None or not value.isdigit():
                    tell(body, client, respond, t(lang, "prod.exemption.not_allowed"))
                    return
                reply = deps.production.decide(actor.person_id, int(value), approve, lang)
                tell(body, client, respond, reply.text)
            return on_decide

        app.action(ProductionAction.APPROVE.value)(_decide(True))
        app.action(ProductionAction.REJECT.value)(_decide(False))
