"""Group supervision (memo 8.2.4): an IFK, the BFK or an IFR announces a session in the
network channel; people sign up with **Meld på** while places last, then join
a waiting list that moves up when someone withdraws (**Meld av**). The
announcement is re-rendered from the current state and updated in place;
participants are reminded the day before and an hour before (durable timers);
the organiser can cancel, and everyone signed up is told."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.domain.language import DEFAULT_LANG
from bot.domain.results import OK, Outcome, Result
from bot.domain.roles import Role
from bot.i18n import t
from bot.i18n.format import fmt_datetime, fmt_day, fmt_time
from bot.messages.text import escape
from bot.notifier import MessageRef
from bot.services import decisions, outbox
from bot.services.outbox import OutboxService, Rendered, ToChannel
from bot.services.role_holders import holds_any
from bot.services.snapshots import load_person_ref
from bot.settings import CoreSettings
from storage.models import GroupSession, GroupSignup, Person, Timer
from storage.repositories import timers as timer_repo

SYNC_SESSION = "sync_group_session"
REMIND_DAY = "group_reminder_day"
REMIND_HOUR = "group_reminder_hour"
SIGNED_UP, WAITLISTED, WITHDRAWN = "signed_up", "waitlisted", "withdrawn"
#: Who may announce group and training sessions: the IFKs and the IFRs, and the
#: BFK, who "skal tilby kompetanseheving … til samtlige områder" (memo §4).
ORGANISER_ROLES = (Role.IFK.value, Role.BFK.value, Role.IFR.value)


class GroupAction(StrEnum):
    SIGN_UP = "group_sign_up"
    WITHDRAW = "group_withdraw"
    CANCEL = "group_cancel"


@dataclass(frozen=True, slots=True)
class NewSession:
    title: str
    starts_at: datetime  # aware
    place: str
    capacity: int
    co_organiser_id: int | None = None
    kind: str = "group"  # group | training (a Trinn 2/3 session, announced with /ifn opplæring ny)


class GroupSessionService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: CoreSettings,
                 calendar: WorkingCalendar, delivery: OutboxService) -> None:
        self._sessions = sessions
        self._clock = clock
        self._settings = settings
        self._calendar = calendar
        self._delivery = delivery
        delivery.register(SYNC_SESSION, self._render, self._posted)

    def _step(self) -> AbstractContextManager[tuple[Session, datetime, list[str]]]:
        return self._delivery.unit_of_work()

    def may_organise(self, person_id: int) -> bool:
        today = self._calendar.local_date(self._clock.now())
        with self._sessions() as s:
            return holds_any(s.get(Person, person_id), (Role(r) for r in ORGANISER_ROLES), today)

    # ------------------------------------------------------------------ steps

    def create(self, organiser_id: int, new: NewSession, idempotency_key: str | None = None) -> Result:
        if not self.may_organise(organiser_id):
            return Result(Outcome.INVALID, "group.notice.wrong_role")
        channel = self._settings.ifn_network_channel
        if not channel:
            return Result(Outcome.INVALID, "group.notice.no_channel")
        with self._step() as (s, now, queued):
            # The same form again (a Slack retry, a double click, two at once) creates
            # nothing more: the decision on the form's view id is made once.
            if idempotency_key and decisions.earlier(s, idempotency_key) is not None:
                return OK
            if new.starts_at <= now:
                return Result(Outcome.INVALID, "group.notice.past")
            if idempotency_key and decisions.decide(s, idempotency_key, "submitted", organiser_id, now):
                return OK  # the same form, stored a moment ago by a concurrent retry
            session = GroupSession(kind=new.kind, title=new.title, starts_at=new.starts_at,
                                   location=new.place, capacity=new.capacity, organiser_id=organiser_id,
                                   co_organiser_id=new.co_organiser_id, channel=channel, cancelled=False,
                                   idempotency_key=idempotency_key, created_at=now)
            s.add(session)
            s.flush()
            for kind, due in ((REMIND_DAY, new.starts_at - timedelta(days=1)),
                              (REMIND_HOUR, new.starts_at - timedelta(hours=1))):
                if due > now:
                    timer_repo.schedule(s, kind=kind, key=f"{kind}:{session.id}", due_at=due, now=now,
                                        payload={"session_id": session.id})
            queued.append(self._queue_sync(s, session.id, now))
            return Result(Outcome.OK, None, {"id": session.id})

    def sign_up(self, session_id: int, person_id: int) -> Result:
        with self._step() as (s, now, queued):
            session = self._locked(s, session_id)
            if session is None:
                return Result(Outcome.NOT_FOUND, "group.notice.not_found")
            if session.cancelled:
                return Result(Outcome.FINAL, "group.notice.cancelled", {"title": session.title})
            if session.starts_at <= now:
                return Result(Outcome.FINAL, "group.notice.past_signup", {"title": session.title})
            row = s.scalar(select(GroupSignup).where(GroupSignup.session_id == session_id,
                                                     GroupSignup.person_id == person_id))
            if row is not None and row.state == SIGNED_UP:
                return Result(Outcome.INVALID, "group.notice.already_signed_up", {"title": session.title})
            if row is not None and row.state == WAITLISTED:
                return Result(Outcome.INVALID, "group.notice.already_waitlisted", {"title": session.title})
            full = self._count(s, session_id, SIGNED_UP) >= session.capacity
            state = WAITLISTED if full else SIGNED_UP
            position = (s.scalar(select(func.max(GroupSignup.position))
                                 .where(GroupSignup.session_id == session_id)) or 0) + 1
            if row is None:
                s.add(GroupSignup(session_id=session_id, person_id=person_id, state=state, position=position,
                                  created_at=now))
            else:
                row.state, row.position = state, position
            s.flush()
            queued.append(self._queue_sync(s, session_id, now))
            key = "group.notice.waitlisted" if full else "group.notice.signed_up"
            when = fmt_datetime(session.starts_at, self._settings.tz)
            return Result(Outcome.OK, key, {"title": session.title, "time": when,
                                            "place": session.location or "–",
                                            "n": self._count(s, session_id, WAITLISTED)})

    def withdraw(self, session_id: int, person_id: int) -> Result:
        with self._step() as (s, now, queued):
            session = self._locked(s, session_id)
            if session is None:
                return Result(Outcome.NOT_FOUND, "group.notice.not_found")
            row = s.scalar(select(GroupSignup).where(GroupSignup.session_id == session_id,
                                                     GroupSignup.person_id == person_id))
            if row is None or row.state == WITHDRAWN:
                return Result(Outcome.INVALID, "group.notice.not_signed_up", {"title": session.title})
            if session.cancelled:
                return Result(Outcome.FINAL, "group.notice.cancelled", {"title": session.title})
            had_place = row.state == SIGNED_UP
            row.state = WITHDRAWN
            s.flush()
            if had_place and session.starts_at > now:
                first = s.scalar(select(GroupSignup).where(GroupSignup.session_id == session_id,
                                                           GroupSignup.state == WAITLISTED)
                                 .order_by(GroupSignup.position).limit(1))
                if first is not None:
                    first.state = SIGNED_UP
                    ref = load_person_ref(s, first.person_id)
                    text = t(ref.lang, "group.moved_up", title=escape(session.title),
                             time=fmt_datetime(session.starts_at, self._settings.tz))
                    queued.append(outbox.queue_dm(s, first.person_id, text, None, now))
            queued.append(self._queue_sync(s, session_id, now))
            return Result(Outcome.OK, "group.notice.withdrawn", {"title": session.title})

    def cancel(self, session_id: int, person_id: int) -> Result:
        with self._step() as (s, now, queued):
            session = self._locked(s, session_id)
            if session is None:
                return Result(Outcome.NOT_FOUND, "group.notice.not_found")
            if person_id not in (session.organiser_id, session.co_organiser_id):
                return Result(Outcome.NOT_ASSIGNEE, "group.notice.not_organiser")
            if session.cancelled:
                return OK
            session.cancelled = True
            keys = [f"{REMIND_DAY}:{session_id}", f"{REMIND_HOUR}:{session_id}"]
            for timer in s.scalars(select(Timer).where(Timer.key.in_(keys), Timer.state == "pending")):
                timer.state = "cancelled"
            organiser = load_person_ref(s, person_id)
            when = fmt_datetime(session.starts_at, self._settings.tz)
            for signup in self._signups(s, session_id, (SIGNED_UP, WAITLISTED)):
                ref = load_person_ref(s, signup.person_id)
                text = t(ref.lang, "group.cancelled_dm", title=escape(session.title), time=when,
                         name=organiser.name)
                queued.append(outbox.queue_dm(s, signup.person_id, text, None, now))
            queued.append(self._queue_sync(s, session_id, now))
            return Result(Outcome.OK, "group.notice.cancelled_by_you", {"title": session.title})

    def fire_due(self) -> int:
        """The scheduler's sweep: the day-before and hour-before reminders."""
        now = self._clock.now()
        with self._sessions() as s:
            due = [(tm.id, tm.kind, int(tm.payload.get("session_id", 0)))
                   for tm in timer_repo.due(s, now, kinds=[REMIND_DAY, REMIND_HOUR])]
        fired = 0
        for timer_id, kind, session_id in due:
            with self._step() as (s, now, queued):
                if not timer_repo.claim(s, timer_id, now):
                    continue
                fired += 1
                session = s.get(GroupSession, session_id)
                if session is None or session.cancelled or session.starts_at <= now:
                    continue
                key = "group.reminder_day" if kind == REMIND_DAY else "group.reminder_hour"
                people = [x.person_id for x in self._signups(s, session_id, (SIGNED_UP,))]
                organisers = (session.organiser_id, session.co_organiser_id)
                people += [p for p in organisers if p and p not in people]
                for pid in people:
                    ref = load_person_ref(s, pid)
                    text = t(ref.lang, key, title=escape(session.title),
                             place=escape(session.location or "–"),
                             time=fmt_time(session.starts_at, self._settings.tz),
                             day=fmt_day(session.starts_at, ref.lang, self._settings.tz))
                    queued.append(outbox.queue_dm(s, pid, text, None, now))
        return fired

    # -------------------------------------------------------------- internals

    @staticmethod
    def _locked(s: Session, session_id: int) -> GroupSession | None:
        """The session row, locked for the rest of the transaction on PostgreSQL
        (two sign-ups for the last place are serialised; SQLite serialises writers)."""
        return s.scalar(select(GroupSession).where(GroupSession.id == session_id).with_for_update())

    @staticmethod
    def _count(s: Session, session_id: int, state: str) -> int:
        return s.scalar(select(func.count()).select_from(GroupSignup)
                        .where(GroupSignup.session_id == session_id, GroupSignup.state == state)) or 0

    @staticmethod
    def _signups(s: Session, session_id: int, states: tuple[str, ...]) -> list[GroupSignup]:
        return list(s.scalars(select(GroupSignup).where(GroupSignup.session_id == session_id,
                                                        GroupSignup.state.in_(states))
                              .order_by(GroupSignup.position)))

    @staticmethod
    def _queue_sync(s: Session, session_id: int, now: datetime) -> str:
        return outbox.queue(s, SYNC_SESSION, f"{SYNC_SESSION}:{session_id}", {"session_id": session_id}, now)

    def _render(self, s: Session, payload: dict[str, Any]) -> Rendered | None:
        """The announcement from the current state (posted once, then updated in place)."""
        session = s.get(GroupSession, int(payload["session_id"]))
        if session is None:
            return None
        ids = (session.organiser_id, session.co_organiser_id)
        names = [s.get(Person, pid).name for pid in ids if pid]
        signed = self._count(s, session.id, SIGNED_UP)
        waiting = self._count(s, session.id, WAITLISTED)
        text, blocks = announcement(session, names, signed, waiting, self._settings)
        return Rendered(ToChannel(session.channel), text, blocks)

    @staticmethod
    def _posted(s: Session, payload: dict[str, Any], ref: MessageRef) -> None:
        session = s.get(GroupSession, int(payload["session_id"]))
        if session is not None:
            session.channel, session.message_ts = ref.channel, ref.ts

def announcement(session: GroupSession, organisers: list[str], signed: int, waiting: int,
                 settings: CoreSettings) -> tuple[str, list[dict[str, Any]]]:
    """The channel message (in the default language: a channel has no one language)."""
    lang = DEFAULT_LANG
    when = fmt_datetime(session.starts_at, settings.tz)
    left = max(session.capacity - signed, 0)
    header_key = "train.announce.header" if session.kind == "training" else "group.announce.header"
    header = t(lang, header_key, title=session.title)
    fields = [t(lang, "group.field.time", time=when),
              t(lang, "group.field.place", place=escape(session.location or "–")),
              t(lang, "group.field.organisers", names=" og ".join(organisers))]
    if session.cancelled:
        places = t(lang, "group.places.cancelled")
    elif left:
        places = t(lang, "group.places.left", left=left, capacity=session.capacity)
    else:
        places = t(lang, "group.places.full", capacity=session.capacity, waiting=waiting)
    blocks: list[Any] = [
        HeaderBlock(text=header[:150]),
        SectionBlock(fields=[MarkdownTextObject(text=f) for f in fields]),
        SectionBlock(text=MarkdownTextObject(text=places)),
    ]
    if not session.cancelled:
        value = str(session.id)
        confirm = ConfirmObject(title=t(lang, "group.confirm.title"), text=t(lang, "group.confirm.text"),
                                confirm=t(lang, "group.confirm.yes"), deny=t(lang, "group.confirm.no"))
        blocks.append(ActionsBlock(elements=[
            ButtonElement(text=t(lang, "group.button.sign_up"), action_id=GroupAction.SIGN_UP.value,
                          value=value, style="primary"),
            ButtonElement(text=t(lang, "group.button.withdraw"), action_id=GroupAction.WITHDRAW.value,
                          value=value),
            ButtonElement(text=t(lang, "group.button.cancel"), action_id=GroupAction.CANCEL.value,
                          value=value, style="danger", confirm=confirm),
        ]))
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t(lang, "group.announce.hint"))]))
    text = t(lang, header_key, title=escape(session.title))  # mrkdwn, unlike the header block
    return f"{text}: {when} – {places}", [b.to_dict() for b in blocks]
