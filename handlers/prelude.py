"""The prelude every Slack listener shares: identify the user (from the process's
copy of the directory, no query and no Slack call), refuse an unknown one, hand
the gesture to the feature's function, answer Slack — and only then do what
needs Slack calls (open a modal, publish the Home tab, answer a click).

Feature functions never touch Bolt's ``ack``, ``client`` or ``respond``: they get
a small context and return a :class:`Reply` (or :class:`FieldErrors` for a modal
submission). So every command, button and submission does its work, then acks,
before any Slack call; field errors still come back as ``response_action:
errors``, and the messages a step queued are on their way through the outbox's
own workers. The work runs under ``person_waiting``: when the database cannot
take it in time, the person is told it was not saved, within Slack's 3 s.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import Clock
from bot.commands import ParsedCommand
from bot.domain.language import DEFAULT_LANG, Lang
from bot.domain.results import Result
from bot.i18n import t
from bot.services.outage import DatabaseAway, is_outage, person_waiting
from bot.services.people import Actor, PeopleService
from handlers import inputs
from handlers.identity import email_of, language_for
from handlers.outcomes import result_text

log = logging.getLogger("ifn_bot.handlers")


@dataclass(frozen=True, slots=True)
class Reply:
    """What the user sees after a gesture. ``text``/``blocks``: an ephemeral answer
    (to a command, or a click in a message), or a DM (a click on the Home tab, a
    submitted modal). ``view``: a modal to open. ``home``: publish their Home tab."""

    text: str | None = None
    blocks: list[dict[str, Any]] | None = None
    view: dict[str, Any] | None = None
    home: bool = False


NOTHING = Reply()


@dataclass(frozen=True, slots=True)
class FieldErrors:
    errors: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Command:
    parsed: ParsedCommand
    actor: Actor | None
    lang: Lang
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Click:
    actor: Actor
    lang: Lang
    action_id: str
    value: str
    body: dict[str, Any]

    @property
    def number(self) -> int | None:
        """The value as an id ("12" or "12:…"); None when it is not one."""
        return parse_id(self.value)


@dataclass(frozen=True, slots=True)
class Submission:
    actor: Actor
    lang: Lang
    view: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def metadata(self) -> str:
        return self.view.get("private_metadata") or ""

    @property
    def view_id(self) -> str:
        return str(self.view.get("id") or "")


def parse_id(value: str | None) -> int | None:
    """ASCII digits only, and a size an id column holds ("²".isdigit() is True)."""
    head = (value or "").split(":", 1)[0].lstrip("#")
    return int(head) if head.isascii() and head.isdigit() and len(head) <= 9 else None


class Edge:
    """What every listener needs from the process: who is asking, the time zone
    and clock for the words it answers with, the Home tab, and the outbox for a
    confirmation that must arrive."""

    def __init__(self, people: PeopleService, clock: Clock, tz: ZoneInfo,
                 publish_home: Callable[[WebClient, str], None],
                 notify: Callable[[int, str], None]) -> None:
        self.people = people
        self.clock = clock
        self.tz = tz
        self._publish_home = publish_home
        self._notify = notify

    def now(self) -> datetime:
        return self.clock.now()

    def identify(self, user_id: str) -> Actor | None:
        return self.people.identify(user_id)

    def words(self, lang: Lang, result: Result) -> str:
        return result_text(lang, result, self.people.name_of, self.tz, self.clock.now())

    def publish_home(self, client: WebClient, user_id: str) -> None:
        self._publish_home(client, user_id)

    def notify(self, person_id: int, text: str) -> None:
        """A DM through the outbox (retried until Slack has it)."""
        self._notify(person_id, text)

    def link_unknown(self, client: WebClient, user_id: str) -> None:
        """After answering an unknown user: a person the directory knows only by
        e-mail is linked to this Slack account, so their next command works."""
        try:
            self.people.link_by_email(user_id, lambda uid: email_of(client, uid))
        except SlackApiError as exc:  # Slack's answer only decides whether we link
            log.info("could not look up user %s in Slack: %s", user_id, exc.response.get("error"))

    # ----------------------------------------------------------------- listeners

    def click(self, fn: Callable[[Click], Reply | None]) -> Callable[..., None]:
        """A button or select in a message, a modal or the Home tab. The click's
        work is done before the ack, as a command's and a submission's: a click
        Slack was told we got has been applied (a process killed in between
        leaves Slack without an answer, and the person sees the click failed),
        and one the database could not take is answered "not saved"."""

        def listener(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
            user_id = body["user"]["id"]
            lang = DEFAULT_LANG
            try:
                with person_waiting():
                    actor = self.identify(user_id)
                    if actor is None:
                        ack()
                        self.answer(body, client, respond, Reply(t(DEFAULT_LANG, "person.not_in_directory")))
                        self.link_unknown(client, user_id)
                        return
                    lang = actor.lang
                    action = (body.get("actions") or [{}])[0]
                    value = action.get("value") or (action.get("selected_option") or {}).get("value") or ""
                    reply = fn(Click(actor, actor.lang, action.get("action_id", ""), str(value), body))
            except DatabaseAway as exc:
                _log_not_saved("click", user_id, exc)
                reply = Reply(t(lang, "error.not_saved"))
            ack()
            if reply is not None:
                self.answer(body, client, respond, reply)

        return listener

    def submission(self, fn: Callable[[Submission], Reply | FieldErrors | None],
                   first_block: str) -> Callable[..., None]:
        """A modal's submit: field errors come back in the ack (the modal stays
        open with what the user typed); otherwise the modal closes at once and the
        rest follows."""

        def listener(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
            user_id = body["user"]["id"]
            lang = DEFAULT_LANG
            try:
                with person_waiting():
                    actor = self.identify(user_id)
                    if actor is None:
                        unknown = t(DEFAULT_LANG, "person.not_in_directory")
                        ack(response_action="errors", errors={first_block: unknown})
                        return
                    lang = actor.lang
                    values = (view.get("state") or {}).get("values") or {}
                    invalid = inputs.check(view, values, actor.lang)
                    if invalid:  # control characters, text over the field's length, a choice not offered
                        ack(response_action="errors", errors=invalid)
                        return
                    outcome = fn(Submission(actor, actor.lang, view, values))
            except DatabaseAway as exc:  # the modal stays open with what they wrote: submit again later
                _log_not_saved("view submission", user_id, exc)
                ack(response_action="errors", errors={first_block: t(lang, "error.not_saved_field")})
                return
            if isinstance(outcome, FieldErrors):
                ack(response_action="errors", errors=dict(outcome.errors))
                return
            ack()
            if outcome is not None:
                if outcome.text:
                    self.notify(actor.person_id, outcome.text)
                if outcome.home:
                    self.publish_home(client, user_id)

        return listener

    def answer(self, body: dict[str, Any], client: WebClient, respond: Respond | None, reply: Reply) -> None:
        """After the ack: the modal, the private answer, the Home tab."""
        user_id = body["user"]["id"]
        if reply.view is not None and body.get("trigger_id"):
            client.views_open(trigger_id=body["trigger_id"], view=reply.view)
        if reply.text:
            if respond is not None and body.get("response_url"):
                respond(text=reply.text, blocks=reply.blocks, response_type="ephemeral",
                        replace_original=False)
            else:  # the Home tab has no response_url: a DM, through the outbox
                actor = self.identify(user_id)
                if actor is not None:
                    self.notify(actor.person_id, reply.text)
        if reply.home or _from_home_tab(body):
            self.publish_home(client, user_id)


def _log_not_saved(what: str, user_id: str, exc: Exception) -> None:
    """One line for the database being away (expected in an outage); the
    traceback too for any other database error (a bug)."""
    at = getattr(exc, "statement", None)  # which step (no values: the engine hides them)
    log.warning("%s by %s not saved: the database failed (%s%s)", what, user_id, type(exc).__name__,
                f" at {str(at)[:80]!r}" if at else "", exc_info=not is_outage(exc))


def _from_home_tab(body: dict[str, Any]) -> bool:
    return (body.get("view") or {}).get("type") == "home"


__all__ = ["NOTHING", "Click", "Command", "Edge", "FieldErrors", "Reply", "Submission", "language_for",
           "parse_id"]
