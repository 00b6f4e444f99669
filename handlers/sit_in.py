"""Slack edge for sitting in on an interview ("bisitting", issue 15): the form
(``/ifn bisitting``, ``/ifn sit-in``, the request menu, the Home tab), and the
coordinator's one-click follow-up after the interview. Accepting, declining,
*Ferdig* and cancelling are the request buttons every routed request has.

Thin: who may follow a sit-in up is decided by the service from the clicking
user; a button's value carries only the request id."""

from __future__ import annotations

from slack_bolt import App

from bot.calendar import WorkingCalendar
from bot.commands import Subcommand
from bot.domain.requests import RequestType
from bot.feedback_criteria import CriteriaCatalog
from bot.forms import FormBlock
from bot.forms_sit_in import parse_sit_in
from bot.i18n import t
from bot.messages.actions import RequestAction
from bot.services.people import Actor, DirectoryReader
from bot.services.requests import NewRequest, RequestService
from bot.services.sit_in import SitInService
from bot.settings import CoreSettings
from handlers.commands import Sub
from handlers.ids import ActionId, CallbackId
from handlers.prelude import NOTHING, Click, Command, Edge, FieldErrors, Reply, Submission
from handlers.views.request_forms import feedback_response_modal, hour_proposal_modal, sit_in_modal


class SitInHandlers:
    def __init__(self, edge: Edge, sit_in: SitInService, requests: RequestService, directory: DirectoryReader,
                 criteria: CriteriaCatalog, settings: CoreSettings, calendar: WorkingCalendar) -> None:
        self.edge = edge
        self.sit_in = sit_in
        self.requests = requests
        self.directory = directory
        self.criteria = criteria
        self.settings = settings
        self.calendar = calendar

    def form_view(self, actor: Actor) -> dict:
        areas = self.directory.areas()
        area = actor.area if actor.area in areas else areas[0]
        today = self.edge.clock.now().astimezone(self.settings.tz).date()
        return sit_in_modal(actor.lang, area, today, areas=areas)

    def subcommands(self) -> dict[Subcommand, Sub]:
        def run(cmd: Command) -> Reply:
            assert cmd.actor is not None
            return Reply(view=self.form_view(cmd.actor))
        return {Subcommand.SIT_IN: Sub(run)}

    def register(self, app: App) -> None:
        edge = self.edge
        app.action(ActionId.MENU_SIT_IN.value)(edge.click(self._open))
        app.view(CallbackId.SIT_IN_REQUEST.value)(
            edge.submission(self._submitted, FormBlock.INTERVIEW_DATE.value))
        app.action(RequestAction.SIT_IN_FEEDBACK.value)(edge.click(self._follow(RequestType.FEEDBACK)))
        app.action(RequestAction.SIT_IN_HOUR.value)(edge.click(self._follow(RequestType.HOUR)))

    def _open(self, click: Click) -> Reply:
        return Reply(view=self.form_view(click.actor))

    def _submitted(self, sub: Submission) -> Reply | FieldErrors:
        now_local = self.edge.clock.now().astimezone(self.settings.tz)
        form = parse_sit_in(sub.values, sub.lang, now_local, self.calendar, areas=self.directory.areas())
        if isinstance(form, dict):
            return FieldErrors(form)
        details = form.details()
        if form.interviewer:
            problem = self._interviewer(sub, form.interviewer, details)
            if problem is not None:
                return FieldErrors({FormBlock.INTERVIEWER.value: problem})
        new = NewRequest(RequestType.SIT_IN, form.area, form.child_involved, form.description, details)
        self.requests.submit(sub.actor.person_id, new, idempotency_key=f"view:{sub.view_id}")
        return NOTHING  # the status message (a DM) says what happens

    def _interviewer(self, sub: Submission, slack_user_id: str, details: dict) -> str | None:
        """Whose interview it is: someone in the directory; someone else's only
        when a unit or area leader asks. Adds them to the details, or says what is wrong."""
        person = self.edge.identify(slack_user_id)
        if person is None:
            return t(sub.lang, "form.error.interviewer_unknown")
        if person.person_id != sub.actor.person_id:
            if not self.directory.leads_people(sub.actor.person_id):
                return t(sub.lang, "form.error.interviewer_not_leader")
            details.update(interviewer_id=person.person_id, interviewer_name=person.name)
        return None

    def _follow(self, kind: RequestType):
        def run(click: Click) -> Reply:
            rid = click.number
            if rid is None:
                return Reply(t(click.lang, "req.notice.not_assignee"))
            result = self.sit_in.follow_up(rid, click.actor.person_id, kind)
            if not result.ok:
                return Reply(self.edge.words(click.lang, result))
            follow_up = int(result.params["request_id"])
            task = self.requests.assignee_task(follow_up, click.actor.person_id, kind)
            if not task.ok:  # the follow-up is done (or cancelled) already: say so
                return Reply(self.edge.words(click.lang, task))
            if kind is RequestType.FEEDBACK:
                return Reply(view=feedback_response_modal(click.lang, follow_up, self.criteria,
                                                          task.params["focus"], task.params.get("on")))
            return Reply(view=hour_proposal_modal(click.lang, follow_up))
        return run
