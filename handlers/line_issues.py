"""Slack edge for line handling (memo §7): ``/ifn sak`` raises an issue; the
recipient presses **Mottatt** or **Svar** in their DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.commands import ParsedCommand, Subcommand
from bot.domain.language import Lang
from bot.forms import FormBlock, parse_issue, parse_issue_reply
from bot.i18n import t
from bot.services.line_issues import AREA_KINDS, IssueAction, IssueKind, LineIssueService, NewIssue
from bot.services.people import Actor
from handlers.commands import SubHandler
from handlers.deps import Deps
from handlers.identity import identify, language_for
from handlers.outcomes import say
from handlers.requests import _request_id, tell
from handlers.views.line_issues import IssueCallback, issue_modal, reply_modal


class LineIssueHandlers:
    def __init__(self, deps: Deps, service: LineIssueService) -> None:
        self.deps = deps
        self.service = service

    def subcommands(self) -> dict[Subcommand, SubHandler]:
        def open_form(ack: Ack, parsed: ParsedCommand, actor: Actor | None, lang: Lang,
                      command: dict[str, Any], client: WebClient) -> None:
            if actor is None:
                ack(response_type="ephemeral", text=t(lang, "req.notice.not_in_directory"))
                return
            if not self.service.may_raise(actor.person_id):
                ack(response_type="ephemeral", text=t(lang, "issue.notice.wrong_role"))
                return
            ack()
            areas = self.deps.directory_reader.areas()
            client.views_open(trigger_id=command["trigger_id"], view=issue_modal(lang, actor.area, areas))

        return {Subcommand.ISSUE: open_form}

    def register(self, app: App) -> None:
        deps, service = self.deps, self.service

        @app.view(IssueCallback.RAISE.value)
        def on_raise(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
            actor = identify(deps, client, body["user"]["id"])
            lang = language_for(actor)
            if actor is None:
                ack(response_action="errors",
                    errors={FormBlock.ISSUE_TEXT.value: t(lang, "req.notice.not_in_directory")})
                return
            areas = deps.directory_reader.areas()
            form = parse_issue(view["state"]["values"], lang, areas)
            if isinstance(form, dict):
                ack(response_action="errors", errors=form)
                return
            kind = IssueKind(form.issue_kind)
            new = NewIssue(kind, form.area if kind in AREA_KINDS else None, form.issue_title, form.issue_text)
            result = service.raise_issue(actor.person_id, new, idempotency_key=f"view:{view['id']}")
            if not result.ok:
                text = say(self.deps, lang, result)
                ack(response_action="errors", errors={FormBlock.ISSUE_KIND.value: text})
                return
            ack()

        @app.action(IssueAction.ACKNOWLEDGE.value)
        def on_ack(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
            ack()
            actor = identify(deps, client, body["user"]["id"])
            lang = language_for(actor)
            iid = _request_id(body["actions"][0].get("value"))
            result = service.acknowledge(iid or 0, actor.person_id if actor else 0)
            if not result.ok:
                tell(body, client, respond, say(self.deps, lang, result))

        @app.action(IssueAction.REPLY.value)
        def on_reply_click(ack: Ack, body: dict[str, Any], client: WebClient,
                           respond: Respond | None) -> None:
            ack()
            actor = identify(deps, client, body["user"]["id"])
            lang = language_for(actor)
            iid = _request_id(body["actions"][0].get("value"))
            result = service.can_reply(iid or 0, actor.person_id if actor else 0)
            if not result.ok or iid is None:
                tell(body, client, respond, say(self.deps, lang, result))
                return
            view = reply_modal(lang, iid, result.params["title"])
            client.views_open(trigger_id=body["trigger_id"], view=view)

        @app.view(IssueCallback.REPLY.value)
        def on_reply(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
            actor = identify(deps, client, body["user"]["id"])
            lang = language_for(actor)
            parsed = parse_issue_reply(view["state"]["values"], lang)
            if isinstance(parsed, dict):
                ack(response_action="errors", errors=parsed)
                return
            iid = _request_id(view.get("private_metadata"))
            result = service.reply(iid or 0, actor.person_id if actor else 0, parsed.issue_reply)
            if not result.ok:
                text = say(self.deps, lang, result)
                ack(response_action="errors", errors={FormBlock.ISSUE_REPLY.value: text})
                return
            ack()
