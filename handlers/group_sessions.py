"""Slack edge for group supervision (memo 8.2.4): ``/ifn gruppe`` opens the
form for IFKs and IFRs; the announcement's buttons sign up, withdraw, cancel."""

from __future__ import annotations

from datetime import date

from slack_bolt import App

from bot.commands import Subcommand
from bot.domain.language import Lang
from bot.forms import FormBlock, parse_group
from bot.i18n import t
from bot.services.group_sessions import GroupAction, GroupSessionService, NewSession
from bot.services.people import Actor, DirectoryReader
from bot.settings import CoreSettings
from handlers.commands import Sub
from handlers.prelude import NOTHING, Click, Command, Edge, FieldErrors, Reply, Submission
from handlers.requests import supervisor_label
from handlers.views.group_sessions import GroupCallback, group_modal


class GroupSessionHandlers:
    def __init__(self, edge: Edge, service: GroupSessionService, directory: DirectoryReader,
                 settings: CoreSettings) -> None:
        self.edge = edge
        self.service = service
        self.directory = directory
        self.settings = settings

    def options(self, lang: Lang, actor: Actor) -> list[tuple[str, str]]:
        return [(str(p.person_id), supervisor_label(lang, p))
                for p in self.directory.supervisors() if p.person_id != actor.person_id]

    def _today(self) -> date:
        return self.edge.now().astimezone(self.settings.tz).date()

    def form(self, lang: Lang, actor: Actor, kind: str = "group") -> dict:
        return group_modal(lang, self._today(), self.options(lang, actor), self.settings.ifn_network_channel,
                           kind=kind)

    def subcommands(self) -> dict[Subcommand, Sub]:
        def open_form(cmd: Command) -> Reply:
            assert cmd.actor is not None
            if not self.service.may_organise(cmd.actor.person_id):
                return Reply(t(cmd.lang, "group.notice.wrong_role"))
            return Reply(view=self.form(cmd.lang, cmd.actor))

        return {Subcommand.GROUP: Sub(open_form)}

    def register(self, app: App) -> None:
        edge = self.edge
        app.view(GroupCallback.CREATE.value)(edge.submission(self._create, FormBlock.GROUP_TITLE.value))
        for action, method in ((GroupAction.SIGN_UP, self.service.sign_up),
                               (GroupAction.WITHDRAW, self.service.withdraw),
                               (GroupAction.CANCEL, self.service.cancel)):
            app.action(action.value)(edge.click(self._clicked(method)))

    def _create(self, sub: Submission) -> Reply | FieldErrors:
        now_local = self.edge.now().astimezone(self.settings.tz)
        allowed = [pid for pid, _ in self.options(sub.lang, sub.actor)]
        form = parse_group(sub.values, sub.lang, now_local, allowed)
        if isinstance(form, dict):
            return FieldErrors(form)
        co = int(form.group_co_organiser) if form.group_co_organiser else None
        kind = "training" if sub.metadata == "training" else "group"
        new = NewSession(form.group_title, form.starts_at, form.group_place, form.group_capacity, co, kind)
        result = self.service.create(sub.actor.person_id, new, idempotency_key=f"view:{sub.view_id}")
        if not result.ok:
            return FieldErrors({FormBlock.GROUP_TITLE.value: self.edge.words(sub.lang, result)})
        return NOTHING

    def _clicked(self, method):
        def run(click: Click) -> Reply:
            session = click.number
            if session is None:
                return Reply(t(click.lang, "group.notice.not_found"))
            result = method(session, click.actor.person_id)
            return Reply(self.edge.words(click.lang, result)) if result.message_key else NOTHING
        return run
