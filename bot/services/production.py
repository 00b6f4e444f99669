"""The weekly production goal for the IFKs and the BFK (SPEC §5, memo §5).

Each coordinator logs at least one interview or one decision per ISO week
(``/ifn produksjon``, or the buttons of the Friday reminder). Who logged
nothing by Friday 12:00 (the last working day of the week if Friday is a
holiday) gets a DM with **Intervju**, **Vedtak** and **Ingen – søk unntak**,
unless they were registered absent the whole week or an exemption covers it.
An exemption asks for a reason and goes to the coordinator's area leader (area
A's for the BFK); it may be asked in advance for a period of weeks
(``/ifn produksjon unntak``), and only that area leader — as ``role_holders``
answers who leads the area today — decides (memo §5: "godkjennes av
områdeleder"). Monday 08:30 (the first working day of the week) every area
leader gets last week's attainment of their coordinator(s); the IFRs get all
areas; a week of absence reads "fravær", never "ikke nådd".

The two weekly jobs are durable ``bot.services.periodic`` jobs: a restart fires
a missed occurrence once, two schedulers never both fire it, and an occurrence
caught up only in a later week is skipped: last week's reminder is no use on
Tuesday.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.domain.language import Lang
from bot.domain.roles import Role
from bot.i18n import t
from bot.i18n.format import fmt_date, fmt_day, fmt_when
from bot.messages.production import exemption_blocks, friday_blocks
from bot.messages.text import escape
from bot.pii import find_national_id
from bot.services import decisions, outbox
from bot.services.availability import coordinator_roles
from bot.services.outbox import OutboxService
from bot.services.periodic import PeriodicJob, next_timers_due, run_periodic
from bot.services.production_weeks import (
    Attainment,
    WeekStatus,
    attainment,
    coordinators,
    exemption_for,
    iso_week,
    overlapping,
    week_monday,
    week_status,
    week_text,
    weeks_between,
    weeks_text,
)
from bot.services.role_holders import holders
from storage.models import Exemption, Person, ProductionLog
from storage.repositories import directory as directory_repo

__all__ = ["Attainment", "ProductionService", "Reply", "WeekStatus", "attainment", "iso_week", "week_monday",
           "week_status", "week_text"]

log = logging.getLogger("ifn_bot.production")

KINDS = ("interview", "decision")
FRIDAY_KEY = "weekly:production_friday"
MONDAY_KEY = "weekly:production_monday"
FRIDAY_AT = time(12, 0)
MONDAY_AT = time(8, 30)
#: How far back a coordinator may log an interview or decision.
MAX_BACKDATE_DAYS = 28
#: The longest period one exemption may cover, asked in advance.
MAX_EXEMPTION_WEEKS = 26


def week_key(person_id: int, week: str) -> str:
    """The decision a coordinator makes on the Friday reminder of ``week``."""
    return f"production_week:{person_id}:{week}"


def exemption_key(exemption_id: int) -> str:
    return f"exemption:{exemption_id}"


def exemption_weeks(ex: Exemption) -> str:
    return weeks_text(ex.week, ex.last_week or ex.week)


@dataclass(frozen=True, slots=True)
class Reply:
    ok: bool
    text: str
    field: str | None = None  # "start" | "end" | "reason": where a modal shows the refusal


class ProductionService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, calendar: WorkingCalendar,
                 delivery: OutboxService) -> None:
        self._sessions = sessions
        self._clock = clock
        self._calendar = calendar
        self._delivery = delivery

    def _step(self) -> AbstractContextManager[tuple[Session, datetime, list[str]]]:
        return self._delivery.unit_of_work()

    def today(self) -> date:
        return self._calendar.local_date(self._clock.now())

    # ------------------------------------------------------------------ logging

    def is_coordinator(self, person_id: int) -> bool:
        with self._sessions() as s:
            return bool(coordinator_roles(s.get(Person, person_id), self.today()))

    def status(self, person_id: int) -> WeekStatus | None:
        """This week's status, or None for someone without the goal (Home tab)."""
        with self._sessions() as s:
            today = self.today()
            if not coordinator_roles(s.get(Person, person_id), today):
                return None
            return week_status(s, self._calendar, person_id, iso_week(today))

    def status_text(self, person_id: int, lang: Lang) -> Reply:
        status = self.status(person_id)
        if status is None:
            return Reply(False, t(lang, "prod.not_allowed"))
        return Reply(True, status_line(lang, status) + "\n" + t(lang, "prod.usage"))

    def log(self, person_id: int, kind: str, on: date | None, lang: Lang, *,
            once_per_week: bool = False) -> Reply:
        """Log an interview or decision on ``on`` (default today). From the Friday
        reminder's buttons (``once_per_week``) the answer is a decision on the
        week: a second click (or the other button) logs nothing more, and the
        reminder's buttons are replaced by what was answered."""
        assert kind in KINDS
        with self._step() as (s, now, _queued):
            today = self._calendar.local_date(now)
            if not coordinator_roles(s.get(Person, person_id), today):
                return Reply(False, t(lang, "prod.not_allowed"))
            day = on or today
            if day > today:
                return Reply(False, t(lang, "prod.future", date=fmt_date(day), today=fmt_date(today)))
            if day < today - timedelta(days=MAX_BACKDATE_DAYS):
                return Reply(False, t(lang, "prod.too_old", date=fmt_date(day), days=MAX_BACKDATE_DAYS))
            week = iso_week(day)
            if once_per_week:
                before = decisions.decide(s, week_key(person_id, week), kind, person_id, now)
                if before is not None:
                    return Reply(False, self._answered(lang, before, week))
                self._replace_friday(s, person_id, week, kind, now)
                if week_status(s, self._calendar, person_id, week).outcome == "met":
                    return Reply(True, t(lang, "prod.already_met", week=week_text(week)))
            s.add(ProductionLog(person_id=person_id, kind=kind, on_date=day, week=week, logged_at=now))
        return Reply(True, t(lang, "prod.logged", kind=t(lang, f"prod.kind.{kind}"), date=fmt_date(day),
                             week=week_text(week)) + " " + t(lang, "prod.goal_met"))

    def _answered(self, lang: Lang, before: decisions.Decided, week: str) -> str:
        when = fmt_day(before.decided_at, lang, self._calendar.tz)
        answer = t(lang, f"prod.answer.{before.outcome}")
        return t(lang, "prod.friday.answered_before", answer=answer, when=when, week=week_text(week))

    def _replace_friday(self, s: Session, person_id: int, week: str, answer: str, now: datetime) -> None:
        """The Friday reminder's buttons give way to the answer given."""
        person = s.get(Person, person_id)
        lang = Lang.parse(person.language if person else None)
        text = t(lang, "prod.friday.answered", answer=t(lang, f"prod.answer.{answer}"),
                 when=fmt_day(now, lang, self._calendar.tz), week=week_text(week))
        decisions.replace_messages(s, week_key(person_id, week), now, lambda _row: (text, None))

    # --------------------------------------------------------------- exemptions

    def exemption_problem(self, person_id: int, week: str, lang: Lang) -> Reply | None:
        """Why ``person_id`` cannot ask for an exemption for ``week`` now, if so."""
        with self._sessions() as s:
            return self._exemption_problem(s, person_id, week, week, lang)

    def _exemption_problem(self, s: Session, person_id: int, first: str, last: str,
                           lang: Lang) -> Reply | None:
        today = self.today()
        person = s.get(Person, person_id)
        roles = coordinator_roles(person, today)
        if not roles:
            return Reply(False, t(lang, "prod.not_allowed"))
        if first == last:
            status = week_status(s, self._calendar, person_id, first)
            if status.outcome == "met":
                return Reply(False, t(lang, "prod.already_met", week=week_text(first)))
            if status.exemption is not None and status.exemption != "rejected":
                return Reply(False, t(lang, f"prod.exemption.already_{status.exemption}",
                                      week=week_text(first)))
            if status.exemption == "rejected":
                ex = exemption_for(s, person_id, first)
                return Reply(False, t(lang, "prod.exemption.already_rejected",
                                      week=exemption_weeks(ex) if ex else week_text(first)))
        found = overlapping(s, person_id, first, last)
        if found is not None:
            key = f"prod.exemption.overlaps_{found.state}"
            return Reply(False, t(lang, key, week=exemption_weeks(found)), "start")
        if not self._approvers(s, roles[0][1], today):
            return Reply(False, t(lang, "prod.exemption.no_leader", area=roles[0][1]))
        return None

    @staticmethod
    def _approvers(s: Session, area: str, day: date) -> list[Person]:
        """Who decides a coordinator's exemption: the area leader(s) of the area
        answering for them, as ``role_holders`` names them today (acting ones too)."""
        return holders(s, Role.AREA_LEADER, day, area)

    def period_problem(self, start: date, end: date, lang: Lang) -> Reply | None:
        """Why the weeks from ``start`` to ``end`` cannot be asked for (pure checks)."""
        today = self.today()
        if end < start:
            return Reply(False, t(lang, "prod.period.end_before_start"), "end")
        if iso_week(start) < iso_week(today):
            return Reply(False, t(lang, "prod.period.in_past", week=week_text(iso_week(today))), "start")
        weeks = weeks_between(iso_week(start), iso_week(end))
        if len(weeks) > MAX_EXEMPTION_WEEKS:
            return Reply(False, t(lang, "prod.period.too_long", weeks=len(weeks), max=MAX_EXEMPTION_WEEKS),
                         "end")
        return None

    def request_exemption(self, person_id: int, week: str, reason: str, lang: Lang,
                          idempotency_key: str | None = None) -> Reply:
        """Ask the area leader for an exemption for one week (the Friday reminder's
        button); the same ``idempotency_key`` again (a retry, a double submit)
        asks nothing more and says nothing more."""
        return self._ask(person_id, week, week, reason, lang, idempotency_key, from_friday=True)

    def request_exemption_period(self, person_id: int, start: date, end: date, reason: str, lang: Lang,
                                 idempotency_key: str | None = None) -> Reply:
        """Ask in advance for the weeks from ``start`` to ``end`` (memo §5: an
        exemption "særskilt begrunnes og godkjennes av områdeleder")."""
        problem = self.period_problem(start, end, lang)
        if problem is not None:
            return problem
        return self._ask(person_id, iso_week(start), iso_week(end), reason, lang, idempotency_key,
                         from_friday=False)

    def _ask(self, person_id: int, first: str, last: str, reason: str, lang: Lang,
             idempotency_key: str | None, *, from_friday: bool) -> Reply:
        reason = reason.strip()
        if not reason:
            return Reply(False, t(lang, "form.error.required"), "reason")
        if find_national_id(reason):
            return Reply(False, t(lang, "form.error.pii"), "reason")
        with self._step() as (s, now, queued):
            if idempotency_key and decisions.earlier(s, idempotency_key) is not None:
                return Reply(True, "")
            problem = self._exemption_problem(s, person_id, first, last, lang)
            if problem is not None:
                return problem
            if idempotency_key:
                decisions.decide(s, idempotency_key, "submitted", person_id, now)
            if from_friday:
                before = decisions.decide(s, week_key(person_id, first), "exemption", person_id, now)
                if before is not None:  # answered with another button in the meantime
                    return Reply(False, self._answered(lang, before, first))
            person = s.get(Person, person_id)
            assert person is not None
            today = self._calendar.local_date(now)
            _role, area = coordinator_roles(person, today)[0]
            ex = Exemption(person_id=person_id, week=first, last_week=last, reason=reason, state="pending",
                           created_at=now)
            s.add(ex)
            s.flush()
            if from_friday:
                self._replace_friday(s, person_id, first, "exemption", now)
            approvers = [p for p in self._approvers(s, area, today) if p.id != person_id]
            weeks = weeks_text(first, last)
            for leader in approvers:
                leader_lang = Lang.parse(leader.language)
                text = t(leader_lang, "prod.exemption.ask", name=person.name, week=weeks,
                         reason=escape(reason))
                queued.append(outbox.queue_dm(s, leader.id, text, exemption_blocks(leader_lang, text, ex.id),
                                              now, dedupe_key=f"production_exemption:{ex.id}:{leader.id}",
                                              decision_key=exemption_key(ex.id)))
            names = ", ".join(p.name for p in approvers) or "–"
        return Reply(True, t(lang, "prod.exemption.sent", week=weeks, leaders=names))

    def may_decide(self, s: Session, actor_id: int, ex: Exemption, today: date) -> bool:
        """Only the area leader of the area answering for the coordinator (area A
        for the BFK) — never the coordinator, and not an admin (memo §5)."""
        if actor_id == ex.person_id:
            return False
        areas = {area for _role, area in coordinator_roles(s.get(Person, ex.person_id), today)}
        return any(actor_id in {p.id for p in self._approvers(s, area, today)} for area in areas)

    def decide(self, actor_id: int, exemption_id: int, approve: bool, lang: Lang) -> Reply:
        """Approve or reject; only the coordinator's area leader may, checked here
        from the directory. The first decision counts: a second click (by anyone)
        changes nothing and is told who decided and when; every leader's message
        loses its buttons and shows the outcome."""
        with self._step() as (s, now, queued):
            today = self._calendar.local_date(now)
            ex = s.get(Exemption, exemption_id)
            if ex is None:
                return Reply(False, t(lang, "prod.exemption.unknown"))
            if not self.may_decide(s, actor_id, ex, today):
                return Reply(False, t(lang, "prod.exemption.not_allowed"))
            coordinator = s.get(Person, ex.person_id)
            state = "approved" if approve else "rejected"
            weeks = exemption_weeks(ex)
            before = decisions.decide(s, exemption_key(exemption_id), state, actor_id, now)
            if before is not None:
                return Reply(False, self._decided_before(s, lang, before, weeks))
            ex.state, ex.decided_by_id, ex.decided_at = state, actor_id, now
            actor = s.get(Person, actor_id)
            assert coordinator is not None and actor is not None
            c_lang = Lang.parse(coordinator.language)
            queued.append(outbox.queue_dm(
                s, coordinator.id, t(c_lang, f"prod.exemption.told_{state}", week=weeks, leader=actor.name),
                None, now, dedupe_key=f"production_decision:{ex.id}"))
            name = coordinator.name

            def outcome(row: Any) -> tuple[str, None]:
                reader = s.get(Person, int(row.payload.get("person_id", 0)))
                r_lang = Lang.parse(reader.language if reader else None)
                return t(r_lang, f"prod.exemption.outcome_{state}", name=name, week=weeks,
                         leader=actor.name, when=fmt_day(now, r_lang, self._calendar.tz)), None

            decisions.replace_messages(s, exemption_key(exemption_id), now, outcome)
        return Reply(True, t(lang, f"prod.exemption.decided_{state}", name=name, week=weeks))

    def _decided_before(self, s: Session, lang: Lang, before: decisions.Decided, weeks: str) -> str:
        who = s.get(Person, before.actor_id) if before.actor_id else None
        return t(lang, f"prod.exemption.already_{before.outcome}_by", week=weeks,
                 leader=who.name if who else "–", when=fmt_when(before.decided_at, self._clock.now(),
                                                              self._calendar.tz))

    # ------------------------------------------------------------ weekly jobs

    def friday_due(self, monday: date) -> datetime | None:
        """12:00 on the week's Friday, or on the last working day before it."""
        for offset in range(4, -1, -1):
            day = monday + timedelta(days=offset)
            if self._calendar.is_working_day(day):
                return self._calendar.at_local(day, FRIDAY_AT)
        return None

    def monday_due(self, monday: date) -> datetime | None:
        """08:30 on the week's Monday, or on its first working day after it."""
        for offset in range(5):
            day = monday + timedelta(days=offset)
            if self._calendar.is_working_day(day):
                return self._calendar.at_local(day, MONDAY_AT)
        return None

    def _next(self, now: datetime, due: Callable[[date], datetime | None], strict: bool) -> datetime:
        today = self._calendar.local_date(now)
        monday = today - timedelta(days=today.weekday())
        for i in range(60):
            at = due(monday + timedelta(weeks=i))
            if at is not None and (at > now if strict else at >= now):
                return at
        raise RuntimeError("no working day in sixty weeks")

    def next_due(self, key: str) -> datetime | None:
        return next_timers_due(self._sessions, key)

    def fire_due(self) -> int:
        """The ticker's sweep: run the Friday and Monday jobs when due; how many ran."""
        ran = 0
        for key, due, job in ((FRIDAY_KEY, self.friday_due, self.queue_friday_reminders),
                              (MONDAY_KEY, self.monday_due, self.queue_monday_reports)):
            spec = PeriodicJob(key, lambda now, strict, due=due: self._next(now, due, strict), iso_week, job)
            ran += run_periodic(self._sessions, self._clock, self._calendar, self._delivery, spec)
        return ran

    def queue_friday_reminders(self, s: Session, now: datetime, week: str) -> list[str]:
        """DM every coordinator who has logged nothing and asked no exemption this week."""
        queued: list[str] = []
        today = self._calendar.local_date(now)
        for person, _role, _area in coordinators(s, today):
            if week_status(s, self._calendar, person.id, week).outcome != "missed":  # met, exempt, away
                continue
            lang = Lang.parse(person.language)
            text = t(lang, "prod.friday.text", week=week_text(week))
            try:
                with s.begin_nested():
                    queued.append(outbox.queue_dm(s, person.id, text, friday_blocks(lang, text, week), now,
                                                  dedupe_key=f"production_friday:{person.id}:{week}",
                                                  decision_key=week_key(person.id, week)))
            except IntegrityError:
                continue
        return queued

    def queue_monday_reports(self, s: Session, now: datetime, week: str) -> list[str]:
        """Last week's attainment: each area leader for their coordinator(s), the IFRs for all,
        and in the unit model each unit leader for their unit's coordinator."""
        last = iso_week(week_monday(week) - timedelta(days=7))
        rows = attainment(s, self._calendar, last)
        today = self._calendar.local_date(now)
        queued: list[str] = []

        def send(person: Person, mine: list[Attainment]) -> None:
            if not mine:
                return
            lang = Lang.parse(person.language)
            text = attainment_text(lang, last, mine)
            try:
                with s.begin_nested():
                    queued.append(outbox.queue_dm(s, person.id, text, None, now,
                                                  dedupe_key=f"production_monday:{person.id}:{last}"))
            except IntegrityError:
                pass

        # The IFRs first: someone who is both an IFR and an area leader gets one
        # message (per person and week), and it covers all areas.
        for ifr in holders(s, Role.IFR, today):
            send(ifr, rows)
        leaders: dict[int, tuple[Person, set[str]]] = {}
        for area in sorted({a.area for a in rows}):
            for leader in holders(s, Role.AREA_LEADER, today, area):  # acting leaders too
                leaders.setdefault(leader.id, (leader, set()))[1].add(area)
        for leader, areas in leaders.values():
            send(leader, [a for a in rows if a.area in areas])
        for leader, mine in unit_leaders_rows(s, rows, today):
            send(leader, mine)
        return queued


def unit_leaders_rows(s: Session, rows: list[Attainment],
                      today: date) -> list[tuple[Person, list[Attainment]]]:
    """The unit model (UDI 2016-018: quality is reported to the unit leaders):
    each unit leader with the coordinators of their own unit. Nobody in the area model."""
    org = directory_repo.organisation(s)
    if org is None or org.scope != "unit":
        return []
    by_unit: dict[int, list[Attainment]] = {}
    for a in rows:
        person = s.get(Person, a.person_id)
        if person is not None and person.unit_id is not None:
            by_unit.setdefault(person.unit_id, []).append(a)
    return [(leader, by_unit[leader.unit_id]) for leader in holders(s, Role.UNIT_LEADER, today)
            if leader.unit_id in by_unit]


def status_line(lang: Lang, status: WeekStatus) -> str:
    """One line of a coordinator's week (the Home tab, ``/ifn produksjon``)."""
    key = f"prod.status.{status.outcome}"
    return t(lang, key, week=week_text(status.week), interviews=status.interviews, decisions=status.decisions)


def attainment_text(lang: Lang, week: str, rows: list[Attainment]) -> str:
    lines = [t(lang, "prod.monday.title", week=week_text(week))]
    for a in rows:
        who = t(lang, "prod.monday.who_bfk", name=a.name) if a.role is Role.BFK else \
            t(lang, "prod.monday.who_ifk", name=a.name, area=a.area)
        outcome = t(lang, f"prod.monday.{a.status.outcome}", interviews=a.status.interviews,
                    decisions=a.status.decisions, reason=escape(a.status.reason or ""))
        lines.append(f"• {who}: {outcome}")
    return "\n".join(lines)
