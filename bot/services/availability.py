"""Availability (SPEC §4, memo §3): status, absence periods and substitutes.

What is stored here the router reads (``bot.services.world.load_world``): a
status with an optional ``until`` (an expired one counts as the default, so
nothing has to revert it), absence periods, and designated substitutes.

Every public method is one unit of work; who may do what is decided here from
the database, never from what Slack sent besides the user's identity. Answers
are returned as text in the caller's language; messages to other people are
queued in the outbox in the same transaction and delivered after the commit.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.domain import absence as rules
from bot.domain.absence import Span
from bot.domain.language import Lang
from bot.domain.requests import AvailabilityStatus
from bot.domain.roles import BFK_HOME_AREA, STATUS_ROLES, Role
from bot.i18n import plural, t
from bot.i18n.format import fmt_date, fmt_when
from bot.messages.availability import substitute_reminder_blocks
from bot.services import decisions, outbox
from bot.services.outbox import OutboxService
from bot.services.role_holders import holders, holdings, leads
from storage.models import Person
from storage.repositories import availability as repo
from storage.repositories import directory as directory_repo

#: Roles a substitute can stand in for (memo §3: the IFKs and the BFK).
COORDINATOR_ROLES = (Role.IFK, Role.BFK)


#: When a status set without 'til HH:MM' lapses (local time).
END_OF_DAY = time(23, 59, 59)


class DutyFollower(Protocol):
    """Today's duty post (``bot.services.duty_post``), told of a change."""

    def requeue(self, s: Session, now: datetime, person_id: int, until: datetime | None = None) -> str | None:
        ...


class Field(StrEnum):
    """Which input a refusal is about, so a modal can put it on the right field."""

    PERSON = "person"
    START = "start"
    END = "end"


@dataclass(frozen=True, slots=True)
class Reply:
    ok: bool
    text: str
    field: Field | None = None


@dataclass(frozen=True, slots=True)
class DesignationForm:
    """What the designation modal shows for one coordinator."""

    coordinator_id: int
    coordinator_name: str
    role_text: str
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class _Target:
    coordinator: Person
    role: Role
    area: str


def reminder_key(coordinator_id: int, absence_start: date) -> str:
    """What the daily reminders about one absence ask a leader to decide."""
    return f"substitute_for:{coordinator_id}:{absence_start.isoformat()}"


def period_text(start: date, end: date) -> str:
    return fmt_date(start) if start == end else f"{fmt_date(start)}–{fmt_date(end)}"


def coordinator_roles(person: Person | None, day: date) -> list[tuple[Role, str]]:
    """The IFK/BFK roles ``person`` holds on ``day`` with the area whose leader
    is responsible for them: the IFK's own area; for the BFK the area of their
    role, which the directory sets to the BFK's home (area A in memo §4)."""
    out: list[tuple[Role, str]] = []
    for role, area in holdings(person, day):
        if role is Role.IFK and area:
            out.append((role, area))
        elif role is Role.BFK:
            out.append((role, area or BFK_HOME_AREA))
    return out


class AvailabilityService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, calendar: WorkingCalendar,
                 delivery: OutboxService, duty: DutyFollower | None = None) -> None:
        self._sessions = sessions
        self._clock = clock
        self._calendar = calendar
        self._delivery = delivery
        self._duty = duty  # today's duty post follows status and absence changes

    def _follow(self, s: Session, now: datetime, person_id: int, until: datetime | None = None) -> None:
        if self._duty is not None:
            self._duty.requeue(s, now, person_id, until)

    def _step(self) -> AbstractContextManager[tuple[Session, datetime, list[str]]]:
        return self._delivery.unit_of_work()

    def _today(self, now: datetime) -> date:
        return self._calendar.local_date(now)

    # ------------------------------------------------------------------ status

    @staticmethod
    def _has_status(person: Person | None, day: date) -> bool:
        return any(role in STATUS_ROLES for role, _ in holdings(person, day))

    def set_status(self, person_id: int, status: AvailabilityStatus, until: time | None, lang: Lang) -> Reply:
        """Set the caller's status; ``until`` is a local time today after which it
        counts as the default again."""
        tz = self._calendar.tz
        with self._step() as (s, now, _queued):
            today = self._today(now)
            if not self._has_status(s.get(Person, person_id), today):
                return Reply(False, t(lang, "avail.status.not_allowed"))
            # A status without a time lasts for the rest of the day: a "ledig" set once
            # must not make someone receive live requests at night for weeks.
            until_utc = self._calendar.at_local(today, until if until is not None else END_OF_DAY)
            if until_utc is not None and until_utc <= now:
                return Reply(False, t(lang, "avail.status.until_passed", time=until.strftime("%H:%M"),
                                      now=now.astimezone(tz).strftime("%H:%M")))
            repo.set_status(s, person_id, status.value, until_utc, now)
            self._follow(s, now, person_id, until_utc)
        text = t(lang, "avail.status.set", status=t(lang, f"home.status.{status.value}"))
        if until_utc is not None:
            text += t(lang, "home.status_until", time=fmt_when(until_utc, now, tz)) + "."
            text += "\n" + t(lang, "avail.status.reverts")
        else:
            text += "."
        text += "\n" + t(lang, f"avail.status.hint.{status.value}")
        return Reply(True, text)

    def show_status(self, person_id: int, lang: Lang) -> Reply:
        tz = self._calendar.tz
        with self._sessions() as s:
            now = self._clock.now()
            today = self._today(now)
            if not self._has_status(s.get(Person, person_id), today):
                return Reply(False, t(lang, "avail.status.not_allowed"))
            row = repo.status_of(s, person_id)
            spans = [Span(a.starts_on, a.ends_on) for a in repo.absences_of(s, person_id, today)]
            away = rules.covering(spans, today)
        if row is not None and (row.until is None or row.until > now):
            line = t(lang, "home.status", status=t(lang, f"home.status.{row.status}"))
            if row.until is not None:
                line += t(lang, "home.status_until", time=fmt_when(row.until, now, tz))
        else:
            line = t(lang, "home.status_default")
        lines = [line]
        if away is not None:
            lines.append(t(lang, "avail.status.absent_today", until=fmt_date(away.end)))
        lines.append(t(lang, "avail.status.usage"))
        return Reply(True, "\n".join(lines))

    # ---------------------------------------------------------------- absences

    @staticmethod
    def _period_problem(start: date, end: date, today: date, lang: Lang) -> Reply | None:
        if end < start:
            text = t(lang, "avail.period.end_before_start", start=fmt_date(start), end=fmt_date(end))
            return Reply(False, text, Field.END)
        if start < today:
            return Reply(False, t(lang, "avail.period.in_past", start=fmt_date(start), today=fmt_date(today)),
                         Field.START)
        days = Span(start, end).days
        if days > rules.MAX_PERIOD_DAYS:
            text = t(lang, "avail.period.too_long", days=days, max=rules.MAX_PERIOD_DAYS)
            return Reply(False, text, Field.END)
        return None

    def add_absence(self, person_id: int, start: date, end: date, lang: Lang) -> Reply:
        """Register an absence; it merges with the caller's periods it overlaps or adjoins."""
        with self._step() as (s, now, _queued):
            # Lock the person's row (PostgreSQL) so two registrations at once merge correctly.
            person = s.get(Person, person_id, with_for_update=True)
            if not self._has_status(person, self._today(now)):
                return Reply(False, t(lang, "avail.absence.not_allowed"))
            return self._add_absence(s, person, start, end, lang, now)

    def add_absence_for(self, actor_id: int, person_id: int, start: date, end: date, lang: Lang) -> Reply:
        """A leader registers the absence of a coordinator of their area (a sick IFK
        cannot do it themself); the coordinator is told by DM."""
        with self._step() as (s, now, queued):
            today = self._today(now)
            person = s.get(Person, person_id, with_for_update=True)
            roles = coordinator_roles(person, today)
            if person is None or not roles:
                name = person.name if person is not None else "?"
                return Reply(False, t(lang, "avail.absence.for_not_coordinator", name=name))
            admin = any(role is Role.ADMIN for role, _ in holdings(s.get(Person, actor_id), today))
            if not admin and not {area for _role, area in roles} & leads(s, actor_id, today):
                return Reply(False, t(lang, "avail.absence.for_not_allowed", name=person.name))
            reply = self._add_absence(s, person, start, end, lang, now)
            if reply.ok:
                leader = s.get(Person, actor_id)
                their = Lang.parse(person.language)
                text = t(their, "avail.absence.by_leader", leader=leader.name if leader else "–",
                         period=period_text(start, end))
                queued.append(outbox.queue_dm(s, person.id, text, None, now,
                                              dedupe_key=f"absence_for:{person.id}:{start}:{end}"))
                reply = Reply(True, t(lang, "avail.absence.added_for", name=person.name) + "\n" + reply.text)
            return reply

    def _add_absence(self, s: Session, person: Person, start: date, end: date, lang: Lang,
                     now: datetime) -> Reply:
        today = self._today(now)
        problem = self._period_problem(start, end, today, lang)
        if problem is not None:
            return problem
        existing = repo.absences_of(s, person.id)
        merged = rules.merge(Span(start, end), [(a.id, Span(a.starts_on, a.ends_on)) for a in existing])
        span = merged.span
        period = period_text(span.start, span.end)
        kept = [a for a in existing if a.id in merged.absorbed]
        if len(kept) == 1 and Span(kept[0].starts_on, kept[0].ends_on) == span:
            return Reply(True, t(lang, "avail.absence.already", period=period))
        if span.days > rules.MAX_PERIOD_DAYS:
            text = t(lang, "avail.absence.merged_too_long", period=period, days=span.days,
                     max=rules.MAX_PERIOD_DAYS)
            return Reply(False, text, Field.END)
        repo.delete_absences(s, person.id, list(merged.absorbed))
        repo.add_absence(s, person.id, span.start, span.end, now)
        self._follow(s, now, person.id)
        coordinator = bool(coordinator_roles(person, today))
        lines = [t(lang, "avail.absence.added", period=period)]
        if merged.absorbed:
            lines.append(t(lang, "avail.absence.merged",
                           periods=plural(lang, "avail.absence.periods", len(merged.absorbed))))
        if coordinator and rules.is_long(span):
            lines.append(t(lang, "avail.absence.substitute_note"))
        return Reply(True, "\n".join(lines))

    def _own_absences(self, s: Session, person_id: int, today: date):
        return repo.absences_of(s, person_id, ending_on_or_after=today)

    def list_absences(self, person_id: int, lang: Lang) -> Reply:
        with self._sessions() as s:
            today = self._today(self._clock.now())
            if not self._has_status(s.get(Person, person_id), today):
                return Reply(False, t(lang, "avail.absence.not_allowed"))
            rows = self._own_absences(s, person_id, today)
        if not rows:
            return Reply(True, t(lang, "avail.absence.none") + "\n" + t(lang, "avail.absence.usage"))
        lines = [f"*{t(lang, 'avail.absence.list_title')}*"]
        for i, a in enumerate(rows, start=1):
            line = f"{i}. {period_text(a.starts_on, a.ends_on)}"
            if a.starts_on <= today:
                line += " " + t(lang, "avail.absence.ongoing")
            lines.append(line)
        lines.append(t(lang, "avail.absence.delete_hint"))
        return Reply(True, "\n".join(lines))

    def delete_absence(self, person_id: int, number: int, lang: Lang) -> Reply:
        """Delete the caller's absence shown as ``number`` in their list."""
        with self._step() as (s, now, _queued):
            today = self._today(now)
            if not self._has_status(s.get(Person, person_id, with_for_update=True), today):
                return Reply(False, t(lang, "avail.absence.not_allowed"))
            rows = self._own_absences(s, person_id, today)
            if not 1 <= number <= len(rows):
                return Reply(False, t(lang, "avail.absence.no_such", number=number, count=len(rows)))
            row = rows[number - 1]
            start, end = row.starts_on, row.ends_on
            repo.delete_absences(s, person_id, [row.id])
            self._follow(s, now, person_id)
        return Reply(True, t(lang, "avail.absence.deleted", period=period_text(start, end)))

    # -------------------------------------------------------------- substitutes

    def _role_text(self, lang: Lang, role: Role, area: str) -> str:
        return t(lang, f"avail.role.{role.value}", area=area)

    @staticmethod
    def _area_people(s: Session, role: Role, area: str, day: date) -> list[Person]:
        return holders(s, role, day, area)

    def may_designate(self, actor_id: int, lang: Lang) -> Reply | None:
        """None when the actor is an area leader or an admin (the first check;
        ``designate_substitute`` makes the full one), else the refusal."""
        with self._sessions() as s:
            today = self._today(self._clock.now())
            held = holdings(s.get(Person, actor_id), today)
            if any(role in (Role.AREA_LEADER, Role.ADMIN) for role, _ in held) or leads(s, actor_id, today):
                return None
        return Reply(False, t(lang, "avail.substitute.not_allowed"))

    def _authorize(self, s: Session, actor_id: int, coordinator_id: int | None, today: date,
                   lang: Lang) -> _Target | Reply:
        """Only the area leader of the coordinator's area (area A for the BFK) or
        an admin may designate; without a coordinator, a leader means their own IFK."""
        held = holdings(s.get(Person, actor_id), today)
        is_admin = any(role is Role.ADMIN for role, _ in held)
        led = leads(s, actor_id, today)  # their own area, an acting period, or an area with no leader
        if not is_admin and not led:
            return Reply(False, t(lang, "avail.substitute.not_allowed"))
        if coordinator_id is None:
            if len(led) != 1:
                return Reply(False, t(lang, "avail.substitute.say_for_whom"), Field.PERSON)
            area = next(iter(led))
            ifks = self._area_people(s, Role.IFK, area, today)
            if not ifks:
                return Reply(False, t(lang, "avail.substitute.no_ifk", area=area), Field.PERSON)
            if len(ifks) > 1:  # the unit model: an IFK per unit, the leader must say whose substitute
                return Reply(False, t(lang, "avail.substitute.say_for_whom"), Field.PERSON)
            coordinator = ifks[0]
        else:
            coordinator = s.get(Person, coordinator_id)
        roles = coordinator_roles(coordinator, today)
        if coordinator is None or not roles:
            name = coordinator.name if coordinator is not None else "?"
            return Reply(False, t(lang, "avail.substitute.not_coordinator", name=name), Field.PERSON)
        permitted = [(role, area) for role, area in roles if is_admin or area in led]
        if not permitted:
            role, area = roles[0]
            return Reply(False, t(lang, "avail.substitute.not_your_area", name=coordinator.name,
                                  role=self._role_text(lang, role, area), area=area))
        role, area = permitted[0]
        return _Target(coordinator, role, area)

    def designation_form(self, actor_id: int, coordinator_id: int, lang: Lang) -> DesignationForm | Reply:
        """The defaults of the designation modal (the coordinator's absence from
        today on), after the same permission check as the designation itself."""
        with self._sessions() as s:
            today = self._today(self._clock.now())
            target = self._authorize(s, actor_id, coordinator_id, today, lang)
            if isinstance(target, Reply):
                return target
            standing = repo.substitutes_for(s, target.coordinator.id, today)
            if standing:  # the reminder's button was pressed after someone designated
                first = standing[0]
                sub, by = s.get(Person, first.substitute_person_id), s.get(Person, first.designated_by_id)
                return Reply(False, t(lang, "avail.substitute.already_designated",
                                      substitute=sub.name if sub else "?", name=target.coordinator.name,
                                      leader=by.name if by else "?",
                                      period=period_text(first.starts_on, first.ends_on)))
            spans = [Span(a.starts_on, a.ends_on) for a in repo.absences_of(s, target.coordinator.id, today)]
            around = rules.covering(spans, today) or (min(spans, key=lambda p: p.start) if spans else None)
            start = max(today, around.start) if around else today
            end = around.end if around else today
            return DesignationForm(target.coordinator.id, target.coordinator.name,
                                   self._role_text(lang, target.role, target.area), start, end)

    def designate_substitute(self, actor_id: int, substitute_id: int, coordinator_id: int | None,
                             start: date, end: date, lang: Lang,
                             idempotency_key: str | None = None) -> Reply:
        """Designate ``substitute_id`` to stand in for a coordinator from ``start``
        to ``end`` (inclusive); both are told by DM. The same form again (a Slack
        retry, a double click) designates and says nothing more."""
        with self._step() as (s, now, queued):
            if idempotency_key and decisions.earlier(s, idempotency_key) is not None:
                return Reply(True, "")
            today = self._today(now)
            target = self._authorize(s, actor_id, coordinator_id, today, lang)
            if isinstance(target, Reply):
                return target
            coordinator = target.coordinator
            substitute = s.get(Person, substitute_id)
            if substitute is None or not substitute.active:
                return Reply(False, t(lang, "avail.substitute.person_unknown", text="?"), Field.PERSON)
            if substitute.id == coordinator.id:
                return Reply(False, t(lang, "avail.substitute.self", name=coordinator.name), Field.PERSON)
            problem = self._period_problem(start, end, today, lang)
            if problem is not None:
                return problem
            period = period_text(start, end)
            role_text = self._role_text(lang, target.role, target.area)
            params = {"substitute": substitute.name, "name": coordinator.name, "role": role_text,
                      "period": period}
            if repo.same_designation(s, coordinator.id, substitute.id, start, end) is not None:
                return Reply(True, t(lang, "avail.substitute.already", **params))
            if idempotency_key and decisions.decide(s, idempotency_key, "submitted", actor_id, now):
                return Reply(True, "")
            row = repo.add_substitute(
                s, absent_person_id=coordinator.id, substitute_person_id=substitute.id,
                role=target.role.value, area_code=target.area, starts_on=start, ends_on=end,
                designated_by_id=actor_id, now=now,
            )
            self._follow(s, now, coordinator.id)
            leader = s.get(Person, actor_id)
            for who, key in ((substitute, "avail.substitute.dm_substitute"),
                             (coordinator, "avail.substitute.dm_coordinator")):
                if who.id == actor_id:
                    continue
                who_lang = Lang.parse(who.language)
                text = t(who_lang, key, leader=leader.name, substitute=substitute.name, name=coordinator.name,
                         role=self._role_text(who_lang, target.role, target.area), period=period)
                queued.append(outbox.queue_dm(s, who.id, text, None, now,
                                              dedupe_key=f"substitute:{row.id}:{who.id}"))
            absences = [Span(a.starts_on, a.ends_on) for a in repo.absences_of(s, coordinator.id, start)]
            covered = any(a.overlaps(Span(start, end)) for a in absences)
            self._close_reminders(s, coordinator.id, absences, Span(start, end), substitute.name, leader.name,
                                  now)
        lines = [t(lang, "avail.substitute.designated", **params)]
        if not covered:
            lines.append(t(lang, "avail.substitute.note_not_absent", name=coordinator.name))
        return Reply(True, "\n".join(lines))

    def _close_reminders(self, s: Session, coordinator_id: int, absences: list[Span], period: Span,
                         substitute: str, leader: str, now: datetime) -> None:
        """The daily reminders about this absence lose their button: the decision
        they asked for is made (and a stale click is told so)."""
        for away in absences:
            if not away.overlaps(period):
                continue
            key = reminder_key(coordinator_id, away.start)
            decisions.decide(s, key, "designated", None, now)

            def outcome(row: Any) -> tuple[str, None]:
                reader = s.get(Person, int(row.payload.get("person_id", 0)))
                lang = Lang.parse(reader.language if reader else None)
                return t(lang, "avail.reminder.done", substitute=substitute, leader=leader,
                         period=period_text(period.start, period.end)), None

            decisions.replace_messages(s, key, now, outcome)

    def list_designations(self, person_id: int, lang: Lang) -> Reply:
        """Current and future designations the caller made or that concern them."""
        with self._sessions() as s:
            today = self._today(self._clock.now())
            rows = repo.designations_concerning(s, person_id, today)
            names: dict[int, str] = {}

            def name(pid: int) -> str:
                if pid not in names:
                    person = s.get(Person, pid)
                    names[pid] = person.name if person is not None else f"#{pid}"
                return names[pid]

            lines = [
                t(lang, "avail.substitute.list_line", number=i, substitute=name(r.substitute_person_id),
                  name=name(r.absent_person_id), period=period_text(r.starts_on, r.ends_on),
                  role=self._role_text(lang, Role.BFK if r.role == Role.BFK.value else Role.IFK,
                                       r.area_code or BFK_HOME_AREA),
                  leader=name(r.designated_by_id))
                for i, r in enumerate(rows, start=1)
            ]
        if not lines:
            return Reply(True, t(lang, "avail.substitute.none") + "\n" + t(lang, "avail.substitute.usage"))
        return Reply(True, "\n".join([f"*{t(lang, 'avail.substitute.list_title')}*", *lines]))

    # ------------------------------------------------------------ daily reminder

    def queue_substitute_reminders(self, s: Session, now: datetime, today: date) -> list[str]:
        """The daily job (memo §3): every IFK or BFK absent today in an absence
        longer than a week, with no substitute for today, makes their area
        leader (area A's for the BFK; admins if the area has none) get a DM with
        a button that opens the designation form. One DM per coordinator, leader
        and day, even if the job ran twice."""
        if not self._calendar.is_working_day(today):
            return []
        queued: list[str] = []
        seen: set[int] = set()
        for person, _ra in directory_repo.people_with_roles(s, [r.value for r in COORDINATOR_ROLES]):
            if person.id in seen:
                continue
            seen.add(person.id)
            roles = coordinator_roles(person, today)
            if not roles:
                continue
            spans = [Span(a.starts_on, a.ends_on) for a in repo.absences_of(s, person.id)]
            away = rules.covering(spans, today)
            if away is None or not rules.is_long(away) or repo.substitutes_for(s, person.id, today):
                continue
            leaders: dict[int, Person] = {}
            for _role, area in roles:
                for leader in self._area_people(s, Role.AREA_LEADER, area, today):
                    leaders.setdefault(leader.id, leader)
            if not leaders:
                for admin in self._admins(s, today):
                    leaders.setdefault(admin.id, admin)
            role, area = roles[0]
            for leader in leaders.values():
                if leader.id == person.id:
                    continue
                lang = Lang.parse(leader.language)
                text = t(lang, "avail.reminder.text", name=person.name,
                         role=self._role_text(lang, role, area), period=period_text(away.start, away.end))
                key = f"substitute_reminder:{person.id}:{leader.id}:{today.isoformat()}"
                blocks = substitute_reminder_blocks(lang, text, person.id)
                queued.append(outbox.queue_dm(s, leader.id, text, blocks, now,
                                              dedupe_key=key,  # once per leader and day
                                              decision_key=reminder_key(person.id, away.start)))
        return queued

    def _admins(self, s: Session, today: date) -> list[Person]:
        found: dict[int, Person] = {}
        for person, _ra in directory_repo.people_with_roles(s, [Role.ADMIN.value]):
            if any(role is Role.ADMIN for role, _ in holdings(person, today)):
                found.setdefault(person.id, person)
        return list(found.values())
