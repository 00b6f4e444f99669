"""Slack edge for help requests: the forms, the buttons, the timeline.

Thin by design: read Slack's payload, call the request service, say the answer.
Who may do what is decided by the service from the clicking user, never from a
button's value (which carries only the request id).
"""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import App

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.commands import Subcommand
from bot.domain.language import Lang
from bot.domain.requests import RequestType
from bot.feedback_criteria import CriteriaCatalog
from bot.forms import (
    FeedbackForm,
    FormBlock,
    HourForm,
    LiveForm,
    parse_feedback,
    parse_feedback_response,
    parse_hour,
    parse_hour_proposal,
    parse_live,
)
from bot.i18n import t
from bot.messages.actions import RequestAction
from bot.services.people import Actor, DirectoryReader, Supervisor
from bot.services.requests import NewRequest, RequestService
from bot.services.timeline import TimelineService
from bot.settings import CoreSettings
from handlers.commands import Sub
from handlers.ids import MENU_REQUEST_TYPES, PROPOSAL_SLOTS, ActionId, CallbackId
from handlers.prelude import NOTHING, Click, Command, Edge, FieldErrors, Reply, Submission, parse_id
from handlers.views.request_forms import (
    feedback_modal,
    feedback_response_modal,
    hour_modal,
    hour_proposal_modal,
    live_modal,
    request_menu_blocks,
    request_menu_text,
)

PICK_TIME_RE = re.compile(rf"^{RequestAction.PICK_TIME.value}_\d+$")
_ID = re.compile(r"[0-9]{1,9}")


def supervisor_label(lang: Lang, s: Supervisor) -> str:
    role = s.role.value.upper()
    return f"{s.name} ({role} {s.area})" if s.area and s.role.value == "ifk" else f"{s.name} ({role})"


class RequestHandlers:
    def __init__(self, edge: Edge, requests: RequestService, timeline: TimelineService,
                 directory: DirectoryReader, criteria: CriteriaCatalog, settings: CoreSettings,
                 calendar: WorkingCalendar) -> None:
        self.edge = edge
        self.calendar = calendar
        self.requests = requests
        self.timeline = timeline
        self.directory = directory
        self.criteria = criteria
        self.settings = settings

    @property
    def _clock(self) -> Clock:
        return self.edge.clock

    @property
    def _tz(self) -> ZoneInfo:
        return self.settings.tz

    # ------------------------------------------------------------------ views

    def form_view(self, request_type: RequestType, actor: Actor) -> dict[str, Any]:
        lang = actor.lang
        areas = self.directory.areas()
        area = actor.area if actor.area in areas else areas[0]
        now_local = self._clock.now().astimezone(self._tz)
        if request_type is RequestType.LIVE:
            return live_modal(lang, area, now_local.time(), areas=areas)
        if request_type is RequestType.FEEDBACK:
            return feedback_modal(lang, area, self.criteria, now_local.date(), areas=areas,
                                  case_ref_example=self.settings.ifn_case_ref_example)
        options = [(str(s.person_id), supervisor_label(lang, s)) for s in self.directory.supervisors()
                   if s.person_id != actor.person_id]
        return hour_modal(lang, area, options, areas=areas)

    # ------------------------------------------------------------- commands

    def subcommands(self) -> dict[Subcommand, Sub]:
        def form_command(request_type: RequestType) -> Sub:
            def run(cmd: Command) -> Reply:
                assert cmd.actor is not None
                return Reply(view=self.form_view(request_type, cmd.actor))
            return Sub(run)

        def menu(cmd: Command) -> Reply:
            return Reply(text=request_menu_text(cmd.lang), blocks=request_menu_blocks(cmd.lang))

        def log_command(cmd: Command) -> Reply:
            assert cmd.actor is not None
            rid = parse_id(cmd.parsed.args[0]) if cmd.parsed.args else None
            if rid is None:
                return Reply(t(cmd.lang, "req.log.usage"))
            result = self.timeline.timeline(rid, cmd.actor.person_id, cmd.lang)
            if not result.ok:
                return Reply(self.edge.words(cmd.lang, result))
            return Reply("\n".join(result.params["lines"]))

        return {
            Subcommand.LIVE: form_command(RequestType.LIVE),
            Subcommand.FEEDBACK: form_command(RequestType.FEEDBACK),
            Subcommand.HOUR: form_command(RequestType.HOUR),
            Subcommand.MENU: Sub(menu, needs_actor=False),
            Subcommand.LOG: Sub(log_command),
        }

    # ------------------------------------------------------------ listeners

    def register(self, app: App) -> None:
        edge = self.edge
        for action_id, request_type in MENU_REQUEST_TYPES.items():
            app.action(ActionId(action_id).value)(edge.click(self._menu_button(request_type)))
        for callback, request_type in ((CallbackId.LIVE_REQUEST, RequestType.LIVE),
                                       (CallbackId.FEEDBACK_REQUEST, RequestType.FEEDBACK),
                                       (CallbackId.HOUR_REQUEST, RequestType.HOUR)):
            app.view(callback.value)(edge.submission(self._submitted(request_type),
                                                     FormBlock.DESCRIPTION.value))
        for action, method in ((RequestAction.ACCEPT, self.requests.accept),
                               (RequestAction.DECLINE, self.requests.decline),
                               (RequestAction.CANCEL, self.requests.cancel),
                               (RequestAction.DONE, self.requests.complete)):
            app.action(action.value)(edge.click(self._decision(method)))
        app.action(PICK_TIME_RE)(edge.click(self._pick_time))
        app.action(RequestAction.WRITE_FEEDBACK.value)(edge.click(self._follow_up(RequestType.FEEDBACK)))
        app.action(RequestAction.PROPOSE_TIMES.value)(edge.click(self._follow_up(RequestType.HOUR)))
        app.view(CallbackId.FEEDBACK_RESPONSE.value)(edge.submission(self._feedback, FormBlock.OVERALL.value))
        app.view(CallbackId.HOUR_PROPOSAL.value)(
            edge.submission(self._proposal, PROPOSAL_SLOTS[0][0].value))

    def _menu_button(self, request_type: RequestType):
        def run(click: Click) -> Reply:
            return Reply(view=self.form_view(request_type, click.actor))
        return run

    def _submitted(self, request_type: RequestType):
        def run(sub: Submission) -> Reply | FieldErrors:
            form = self._parse(request_type, sub.values, sub.lang)
            if isinstance(form, dict):
                return FieldErrors(form)
            new = self._new_request(request_type, form)
            if isinstance(form, FeedbackForm) and form.report_author:
                problem = self._author(sub, form.report_author, new.details)
                if problem is not None:
                    return FieldErrors({FormBlock.REPORT_AUTHOR.value: problem})
            self.requests.submit(sub.actor.person_id, new, idempotency_key=f"view:{sub.view_id}")
            return NOTHING  # the status message (a DM) says what happens
        return run

    def _author(self, sub: Submission, slack_user_id: str, details: dict[str, Any]) -> str | None:
        """Whose report it is: someone in the directory; someone else's only when
        a unit or area leader asks. Adds them to the details, or says what is wrong."""
        author = self.edge.identify(slack_user_id)
        if author is None:
            return t(sub.lang, "form.error.author_unknown")
        if author.person_id != sub.actor.person_id:
            if not self.directory.leads_people(sub.actor.person_id):
                return t(sub.lang, "form.error.author_not_leader")
            details.update(author_id=author.person_id, author_name=author.name)
        return None

    def _decision(self, method):
        def run(click: Click) -> Reply:
            rid = click.number
            if rid is None:
                return Reply(t(click.lang, "req.notice.accept_refused_not_offered"))
            result = method(rid, click.actor.person_id)
            return NOTHING if result.ok else Reply(self.edge.words(click.lang, result))
        return run

    def _pick_time(self, click: Click) -> Reply:
        parts = click.value.split(":")
        if len(parts) != 3 or not all(_ID.fullmatch(p) for p in parts):
            return Reply(t(click.lang, "req.notice.not_yours_pick"))
        rid, round_, index = (int(p) for p in parts)
        result = self.requests.pick_time(rid, click.actor.person_id, round_, index)
        return NOTHING if result.ok else Reply(self.edge.words(click.lang, result))

    def _follow_up(self, request_type: RequestType):
        def run(click: Click) -> Reply:
            rid = click.number
            result = self.requests.assignee_task(rid or 0, click.actor.person_id, request_type)
            if not result.ok or rid is None:
                return Reply(self.edge.words(click.lang, result))
            if request_type is RequestType.FEEDBACK:
                focus = result.params["focus"]
                return Reply(view=feedback_response_modal(click.lang, rid, self.criteria, focus,
                                                          result.params.get("on")))
            return Reply(view=hour_proposal_modal(click.lang, rid))
        return run

    def _feedback(self, sub: Submission) -> Reply | FieldErrors:
        rid = parse_id(sub.metadata)
        parsed = parse_feedback_response(sub.values, sub.lang, self.criteria)
        if isinstance(parsed, dict):
            return FieldErrors(parsed)
        labels = {c.id: {"nb": c.nb, "en": c.en} for c in self.criteria.criteria}
        result = self.requests.deliver_feedback(rid or 0, sub.actor.person_id,
                                                {k: v.value for k, v in parsed.ratings.items()},
                                                parsed.overall, labels)
        if not result.ok:
            return FieldErrors({FormBlock.OVERALL.value: self.edge.words(sub.lang, result)})
        return NOTHING

    def _proposal(self, sub: Submission) -> Reply | FieldErrors:
        rid = parse_id(sub.metadata)
        now_local = self._clock.now().astimezone(self._tz)
        times = parse_hour_proposal(sub.values, sub.lang, now_local, self.calendar)
        if isinstance(times, dict):
            return FieldErrors(times)
        result = self.requests.propose_times(rid or 0, sub.actor.person_id, times)
        if not result.ok:
            return FieldErrors({PROPOSAL_SLOTS[0][0].value: self.edge.words(sub.lang, result)})
        return NOTHING

    # ---------------------------------------------------------------- parsing

    def _parse(self, request_type: RequestType, values: dict[str, Any], lang: Lang):
        areas = self.directory.areas()
        if request_type is RequestType.LIVE:
            return parse_live(values, lang, areas=areas)
        if request_type is RequestType.FEEDBACK:
            today = self._clock.now().astimezone(self._tz).date()
            return parse_feedback(values, lang, today, self.settings.ifn_case_ref_pattern, self.criteria,
                                  case_ref_example=self.settings.ifn_case_ref_example, areas=areas)
        ids = [str(s.person_id) for s in self.directory.supervisors()]
        return parse_hour(values, lang, ids, areas=areas)

    def _new_request(self, request_type: RequestType, form: LiveForm | FeedbackForm | HourForm) -> NewRequest:
        details = form.details(self.criteria) if isinstance(form, FeedbackForm) else form.details()
        preferred: int | None = None
        if isinstance(form, HourForm) and form.preferred_person:
            preferred = int(form.preferred_person)
            names = {s.person_id: s.name for s in self.directory.supervisors()}
            details["preferred_name"] = names.get(preferred)
        return NewRequest(request_type, form.area, form.child_involved, form.description, details, preferred)
