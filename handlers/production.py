"""Slack edge for the production goal: ``/ifn produksjon``, the Friday
reminder's buttons, the exemption modal and the leader's Godkjenn/Avslå.

Thin: parse, call ``ProductionService`` (which decides who may do what from
the directory), answer. Button values carry only a week or an exemption id."""

from __future__ import annotations

import re
from datetime import timedelta

from slack_bolt import App

from bot.commands import Subcommand
from bot.dates import parse_date
from bot.i18n import t
from bot.messages.production import (
    REASON_ACTION,
    ProductionAction,
    ProductionBlock,
    ProductionCallback,
    exemption_modal,
    period_modal,
)
from bot.services.production import ProductionService, iso_week, week_monday, week_text
from handlers.commands import Sub
from handlers.prelude import Click, Command, Edge, FieldErrors, Reply, Submission, parse_id

WEEK = re.compile(r"^\d{4}-W\d{2}$")

KIND_WORDS = {"intervju": "interview", "interview": "interview", "vedtak": "decision", "decision": "decision"}
EXEMPTION_WORDS = frozenset({"unntak", "exemption"})


class ProductionHandlers:
    def __init__(self, edge: Edge, production: ProductionService) -> None:
        self.edge = edge
        self.production = production

    def subcommands(self) -> dict[Subcommand, Sub]:
        return {Subcommand.PRODUCTION: Sub(self.production_command)}

    def production_command(self, cmd: Command) -> Reply:
        assert cmd.actor is not None
        lang, service = cmd.lang, self.production
        args = list(cmd.parsed.args)
        if not args:
            return Reply(service.status_text(cmd.actor.person_id, lang).text)
        if not service.is_coordinator(cmd.actor.person_id):
            return Reply(t(lang, "prod.not_allowed"))
        if args[0].lower() in EXEMPTION_WORDS and len(args) == 1:
            return Reply(view=period_modal(lang, service.today()))
        kind = KIND_WORDS.get(args[0].lower())
        if kind is None or len(args) > 2:
            return Reply(t(lang, "prod.bad_kind", text=" ".join(args)) + "\n" + t(lang, "prod.usage"))
        day = None
        if len(args) == 2:
            day = parse_date(args[1])
            if day is None:
                return Reply(t(lang, "prod.bad_date", text=args[1]) + "\n" + t(lang, "prod.usage"))
        reply = service.log(cmd.actor.person_id, kind, day, lang)
        return Reply(reply.text, home=reply.ok)

    def register(self, app: App) -> None:
        edge = self.edge
        app.action(ProductionAction.LOG_INTERVIEW.value)(edge.click(self._log("interview")))
        app.action(ProductionAction.LOG_DECISION.value)(edge.click(self._log("decision")))
        app.action(ProductionAction.REQUEST_EXEMPTION.value)(edge.click(self._ask_exemption))
        app.view(ProductionCallback.EXEMPTION.value)(
            edge.submission(self._submit_exemption, ProductionBlock.REASON.value))
        app.action(ProductionAction.OPEN_PERIOD.value)(edge.click(self._open_period))
        app.view(ProductionCallback.EXEMPTION_PERIOD.value)(
            edge.submission(self._submit_period, ProductionBlock.START.value))
        app.action(ProductionAction.APPROVE.value)(edge.click(self._decide(True)))
        app.action(ProductionAction.REJECT.value)(edge.click(self._decide(False)))

    def _log(self, kind: str):
        def run(click: Click) -> Reply:
            week = click.value
            if not WEEK.match(week):
                return Reply(t(click.lang, "prod.not_allowed"))
            today = self.production.today()
            day = today if iso_week(today) == week else min(week_monday(week) + timedelta(days=4), today)
            reply = self.production.log(click.actor.person_id, kind, day, click.lang, once_per_week=True)
            return Reply(reply.text, home=reply.ok)
        return run

    def _ask_exemption(self, click: Click) -> Reply:
        week = click.value
        if not WEEK.match(week):
            return Reply(t(click.lang, "prod.not_allowed"))
        problem = self.production.exemption_problem(click.actor.person_id, week, click.lang)
        if problem is not None:
            return Reply(problem.text)
        return Reply(view=exemption_modal(click.lang, week, week_text(week)))

    def _submit_exemption(self, sub: Submission) -> Reply | FieldErrors:
        week, block = sub.metadata, ProductionBlock.REASON.value
        if not WEEK.match(week):
            return FieldErrors({block: t(sub.lang, "prod.not_allowed")})
        value = sub.values.get(block, {}).get(REASON_ACTION, {}).get("value") or ""
        reply = self.production.request_exemption(sub.actor.person_id, week, value, sub.lang,
                                                  idempotency_key=f"view:{sub.view_id}")
        if not reply.ok:
            return FieldErrors({block: reply.text})
        return Reply(reply.text or None, home=bool(reply.text))

    def _open_period(self, click: Click) -> Reply:
        if not self.production.is_coordinator(click.actor.person_id):
            return Reply(t(click.lang, "prod.not_allowed"))
        return Reply(view=period_modal(click.lang, self.production.today()))

    def _submit_period(self, sub: Submission) -> Reply | FieldErrors:
        fields = {"start": ProductionBlock.START.value, "end": ProductionBlock.END.value,
                  "reason": ProductionBlock.REASON.value}
        days = {}
        for name in ("start", "end"):
            block = fields[name]
            value = sub.values.get(block, {}).get(block, {}).get("selected_date")
            days[name] = parse_date(value or "")
            if days[name] is None:
                return FieldErrors({block: t(sub.lang, "form.error.required")})
        reason = sub.values.get(fields["reason"], {}).get(REASON_ACTION, {}).get("value") or ""
        reply = self.production.request_exemption_period(
            sub.actor.person_id, days["start"], days["end"], reason, sub.lang,
            idempotency_key=f"view:{sub.view_id}")
        if not reply.ok:
            return FieldErrors({fields.get(reply.field or "", fields["reason"]): reply.text})
        return Reply(reply.text or None, home=bool(reply.text))

    def _decide(self, approve: bool):
        def run(click: Click) -> Reply:
            exemption_id = parse_id(click.value)
            if exemption_id is None:
                return Reply(t(click.lang, "prod.exemption.not_allowed"))
            reply = self.production.decide(click.actor.person_id, exemption_id, approve, click.lang)
            return Reply(reply.text)
        return run
