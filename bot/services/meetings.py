"""Network meetings (memo §2, SPEC §5): series and one-off meetings, their
occurrences (materialized eight weeks ahead), the minute-taker rotation and the
reminders around each occurrence.

Each occurrence gets durable timers, one per kind (``storage.repositories.meetings``):

* ``mtg_remind_2d`` — network channel, two working days before (at the start of the working day);
* ``mtg_taker_dm`` — the minute-taker, the working day before;
* ``mtg_remind_1h`` — network channel, one hour before;
* ``mtg_minutes_prompt`` — the minute-taker, when the meeting has ended: **Skriv referat**;
* ``mtg_minutes_remind`` — the minute-taker, two working days after, if no minutes yet;
* ``mtg_minutes_escalate`` — the IFRs, five working days after, if still none.

A timer found due late (everything was down) fires once if it still means
something; a reminder for a meeting that has started or ended, or was cancelled,
is dropped — never sent late. Every message goes through the outbox.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.domain.language import Lang
from bot.domain.roles import Role
from bot.i18n import plural, t
from bot.i18n.format import fmt_date, fmt_day, fmt_time
from bot.messages.text import escape
from bot.recurrence import Freq, Rule, occurrences, rotation
from bot.services import decisions, outbox
from bot.services.outbox import OutboxService
from bot.services.role_holders import holdings
from bot.settings import Settings
from storage.models import Meeting, MeetingOccurrence, Person
from storage.repositories import directory as directory_repo
from storage.repositories import meetings as repo

log = logging.getLogger("ifn_bot.meetings")

HORIZON = timedelta(weeks=8)
NETWORK_ROLES = (Role.IFK, Role.BFK, Role.IFR)
REMINDERS = ("mtg_remind_2d", "mtg_taker_dm", "mtg_remind_1h")
MINUTES_WRITE_ACTION = "minutes_write"


@dataclass(frozen=True, slots=True)
class MeetingForm:
    title: str
    rule: Rule
    first: date
    at: time
    location: str | None = None
    agenda_url: str | None = None
    minute_takers: list[int] = field(default_factory=list)
    duration_minutes: int = 60


@dataclass(frozen=True, slots=True)
class Reply:
    ok: bool
    text: str
    meeting_id: int | None = None


def working_days_after(cal: WorkingCalendar, day: date, n: int) -> date:
    for _ in range(n):
        day = cal.next_working_day(day)
    return day


def reminder_times(cal: WorkingCalendar, start: datetime, duration: timedelta) -> dict[str, datetime]:
    """When each timer of an occurrence starting at ``start`` (UTC) is due. Pure."""
    day = cal.local_date(start)
    local_at = cal.to_local(start).timetz().replace(tzinfo=None)
    end = start + duration
    end_day = cal.local_date(end)
    end_at = cal.to_local(end).timetz().replace(tzinfo=None)
    return {
        "mtg_remind_2d": cal.day_start(cal.working_days_before(day, 2)),
        "mtg_taker_dm": cal.day_start(cal.previous_working_day(day)),
        "mtg_remind_1h": start - timedelta(hours=1),
        "mtg_minutes_prompt": end,
        "mtg_minutes_remind": cal.at_local(working_days_after(cal, end_day, 2), end_at),
        "mtg_minutes_escalate": cal.at_local(working_days_after(cal, end_day, 5), max(local_at, end_at)),
    }


def may_organise(person: Person | None, day: date) -> bool:
    return any(role in (Role.IFR, Role.ADMIN) for role, _ in holdings(person, day))


class MeetingService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, calendar: WorkingCalendar,
                 settings: Settings, delivery: OutboxService) -> None:
        self._sessions = sessions
        self._clock = clock
        self._calendar = calendar
        self._settings = settings
        self._delivery = delivery

    def _step(self) -> AbstractContextManager[tuple[Session, datetime, list[str]]]:
        return self._delivery.unit_of_work()

    @property
    def tz(self):
        return self._settings.tz

    # ------------------------------------------------------------------ who

    def network_members(self) -> list[tuple[int, str]]:
        """(person id, name) of the IFKs, the BFK and the IFRs, for the rotation picker."""
        today = self._calendar.local_date(self._clock.now())
        with self._sessions() as s:
            found: dict[int, str] = {}
            for person, _ra in directory_repo.people_with_roles(s, [r.value for r in NETWORK_ROLES]):
                if any(role in NETWORK_ROLES for role, _ in holdings(person, today)):
                    found.setdefault(person.id, person.name)
        return sorted(found.items(), key=lambda item: item[1])

    def may_organise(self, person_id: int) -> bool:
        with self._sessions() as s:
            return may_organise(s.get(Person, person_id), self._calendar.local_date(self._clock.now()))

    # ------------------------------------------------------------------ create / list / cancel

    def create(self, actor_id: int, form: MeetingForm, lang: Lang,
               idempotency_key: str | None = None) -> Reply:
        """A series or a one-off; the same ``idempotency_key`` again (a Slack retry,
        a double submit) creates nothing more and says nothing more."""
        with self._step() as (s, now, queued):
            if not may_organise(s.get(Person, actor_id), self._calendar.local_date(now)):
                return Reply(False, t(lang, "mtg.not_allowed"))
            if idempotency_key and decisions.decide(s, idempotency_key, "submitted", actor_id, now):
                return Reply(True, "")
            meeting = Meeting(
                title=form.title, kind="one_off" if form.rule.freq is Freq.ONCE else "series",
                recurrence=form.rule.to_json(), starts_at=self._start(form.first, form.at),
                local_time=form.at.strftime("%H:%M"), duration_minutes=form.duration_minutes,
                location=form.location, agenda_url=form.agenda_url, minute_takers=list(form.minute_takers),
                rotation_index=0, cancelled=False, created_by_id=actor_id, created_at=now,
            )
            s.add(meeting)
            s.flush()
            made = self._materialize(s, meeting, now)
            first = made[0] if made else None
        when = fmt_date(first, self.tz) + " " + fmt_time(first, self.tz) if first else "–"
        return Reply(True, t(lang, "mtg.created", title=escape(form.title), when=when,
                                 meetings=plural(lang, "mtg.count", len(made))), meeting.id)

    def _start(self, day: date, at: time) -> datetime:
        from bot.recurrence import to_utc

        return to_utc(day, at, self.tz)

    def _materialize(self, s: Session, meeting: Meeting, now: datetime) -> list[datetime]:
        """Create the occurrences up to the horizon that do not exist yet, each with
        the next minute-taker in the rotation and its timers."""
        local_first = self._calendar.local_date(meeting.starts_at)
        at = time.fromisoformat(meeting.local_time)
        existing = repo.occurrence_starts(s, meeting.id)
        made: list[datetime] = []
        for start in occurrences(Rule.from_json(meeting.recurrence), local_first, at, self.tz,
                                 until=now + HORIZON, since=now):
            if start in existing:
                continue
            occ = MeetingOccurrence(meeting_id=meeting.id, starts_at=start, cancelled=False,
                                    minute_taker_id=rotation(list(meeting.minute_takers),
                                                             meeting.rotation_index))
            meeting.rotation_index += 1
            s.add(occ)
            s.flush()
            for kind, due in reminder_times(self._calendar, start,
                                            timedelta(minutes=meeting.duration_minutes)).items():
                if kind in ("mtg_remind_2d", "mtg_remind_1h") and due < now:
                    continue  # created too late for this channel reminder (the taker's DM still goes)
                repo.schedule_timer(s, kind=kind, occurrence_id=occ.id, due_at=due, now=now)
            made.append(start)
        return made

    def materialize_all(self, s: Session, now: datetime, today: date) -> list[str]:
        """The daily job: keep every series materialized eight weeks ahead."""
        for meeting in repo.active_series(s):
            if meeting.kind == "series":
                self._materialize(s, meeting, now)
        return []

    def upcoming(self, lang: Lang) -> str:
        now = self._clock.now()
        with self._sessions() as s:
            rows = repo.upcoming(s, now)
            lines = [self._line(s, occ, lang) for occ in rows]
        if not lines:
            return t(lang, "mtg.none")
        return "\n".join([f"*{t(lang, 'mtg.list_title')}*", *lines, t(lang, "mtg.list_hint")])

    def _line(self, s: Session, occ: MeetingOccurrence, lang: Lang) -> str:
        taker = s.get(Person, occ.minute_taker_id) if occ.minute_taker_id else None
        return t(lang, "mtg.list_line", occ=occ.id, series=occ.meeting_id, title=escape(occ.meeting.title),
                 date=fmt_date(occ.starts_at, self.tz), time=fmt_time(occ.starts_at, self.tz),
                 taker=taker.name if taker else "–")

    def cancel_occurrence(self, actor_id: int, occurrence_id: int, lang: Lang) -> Reply:
        with self._step() as (s, now, queued):
            if not may_organise(s.get(Person, actor_id), self._calendar.local_date(now)):
                return Reply(False, t(lang, "mtg.not_allowed"))
            occ = s.get(MeetingOccurrence, occurrence_id)
            if occ is None or occ.cancelled or occ.starts_at < now:
                return Reply(False, t(lang, "mtg.not_found", id=occurrence_id))
            occ.cancelled = True
            repo.cancel_timers(s, [occ.id])
            text = t(Lang.NB, "mtg.cancelled_post", title=escape(occ.meeting.title),
                     day=fmt_day(occ.starts_at, Lang.NB, self.tz), time=fmt_time(occ.starts_at, self.tz))
            queued += self._to_network(s, text, None, now,
                                       f"mtg-cancel:{occ.id}:{int(occ.starts_at.timestamp())}")
            told = self._settings.ifn_network_channel  # the confirmation says only what happened
            return Reply(True, t(lang, "mtg.cancelled_one" if told else "mtg.cancelled_one_no_channel",
                                 id=occ.id))

    def edit_form(self, actor_id: int, meeting_id: int, lang: Lang) -> MeetingForm | Reply:
        """The series as the form shows it, for ``/ifn møte endre``."""
        now = self._clock.now()
        with self._sessions() as s:
            if not may_organise(s.get(Person, actor_id), self._calendar.local_date(now)):
                return Reply(False, t(lang, "mtg.not_allowed"))
            meeting = s.get(Meeting, meeting_id)
            if meeting is None or meeting.cancelled:
                return Reply(False, t(lang, "mtg.not_found", id=meeting_id))
            upcoming = [o for o in repo.future_occurrences(s, meeting.id, now) if not o.cancelled]
            first = min((o.starts_at for o in upcoming), default=meeting.starts_at)
            return MeetingForm(title=meeting.title, rule=Rule.from_json(meeting.recurrence),
                               first=self._calendar.local_date(first),
                               at=time.fromisoformat(meeting.local_time),
                               location=meeting.location, agenda_url=meeting.agenda_url,
                               minute_takers=list(meeting.minute_takers),
                               duration_minutes=meeting.duration_minutes)

    def update(self, actor_id: int, meeting_id: int, form: MeetingForm, lang: Lang,
               idempotency_key: str | None = None) -> Reply:
        """Change a meeting from now on: the upcoming occurrences (not the cancelled
        ones) and their timers are replaced by those of the new form; the rotation
        goes on from where it is."""
        with self._step() as (s, now, queued):
            if not may_organise(s.get(Person, actor_id), self._calendar.local_date(now)):
                return Reply(False, t(lang, "mtg.not_allowed"))
            if idempotency_key and decisions.decide(s, idempotency_key, "submitted", actor_id, now):
                return Reply(True, "")
            meeting = s.get(Meeting, meeting_id)
            if meeting is None or meeting.cancelled:
                return Reply(False, t(lang, "mtg.not_found", id=meeting_id))
            future = [o for o in repo.future_occurrences(s, meeting.id, now) if not o.cancelled]
            repo.cancel_timers(s, [o.id for o in future])
            for occ in future:
                s.delete(occ)
            s.flush()
            past = s.scalar(select(func.count()).select_from(MeetingOccurrence).where(
                MeetingOccurrence.meeting_id == meeting.id, MeetingOccurrence.starts_at < now)) or 0
            meeting.title, meeting.recurrence = form.title, form.rule.to_json()
            meeting.kind = "one_off" if form.rule.freq is Freq.ONCE else "series"
            meeting.starts_at = self._start(form.first, form.at)
            meeting.local_time = form.at.strftime("%H:%M")
            meeting.location, meeting.agenda_url = form.location, form.agenda_url
            meeting.minute_takers, meeting.rotation_index = list(form.minute_takers), int(past)
            made = self._materialize(s, meeting, now)
            first = made[0] if made else None
        when = fmt_date(first, self.tz) + " " + fmt_time(first, self.tz) if first else "–"
        return Reply(True, t(lang, "mtg.updated", title=escape(form.title), when=when,
                                 meetings=plural(lang, "mtg.count", len(made))), meeting_id)

    def cancel_series(self, actor_id: int, meeting_id: int, lang: Lang) -> Reply:
        with self._step() as (s, now, queued):
            if not may_organise(s.get(Person, actor_id), self._calendar.local_date(now)):
                return Reply(False, t(lang, "mtg.not_allowed"))
            meeting = s.get(Meeting, meeting_id)
            if meeting is None or meeting.cancelled:
                return Reply(False, t(lang, "mtg.not_found", id=meeting_id))
            meeting.cancelled = True
            future = repo.future_occurrences(s, meeting.id, now)
            for occ in future:
                occ.cancelled = True
            repo.cancel_timers(s, [occ.id for occ in future])
            post = t(Lang.NB, "mtg.series_cancelled_post", title=escape(meeting.title))
            queued += self._to_network(s, post, None, now, f"mtg-cancel-series:{meeting.id}")
            return Reply(True, t(lang, "mtg.cancelled_series", title=escape(meeting.title)))

    # ------------------------------------------------------------------ timers

    def _to_network(self, s: Session, text: str, blocks: list[dict[str, Any]] | None, now: datetime,
                    key: str) -> list[str]:
        channel = self._settings.ifn_network_channel
        if not channel:
            log.warning("IFN_NETWORK_CHANNEL is not set; meeting message dropped: %s", key)
            return []
        return [outbox.queue_post(s, channel, text, blocks, now, dedupe_key=key)]

    def fire_due(self) -> int:
        """The tick's sweep: fire due meeting timers once; drop those no longer meaningful."""
        now = self._clock.now()
        with self._sessions() as s:
            due = [(tm.id, tm.kind, int(tm.payload.get("occurrence_id", 0)))
                   for tm in repo.due_timers(s, now)]
        fired = 0
        for timer_id, kind, occurrence_id in due:
            with self._step() as (s, now, queued):
                if not repo.claim_timer(s, timer_id, now):
                    continue
                fired += 1
                occ = s.get(MeetingOccurrence, occurrence_id)
                if occ is None or occ.cancelled or occ.meeting.cancelled:
                    continue
                if kind in REMINDERS and now >= occ.starts_at:
                    log.info("meeting reminder %s for occurrence %s dropped: the meeting has begun",
                             kind, occ.id)
                    continue
                try:
                    with s.begin_nested():
                        queued += self._fire(s, kind, occ, now)
                except IntegrityError:  # its message is already in the outbox
                    log.info("meeting timer %s for occurrence %s: already sent", kind, occ.id)
        return fired

    def _fire(self, s: Session, kind: str, occ: MeetingOccurrence, now: datetime) -> list[str]:
        meeting = occ.meeting
        taker = s.get(Person, occ.minute_taker_id) if occ.minute_taker_id else None
        key = f"{kind}:{occ.id}:{int(occ.starts_at.timestamp())}"
        if kind in ("mtg_remind_2d", "mtg_remind_1h"):
            text = self.reminder_text(Lang.NB, kind, occ, taker)
            return self._to_network(s, text, None, now, key)
        if taker is None:
            return []
        lang = Lang.parse(taker.language)
        params = {"title": escape(meeting.title), "date": fmt_date(occ.starts_at, self.tz),
                  "time": fmt_time(occ.starts_at, self.tz)}
        if kind == "mtg_taker_dm":  # the true day, also when it goes out on a Friday for a Monday
            text = t(lang, "mtg.taker_dm", day=fmt_day(occ.starts_at, lang, self.tz), **params)
            return [outbox.queue_dm(s, taker.id, text, None, now, key)]
        if repo.minutes_for(s, occ.id) is not None:
            return []  # minutes are in: nothing to ask for
        if kind == "mtg_minutes_prompt":
            text = t(lang, "mtg.minutes_prompt", **params)
            return [outbox.queue_dm(s, taker.id, text, minutes_button(lang, text, occ.id), now, key,
                                    decision_key=minutes_key(occ.id))]
        if kind == "mtg_minutes_remind":
            text = t(lang, "mtg.minutes_remind", **params)
            return [outbox.queue_dm(s, taker.id, text, minutes_button(lang, text, occ.id), now, key,
                                    decision_key=minutes_key(occ.id))]
        if kind == "mtg_minutes_escalate":
            today = self._calendar.local_date(now)
            queued: list[str] = []
            seen: set[int] = set()
            for person, _ra in directory_repo.people_with_roles(s, [Role.IFR.value]):
                if person.id in seen or not any(r is Role.IFR for r, _ in holdings(person, today)):
                    continue
                seen.add(person.id)
                plang = Lang.parse(person.language)
                queued.append(outbox.queue_dm(s, person.id, t(plang, "mtg.minutes_escalate", taker=taker.name,
                                                              **params), None, now, f"{key}:{person.id}"))
            return queued
        log.warning("unknown meeting timer kind %s", kind)
        return []

    def reminder_text(self, lang: Lang, kind: str, occ: MeetingOccurrence, taker: Person | None) -> str:
        meeting = occ.meeting
        key = "mtg.remind_2d" if kind == "mtg_remind_2d" else "mtg.remind_1h"
        head = t(lang, key, title=escape(meeting.title),
                 day=fmt_day(occ.starts_at, lang, self.tz), time=fmt_time(occ.starts_at, self.tz))
        lines = [head]
        if meeting.location:
            lines.append(t(lang, "mtg.where", where=escape(meeting.location)))
        lines.append(t(lang, "mtg.agenda", agenda=escape(meeting.agenda_url or "–")))
        if taker is None:
            taker_text = "–"
        else:
            taker_text = f"<@{taker.slack_user_id}>" if taker.slack_user_id else taker.name
        lines.append(t(lang, "mtg.taker", taker=taker_text))
        return "\n".join(lines)


def minutes_key(occurrence_id: int) -> str:
    """The decision the *Skriv referat* buttons ask for: the minutes of that meeting."""
    return f"minutes:{occurrence_id}"


def minutes_button(lang: Lang, text: str, occurrence_id: int) -> list[dict[str, Any]]:
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "actions", "block_id": f"minutes_{occurrence_id}", "elements": [{
            "type": "button", "style": "primary", "action_id": MINUTES_WRITE_ACTION,
            "value": str(occurrence_id),
            "text": {"type": "plain_text", "text": t(lang, "mtg.minutes_button")},
        }]},
    ]
