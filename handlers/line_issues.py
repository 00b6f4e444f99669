"""Slack edge for line handling (memo §7): ``/ifn sak`` raises an issue; the
recipient presses **Mottatt** or **Svar** in their DM."""

from __future__ import annotations

from slack_bolt import App

from bot.commands import Subcommand
from bot.forms import FormBlock, parse_issue, parse_issue_reply
from bot.i18n import t
from bot.services.line_issues import AREA_KINDS, IssueAction, IssueKind, LineIssueService, NewIssue
from bot.services.people import DirectoryReader
from handlers.commands import Sub
from handlers.prelude import NOTHING, Click, Command, Edge, FieldErrors, Reply, Submission, parse_id
from handlers.views.line_issues import IssueCallback, issue_modal, reply_modal


class LineIssueHandlers:
    def __init__(self, edge: Edge, service: LineIssueService, directory: DirectoryReader) -> None:
        self.edge = edge
        self.service = service
        self.directory = directory

    def subcommands(self) -> dict[Subcommand, Sub]:
        def open_form(cmd: Command) -> Reply:
            assert cmd.actor is not None
            if not self.service.may_raise(cmd.actor.person_id):
                return Reply(t(cmd.lang, "issue.notice.wrong_role"))
            return Reply(view=issue_modal(cmd.lang, cmd.actor.area, self.directory.areas()))

        return {Subcommand.ISSUE: Sub(open_form)}

    def register(self, app: App) -> None:
        edge = self.edge
        app.view(IssueCallback.RAISE.value)(edge.submission(self._raise, FormBlock.ISSUE_TEXT.value))
        app.action(IssueAction.ACKNOWLEDGE.value)(edge.click(self._acknowledge))
        app.action(IssueAction.REPLY.value)(edge.click(self._open_reply))
        app.view(IssueCallback.REPLY.value)(edge.submission(self._reply, FormBlock.ISSUE_REPLY.value))

    def _raise(self, sub: Submission) -> Reply | FieldErrors:
        form = parse_issue(sub.values, sub.lang, self.directory.areas())
        if isinstance(form, dict):
            return FieldErrors(form)
        kind = IssueKind(form.issue_kind)
        new = NewIssue(kind, form.area if kind in AREA_KINDS else None, form.issue_title, form.issue_text)
        result = self.service.raise_issue(sub.actor.person_id, new, idempotency_key=f"view:{sub.view_id}")
        if not result.ok:
            return FieldErrors({FormBlock.ISSUE_KIND.value: self.edge.words(sub.lang, result)})
        return NOTHING

    def _acknowledge(self, click: Click) -> Reply:
        result = self.service.acknowledge(click.number or 0, click.actor.person_id)
        return NOTHING if result.ok else Reply(self.edge.words(click.lang, result))

    def _open_reply(self, click: Click) -> Reply:
        issue = click.number
        result = self.service.can_reply(issue or 0, click.actor.person_id)
        if not result.ok or issue is None:
            return Reply(self.edge.words(click.lang, result))
        return Reply(view=reply_modal(click.lang, issue, result.params["title"]))

    def _reply(self, sub: Submission) -> Reply | FieldErrors:
        parsed = parse_issue_reply(sub.values, sub.lang)
        if isinstance(parsed, dict):
            return FieldErrors(parsed)
        result = self.service.reply(parse_id(sub.metadata) or 0, sub.actor.person_id, parsed.issue_reply)
        if not result.ok:
            return FieldErrors({FormBlock.ISSUE_REPLY.value: self.edge.words(sub.lang, result)})
        return NOTHING
