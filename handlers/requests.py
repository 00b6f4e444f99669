"""Slack edge for help requests: the forms, the buttons, the timeline.

Thin by design: read Slack's payload, call the request service, render the
answer. Who may do what is decided by the service from the clicking user, never
from a button's value (which carries only the request id).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.commands import ParsedCommand, Subcommand
from bot.domain.language import Lang
from bot.domain.requests import RequestType
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
from bot.services.people import Actor
from bot.services.requests import NewRequest
from handlers.commands import SubHandler
from handlers.deps import Deps
from handlers.home import from_home_tab, publish_home
from handlers.identity import identify, language_for
from handlers.ids import MENU_REQUEST_TYPES, PROPOSAL_SLOTS, ActionId, CallbackId
from handlers.outcomes import say
from handlers.views.request_forms import (
    feedback_modal,
    feedback_response_modal,
    hour_modal,
    hour_proposal_modal,
    live_modal,
    request_menu_blocks,
    request_menu_text,
)

log = logging.getLogger("ifn_bot.requests")

PICK_TIME_RE = re.compile(rf"^{RequestAction.PICK_TIME.value}_\d+$")


def _request_id(value: str | None) -> int | None:
    """The request id from a button value ("12" or "12:0"); None if malformed."""
    head = (value or "").split(":", 1)[0]
    # ASCII digits only, and a size the id column can hold ("²".isdigit() is True)
    return int(head) if re.fullmatch(r"[0-9]{1,9}", head) else None


def tell(body: dict[str, Any], client: WebClient, respond: Respond | None, text: str) -> None:
    """Answer a click privately: ephemerally where the click came from a message,
    by DM where it came from the Home tab (which has no response_url)."""
    if respond is not None and body.get("response_url"):
        respond(text=text, response_type="ephemeral", replace_original=False)
    else:
        client.chat_postMessage(channel=body["user"]["id"], text=text)


class RequestHandlers:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    # ------------------------------------------------------------------ views

    def form_view(self, request_type: RequestType, actor: Actor) -> dict[str, Any]:
        deps, lang = self.deps, actor.lang
        areas = deps.directory_reader.areas()
        area = actor.area if actor.area in areas else areas[0]
        now_local = deps.clock.now().astimezone(deps.settings.tz)
        if request_type is RequestType.LIVE:
            return live_modal(lang, area, now_local.time(), areas=areas)
        if request_type is RequestType.FEEDBACK:
            return feedback_modal(lang, area, deps.criteria, now_local.date(), areas=areas,
                                  case_ref_example=deps.settings.ifn_case_ref_example)
        options = [(str(s.person_id), self._supervisor_label(lang, s)) for s in
                   deps.directory_reader.supervisors() if s.person_id != actor.person_id]
        return hour_modal(lang, area, options, areas=areas)

    @staticmethod
    def _supervisor_label(lang: Lang, s) -> str:
        role = s.role.value.upper()
        return f"{s.name} ({role} {s.area})" if s.area and s.role.value == "ifk" else f"{s.name} ({role})"

    def open_form(self, client: WebClient, trigger_id: str, request_type: RequestType, actor: Actor) -> None:
        client.views_open(trigger_id=trigger_id, view=self.form_view(request_type, actor))

    # ------------------------------------------------------------- commands

    def subcommands(self) -> dict[Subcommand, SubHandler]:
        def form_command(request_type: RequestType) -> SubHandler:
            def handle(ack: Ack, parsed: ParsedCommand, actor: Actor | None, lang: Lang,
                       command: dict[str, Any], client: WebClient) -> None:
                if actor is None:
                    ack(response_type="ephemeral", text=t(lang, "req.notice.not_in_directory"))
                    return
                ack()
                self.open_form(client, command["trigger_id"], request_type, actor)
            return handle

        def menu(ack: Ack, parsed: ParsedCommand, actor: Actor | None, lang: Lang,
                 command: dict[str, Any], client: WebClient) -> None:
            ack(response_type="ephemeral", text=request_menu_text(lang), blocks=request_menu_blocks(lang))

        def log_command(ack: Ack, parsed: ParsedCommand, actor: Actor | None, lang: Lang,
                        command: dict[str, Any], client: WebClient) -> None:
            if actor is None:
                ack(response_type="ephemeral", text=t(lang, "req.notice.not_in_directory"))
                return
            rid = _request_id(parsed.args[0].lstrip("#")) if parsed.args else None
            if rid is None:
                ack(response_type="ephemeral", text=t(lang, "req.log.usage"))
                return
            result = self.deps.timeline.timeline(rid, actor.person_id, lang)
            text = "\n".join(result.params["lines"]) if result.ok else say(self.deps, lang, result)
            ack(response_type="ephemeral", text=text)

        return {
            Subcommand.LIVE: form_command(RequestType.LIVE),
            Subcommand.FEEDBACK: form_command(RequestType.FEEDBACK),
            Subcommand.HOUR: form_command(RequestType.HOUR),
            Subcommand.MENU: menu,
            Subcommand.LOG: log_command,
        }

    # ------------------------------------------------------------ listeners

    def register(self, app: App) -> None:
        deps = self.deps

        def menu_button(request_type: RequestType):
            # A closure, not a default argument: Bolt fills every parameter it does
            # not know with None, which would open the wrong form.
            def open_from_menu(ack: Ack, body: dict[str, Any], client: WebClient,
                               respond: Respond | None) -> None:
                ack()
                actor = identify(deps, client, body["user"]["id"])
                if actor is None:
                    tell(body, client, respond, t(language_for(None), "req.notice.not_in_directory"))
                    return
                self.open_form(client, body["trigger_id"], request_type, actor)
            return open_from_menu

        for action_id, request_type in MENU_REQUEST_TYPES.items():
            app.action(ActionId(action_id).value)(menu_button(request_type))

        def submitted(request_type: RequestType):
            def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
                actor = identify(deps, client, body["user"]["id"])
                if actor is None:
                    ack(response_action="errors",
                        errors={FormBlock.DESCRIPTION.value: t(None, "req.notice.not_in_directory")})
                    return
                form = self._parse(request_type, view["state"]["values"], actor.lang)
                if isinstance(form, dict):
                    ack(response_action="errors", errors=form)
                    return
                new = self._new_request(request_type, form)
                deps.requests.submit(actor.person_id, new, idempotency_key=f"view:{view['id']}")
                ack()
            return on_submit

        app.view(CallbackId.LIVE_REQUEST.value)(submitted(RequestType.LIVE))
        app.view(CallbackId.FEEDBACK_REQUEST.value)(submitted(RequestType.FEEDBACK))
        app.view(CallbackId.HOUR_REQUEST.value)(submitted(RequestType.HOUR))

        def answer(method_name: str):
            def on_click(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
                ack()
                actor = identify(deps, client, body["user"]["id"])
                lang = language_for(actor)
                rid = _request_id(body["actions"][0].get("value"))
                if actor is None or rid is None:
                    tell(body, client, respond, t(lang, "req.notice.accept_refused_not_offered"))
                    return
                result = getattr(deps.requests, method_name)(rid, actor.person_id)
                if not result.ok:
                    tell(body, client, respond, say(self.deps, lang, result))
                if from_home_tab(body):
                    publish_home(deps, client, body["user"]["id"])
            return on_click

        app.action(RequestAction.ACCEPT.value)(answer("accept"))
        app.action(RequestAction.DECLINE.value)(answer("decline"))
        app.action(RequestAction.CANCEL.value)(answer("cancel"))
        app.action(RequestAction.DONE.value)(answer("complete"))

        @app.action(PICK_TIME_RE)
        def on_pick_time(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
            ack()
            actor = identify(deps, client, body["user"]["id"])
            lang = language_for(actor)
            value = body["actions"][0].get("value") or ""
            parts = value.split(":")
            if actor is None or len(parts) != 3 or not all(re.fullmatch(r"[0-9]{1,9}", p) for p in parts):
                tell(body, client, respond, t(lang, "req.notice.not_yours_pick"))
                return
            rid, round_, index = (int(p) for p in parts)
            result = deps.requests.pick_time(rid, actor.person_id, round_, index)
            if not result.ok:
                tell(body, client, respond, say(deps, lang, result))

        def follow_up(request_type: RequestType):
            def on_click(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
                ack()
                actor = identify(deps, client, body["user"]["id"])
                lang = language_for(actor)
                rid = _request_id(body["actions"][0].get("value"))
                result = deps.requests.assignee_task(rid or 0, actor.person_id if actor else 0, request_type)
                if not result.ok or rid is None:
                    tell(body, client, respond, say(self.deps, lang, result))
                    return
                if request_type is RequestType.FEEDBACK:
                    view = feedback_response_modal(lang, rid, deps.criteria, result.params["focus"])
                else:
                    view = hour_proposal_modal(lang, rid)
                client.views_open(trigger_id=body["trigger_id"], view=view)
            return on_click

        app.action(RequestAction.WRITE_FEEDBACK.value)(follow_up(RequestType.FEEDBACK))
        app.action(RequestAction.PROPOSE_TIMES.value)(follow_up(RequestType.HOUR))

        @app.view(CallbackId.FEEDBACK_RESPONSE.value)
        def on_feedback(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
            actor = identify(deps, client, body["user"]["id"])
            lang = language_for(actor)
            rid = _request_id(view.get("private_metadata"))
            parsed = parse_feedback_response(view["state"]["values"], lang, deps.criteria)
            if isinstance(parsed, dict):
                ack(response_action="errors", errors=parsed)
                return
            labels = {c.id: {"nb": c.nb, "en": c.en} for c in deps.criteria.criteria}
            result = deps.requests.deliver_feedback(
                rid or 0, actor.person_id if actor else 0,
                {k: v.value for k, v in parsed.ratings.items()}, parsed.overall, labels,
            )
            if not result.ok:
                ack(response_action="errors", errors={FormBlock.OVERALL.value: say(self.deps, lang, result)})
                return
            ack()

        @app.view(CallbackId.HOUR_PROPOSAL.value)
        def on_proposal(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
            actor = identify(deps, client, body["user"]["id"])
            lang = language_for(actor)
            rid = _request_id(view.get("private_metadata"))
            now_local = deps.clock.now().astimezone(deps.settings.tz)
            times = parse_hour_proposal(view["state"]["values"], lang, now_local)
            if isinstance(times, dict):
                ack(response_action="errors", errors=times)
                return
            result = deps.requests.propose_times(rid or 0, actor.person_id if actor else 0, times)
            if not result.ok:
                first_date_block = PROPOSAL_SLOTS[0][0].value
                ack(response_action="errors", errors={first_date_block: say(self.deps, lang, result)})
                return
            ack()

    # ---------------------------------------------------------------- parsing

    def _parse(self, request_type: RequestType, values: dict[str, Any], lang: Lang):
        deps = self.deps
        areas = deps.directory_reader.areas()
        if request_type is RequestType.LIVE:
            return parse_live(values, lang, areas=areas)
        if request_type is RequestType.FEEDBACK:
            today = deps.clock.now().astimezone(deps.settings.tz).date()
            return parse_feedback(values, lang, today, deps.settings.ifn_case_ref_pattern, deps.criteria,
                                  case_ref_example=deps.settings.ifn_case_ref_example, areas=areas)
        ids = [str(s.person_id) for s in deps.directory_reader.supervisors()]
        return parse_hour(values, lang, ids, areas=areas)

    def _new_request(self, request_type: RequestType, form: LiveForm | FeedbackForm | HourForm) -> NewRequest:
        if isinstance(form, FeedbackForm):
            details = form.details(self.deps.criteria)
        else:
            details = form.details()
        preferred: int | None = None
        if isinstance(form, HourForm) and form.preferred_person:
            preferred = int(form.preferred_person)
            names = {s.person_id: s.name for s in self.deps.directory_reader.supervisors()}
            details["preferred_name"] = names.get(preferred)
        return NewRequest(request_type, form.area, form.child_involved, form.description, details, preferred)
