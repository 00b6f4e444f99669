"""Line handling (memo §7): an IFK, the BFK or an IFR raises a professional issue; case- and
country-specific issues go to the area leader of the area concerned, general and
cross-area issues to the fagsjef. The recipient acknowledges (**Mottatt**) and
replies; the raiser's status DM follows every step in place. Unacknowledged
after two working days, the recipient is reminded (a durable timer)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.domain.results import OK, Outcome, Result
from bot.domain.roles import Role
from bot.i18n import t
from bot.i18n.format import fmt_datetime
from bot.messages.text import escape, quote, sections
from bot.notifier import MessageRef
from bot.services import decisions, outbox
from bot.services.outbox import OutboxService, Rendered, ToPerson
from bot.services.role_holders import holders, holds_any
from bot.services.snapshots import load_person_ref
from bot.settings import CoreSettings
from storage.models import LineIssue, Person, Timer
from storage.repositories import timers as timer_repo

SYNC_ISSUE = "sync_line_issue"
REMINDER = "issue_reminder"
#: How long a recipient has to press Mottatt before being reminded.
REMIND_AFTER_WORKING_DAYS = 2


class IssueKind(StrEnum):
    CASE = "case"  # knyttet til enkeltsøknader
    COUNTRY = "country"  # landspesifikke forhold
    GENERAL = "general"
    CROSS_AREA = "cross_area"


#: Kinds that go to the area leader; the rest go to the fagsjef (memo §7).
AREA_KINDS = frozenset({IssueKind.CASE, IssueKind.COUNTRY})


class IssueAction(StrEnum):
    ACKNOWLEDGE = "issue_acknowledge"
    REPLY = "issue_reply"


@dataclass(frozen=True, slots=True)
class NewIssue:
    kind: IssueKind
    area: str | None
    title: str
    description: str


def may_raise(s: Session, person_id: int, day: date) -> bool:
    """The IFKs, the BFK (memo §4: quality work for every area) and the IFRs."""
    return holds_any(s.get(Person, person_id), (Role.IFK, Role.BFK, Role.IFR), day)


def recipients_for(s: Session, kind: IssueKind, area: str | None, day: date) -> list[int]:
    """Who receives an issue on ``day``: the area's leader (acting, else the area
    leader; with none, the fagsjef, then admins) for case- and country-specific
    ones, the fagsjef for the rest."""
    recipients: list[int] = []
    if kind in AREA_KINDS and area:
        recipients = [p.id for p in holders(s, Role.AREA_LEADER, day, area)]
    if not recipients:  # general/cross-area, or an area without a leader today
        recipients = [p.id for p in holders(s, Role.FAGSJEF, day)]
    return recipients


class LineIssueService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: CoreSettings,
                 calendar: WorkingCalendar, delivery: OutboxService) -> None:
        self._sessions = sessions
        self._clock = clock
        self._settings = settings
        self._calendar = calendar
        self._delivery = delivery
        delivery.register(SYNC_ISSUE, self._render, self._posted)

    def _step(self) -> AbstractContextManager[tuple[Session, datetime, list[str]]]:
        return self._delivery.unit_of_work()

    def may_raise(self, person_id: int) -> bool:
        with self._sessions() as s:
            return may_raise(s, person_id, self._calendar.local_date(self._clock.now()))

    # ------------------------------------------------------------------ steps

    def raise_issue(self, raiser_id: int, new: NewIssue, idempotency_key: str | None = None) -> Result:
        with self._step() as (s, now, queued):
            # The same form again (a Slack retry, a double click, two at once) raises
            # nothing more: the decision on the form's view id is made once.
            if idempotency_key and decisions.earlier(s, idempotency_key) is not None:
                return OK
            today = self._calendar.local_date(now)
            if not may_raise(s, raiser_id, today):
                return Result(Outcome.INVALID, "issue.notice.wrong_role")
            recipients = [r for r in recipients_for(s, new.kind, new.area, today) if r != raiser_id]
            if not recipients:
                return Result(Outcome.NOT_FOUND, "issue.notice.no_recipient")
            if idempotency_key and decisions.decide(s, idempotency_key, "submitted", raiser_id, now):
                return OK  # the same form, stored a moment ago by a concurrent retry
            issue = LineIssue(kind=new.kind.value, raiser_id=raiser_id, recipient_id=recipients[0],
                              area_code=new.area if new.kind in AREA_KINDS else None, title=new.title,
                              description=new.description, state="new", idempotency_key=idempotency_key,
                              created_at=now)
            s.add(issue)
            s.flush()
            due = self._calendar.add_working_time(now, REMIND_AFTER_WORKING_DAYS * self._day_seconds())
            timer_repo.schedule(s, kind=REMINDER, key=f"{REMINDER}:{issue.id}", due_at=due, now=now,
                                payload={"issue_id": issue.id})
            queued += self._queue_sync(s, issue.id, now)
            return Result(Outcome.OK, None, {"id": issue.id})

    def acknowledge(self, issue_id: int, person_id: int) -> Result:
        with self._step() as (s, now, queued):
            issue = s.get(LineIssue, issue_id)
            if issue is None:
                return Result(Outcome.NOT_FOUND, "issue.notice.not_found", {"id": issue_id})
            if issue.recipient_id != person_id:
                return Result(Outcome.NOT_ASSIGNEE, "issue.notice.not_recipient")
            if issue.state != "new":
                return OK
            issue.state, issue.acknowledged_at = "acknowledged", now
            self._cancel_reminder(s, issue.id)
            queued += self._queue_sync(s, issue.id, now)
        return OK

    def reply(self, issue_id: int, person_id: int, text: str) -> Result:
        with self._step() as (s, now, queued):
            issue = s.get(LineIssue, issue_id)
            if issue is None:
                return Result(Outcome.NOT_FOUND, "issue.notice.not_found", {"id": issue_id})
            if issue.recipient_id != person_id:
                return Result(Outcome.NOT_ASSIGNEE, "issue.notice.not_recipient")
            issue.acknowledged_at = issue.acknowledged_at or now
            issue.state, issue.reply, issue.answered_at = "answered", text, now
            self._cancel_reminder(s, issue.id)
            queued += self._queue_sync(s, issue.id, now)
        return OK

    def can_reply(self, issue_id: int, person_id: int) -> Result:
        with self._sessions() as s:
            issue = s.get(LineIssue, issue_id)
            if issue is None:
                return Result(Outcome.NOT_FOUND, "issue.notice.not_found", {"id": issue_id})
            if issue.recipient_id != person_id:
                return Result(Outcome.NOT_ASSIGNEE, "issue.notice.not_recipient")
            return Result(Outcome.OK, None, {"title": issue.title})

    def fire_due(self) -> int:
        """The scheduler's sweep: remind recipients who have not pressed Mottatt."""
        now = self._clock.now()
        with self._sessions() as s:
            timers = timer_repo.due(s, now, kinds=[REMINDER])
            due = [(tm.id, int(tm.payload.get("issue_id", 0))) for tm in timers]
        fired = 0
        for timer_id, issue_id in due:
            with self._step() as (s, now, queued):
                if not timer_repo.claim(s, timer_id, now):
                    continue
                fired += 1
                issue = s.get(LineIssue, issue_id)
                if issue is None or issue.state != "new":
                    continue
                ref = load_person_ref(s, issue.recipient_id)
                raiser = load_person_ref(s, issue.raiser_id)
                text = t(ref.lang, "issue.reminder", id=issue.id, title=escape(issue.title), name=raiser.name,
                         since=fmt_datetime(issue.created_at, self._settings.tz))
                queued.append(outbox.queue_dm(s, issue.recipient_id, text, None, now))
        return fired

    # -------------------------------------------------------------- internals

    def _day_seconds(self) -> float:
        start, end = self._settings.ifn_working_hours_start, self._settings.ifn_working_hours_end
        return (end.hour * 3600 + end.minute * 60) - (start.hour * 3600 + start.minute * 60)

    @staticmethod
    def _cancel_reminder(s: Session, issue_id: int) -> None:
        row = s.scalar(select(Timer).where(Timer.key == f"{REMINDER}:{issue_id}", Timer.state == "pending"))
        if row is not None:
            row.state = "cancelled"

    @staticmethod
    def _queue_sync(s: Session, issue_id: int, now: datetime) -> list[str]:
        return queue_issue_sync(s, issue_id, now)

    def _render(self, s: Session, payload: dict[str, Any]) -> Rendered | None:
        """One side's DM, from the current state (posted once, then updated in place)."""
        who = payload["who"]
        issue = s.get(LineIssue, int(payload["issue_id"]))
        if issue is None:
            return None
        raiser, recipient = load_person_ref(s, issue.raiser_id), load_person_ref(s, issue.recipient_id)
        person = raiser if who == "raiser" else recipient
        text, blocks = issue_message(issue, raiser.name, recipient.name, person.lang, who, self._settings)
        return Rendered(ToPerson(person.id), text, blocks)

    @staticmethod
    def _posted(s: Session, payload: dict[str, Any], ref: MessageRef) -> None:
        issue = s.get(LineIssue, int(payload["issue_id"]))
        if issue is None:
            return
        if payload["who"] == "raiser":
            issue.raiser_channel, issue.raiser_ts = ref.channel, ref.ts
        else:
            issue.recipient_channel, issue.recipient_ts = ref.channel, ref.ts


def queue_issue_sync(s: Session, issue_id: int, now: datetime) -> list[str]:
    """Both sides' DMs. The recipient's key names the recipient: an issue handed
    over to someone else is a new message in their DM, not an edit of the old one."""
    issue = s.get(LineIssue, issue_id)
    recipient = f"recipient:{issue.recipient_id}" if issue is not None else "recipient"
    return [outbox.queue(s, SYNC_ISSUE, f"{SYNC_ISSUE}:{issue_id}:{key}", {"issue_id": issue_id, "who": who},
                         now) for who, key in (("raiser", "raiser"), ("recipient", recipient))]


def issue_message(issue: LineIssue, raiser: str, recipient: str, lang, who: str,
                  settings: CoreSettings) -> tuple[str, list[dict[str, Any]]]:
    tz = settings.tz
    kind = t(lang, f"issue.kind.{issue.kind}")
    header = t(lang, "issue.header", id=issue.id)
    fields = [t(lang, "issue.field.kind", kind=kind),
              t(lang, "issue.field.from", name=raiser), t(lang, "issue.field.to", name=recipient)]
    if issue.area_code:
        fields.append(t(lang, "issue.field.area", area=issue.area_code))
    state_line = t(lang, f"issue.state.{issue.state}", name=recipient,
                   time=fmt_datetime(issue.acknowledged_at or issue.created_at, tz))
    blocks: list[Any] = [
        HeaderBlock(text=header),
        SectionBlock(text=MarkdownTextObject(text=f"*{escape(issue.title)}*")),
        SectionBlock(fields=[MarkdownTextObject(text=f) for f in fields]),
        *sections(escape(issue.description), quoted=True),
        ContextBlock(elements=[MarkdownTextObject(text=state_line)]),
    ]
    if issue.reply:
        blocks += sections(t(lang, "issue.reply_from", name=recipient) + "\n" + quote(escape(issue.reply)))
    if who == "recipient" and issue.state != "answered":
        buttons = []
        if issue.state == "new":
            buttons.append(ButtonElement(text=t(lang, "issue.button.acknowledge"),
                                         action_id=IssueAction.ACKNOWLEDGE.value, value=str(issue.id),
                                         style="primary"))
        buttons.append(ButtonElement(text=t(lang, "issue.button.reply"), action_id=IssueAction.REPLY.value,
                                     value=str(issue.id)))
        blocks.append(ActionsBlock(elements=buttons))
    text = f"{header}: {escape(issue.title)} – {state_line}"
    return text, [b.to_dict() for b in blocks]
