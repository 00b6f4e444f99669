"""Training records (memo §8.1): Trinn 1 (mandatory for everyone who
interviews), Trinn 2 with a topic, Trinn 3 — imported from the directory file
or set by an IFK, the BFK or an IFR with ``/ifn opplæring``; and the monthly reminder to
caseworkers without Trinn 1, with the list to their area's IFK.

A record is unique per person, level and topic; setting it again only updates
its date, so an import or a repeated command never creates duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.dates import ParseError, parse_date, parse_mention, tokens
from bot.domain.language import Lang
from bot.domain.roles import Role
from bot.domain.training import parse_topic
from bot.i18n import t
from bot.i18n.format import fmt_date
from bot.services import outbox
from bot.services.outbox import OutboxService
from bot.services.periodic import PeriodicJob, month_of, monthly_next, next_timers_due, run_periodic
from bot.services.reports import caseworkers, has_trinn1
from bot.services.role_holders import holdings
from storage.models import Person, TrainingRecord
from storage.repositories import directory as directory_repo
from storage.repositories.training import upsert_record

MONTHLY_KEY = "monthly:trinn1_reminder"

LEVEL_WORDS = {"trinn1": 1, "trinn2": 2, "trinn3": 3, "level1": 1, "level2": 2, "level3": 3}
#: Who may record training for others.
RECORDERS = frozenset({Role.IFK, Role.BFK, Role.IFR, Role.ADMIN})


@dataclass(frozen=True, slots=True)
class ShowTraining:
    user: str | None  # None: the caller's own


@dataclass(frozen=True, slots=True)
class AnnounceTraining:
    """Open the session form (the group-session sign-up, reused)."""


ANNOUNCE_WORDS = frozenset({"ny", "new", "kurs", "announce"})


@dataclass(frozen=True, slots=True)
class SetTraining:
    user: str
    level: int
    topic: str
    on: date | None


def parse_training(text: str) -> ShowTraining | SetTraining | AnnounceTraining | ParseError:
    """``[@person [trinn1|trinn2 TEMA|trinn3 [dato]]]`` or ``ny`` after the subcommand word."""
    words = tokens(text)
    if not words:
        return ShowTraining(None)
    if len(words) == 1 and words[0].lower() in ANNOUNCE_WORDS:
        return AnnounceTraining()
    user = parse_mention(words[0])
    if user is None:
        return ParseError("train.usage")
    if len(words) == 1:
        return ShowTraining(user)
    level = LEVEL_WORDS.get(words[1].lower())
    if level is None:
        return ParseError("train.bad_level", {"text": words[1]})
    rest = words[2:]
    topic = ""
    if level == 2:
        if not rest:
            return ParseError("train.topic_needed")
        found = parse_topic(rest[0])
        if found is None:
            return ParseError("train.bad_topic", {"text": rest[0]})
        topic, rest = found, rest[1:]
    on = None
    if rest:
        on = parse_date(rest[0])
        if on is None or len(rest) > 1:
            return ParseError("train.bad_date", {"text": " ".join(rest)})
    return SetTraining(user, level, topic, on)


@dataclass(frozen=True, slots=True)
class Reply:
    ok: bool
    text: str


def level_text(lang: Lang, level: int, topic: str) -> str:
    return t(lang, f"train.level.{level}") + (f" ({t(lang, f'train.topic.{topic}')})" if topic else "")


class TrainingService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, calendar: WorkingCalendar,
                 delivery: OutboxService) -> None:
        self._sessions = sessions
        self._clock = clock
        self._calendar = calendar
        self._delivery = delivery

    def _today(self) -> date:
        return self._calendar.local_date(self._clock.now())

    def may_record(self, actor_id: int) -> bool:
        with self._sessions() as s:
            return any(role in RECORDERS for role, _ in holdings(s.get(Person, actor_id), self._today()))

    def record(self, actor_id: int, person_id: int, level: int, topic: str, on: date | None,
               lang: Lang) -> Reply:
        today = self._today()
        if on is not None and on > today:
            return Reply(False, t(lang, "train.future", date=fmt_date(on)))
        with self._sessions.begin() as s:
            if not any(role in RECORDERS for role, _ in holdings(s.get(Person, actor_id), today)):
                return Reply(False, t(lang, "train.not_allowed"))
            person = s.get(Person, person_id)
            if person is None or not person.active:
                return Reply(False, t(lang, "train.unknown_person"))
            outcome = upsert_record(s, person_id, level, topic, on, "slack")
            name = person.name
        when = t(lang, "train.on", date=fmt_date(on)) if on else ""
        return Reply(True, t(lang, f"train.recorded.{outcome}", name=name,
                             level=level_text(lang, level, topic), when=when))

    def records_text(self, person_id: int, lang: Lang) -> Reply:
        with self._sessions() as s:
            person = s.get(Person, person_id)
            if person is None:
                return Reply(False, t(lang, "train.unknown_person"))
            rows = s.scalars(select(TrainingRecord).where(TrainingRecord.person_id == person_id)
                             .order_by(TrainingRecord.level, TrainingRecord.topic)).all()
            lines = [t(lang, "train.list_title", name=person.name)]
            for r in rows:
                done = f" – {fmt_date(r.completed_on)}" if r.completed_on else ""
                lines.append(f"• {level_text(lang, r.level, r.topic)}{done}")
            if not rows:
                lines.append(t(lang, "train.none"))
            if not any(r.level == 1 for r in rows):
                lines.append(t(lang, "train.trinn1_missing"))
        return Reply(True, "\n".join(lines))

    # ------------------------------------------------------------ monthly job

    def next_due(self) -> datetime | None:
        return next_timers_due(self._sessions, MONTHLY_KEY)

    def fire_due(self) -> int:
        spec = PeriodicJob(MONTHLY_KEY, monthly_next(self._calendar), month_of, self.queue_trinn1_reminders)
        return int(run_periodic(self._sessions, self._clock, self._calendar, self._delivery, spec))

    def queue_trinn1_reminders(self, s: Session, now: datetime, month: str) -> list[str]:
        """Each caseworker without Trinn 1 is reminded; each area's IFK gets the list."""
        today = self._calendar.local_date(now)
        queued: list[str] = []

        def queue_dm(person: Person, text: str, key: str) -> None:
            try:
                with s.begin_nested():
                    queued.append(outbox.queue_dm(s, person.id, text, None, now, dedupe_key=key))
            except IntegrityError:
                pass  # already sent this month

        missing: dict[str, list[Person]] = {}
        for person, area in caseworkers(s, today):
            if has_trinn1(s, person.id):
                continue
            missing.setdefault(area, []).append(person)
            queue_dm(person, t(Lang.parse(person.language), "train.reminder"),
                     f"trinn1_reminder:{month}:{person.id}")
        ifks: dict[str, list[Person]] = {}
        for person, _ra in directory_repo.people_with_roles(s, [Role.IFK.value]):
            for role, area in holdings(person, today):
                if role is Role.IFK and area and person not in ifks.setdefault(area, []):
                    ifks[area].append(person)
        for area, people in sorted(missing.items()):
            for ifk in ifks.get(area, []):
                lang = Lang.parse(ifk.language)
                names = "\n".join(f"• {p.name}" for p in people)
                queue_dm(ifk, t(lang, "train.ifk_list", area=area, count=len(people), names=names),
                         f"trinn1_list:{month}:{ifk.id}")
        return queued
