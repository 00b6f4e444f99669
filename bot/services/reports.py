"""The quality report (memo §8.4): loads plain rows for a period and hands them
to the pure ``bot.reports``; sends it monthly (first working day, 08:00-ish:
the start of working hours) to the IFRs by DM and to the management channel —
or, when none is set, to the department management by DM.

Support conversations are confidential: only their count leaves this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot import reports
from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.domain.language import Lang
from bot.domain.roles import Role
from bot.i18n import t
from bot.reports import GoalRow, HelpRow, LoadRow, QualityReport, RatingRow, RequestRow, TrainingRow
from bot.services import outbox
from bot.services.outbox import OutboxService
from bot.services.periodic import PeriodicJob, month_of, monthly_next, next_timers_due, run_periodic
from bot.services.production import attainment, iso_week
from bot.services.role_holders import holders, holdings
from bot.settings import Settings
from storage.models import AuditEvent, Offer, Person, Request, TrainingRecord
from storage.repositories import capacity as capacity_repo
from storage.repositories import directory as directory_repo

MONTHLY_KEY = "monthly:quality_report"
SUPPORT = "support"
HELP_KINDS = ("help_came_yes", "help_came_no")


def previous_month(day: date) -> tuple[date, date]:
    last = day.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def caseworkers(s: Session, day: date) -> list[tuple[Person, str]]:
    """Active caseworkers on ``day`` with their area."""
    out: dict[int, tuple[Person, str]] = {}
    for person, _ra in directory_repo.people_with_roles(s, [Role.CASEWORKER.value]):
        for held, area in holdings(person, day):
            if held is Role.CASEWORKER and person.id not in out:
                out[person.id] = (person, area or "–")
    return sorted(out.values(), key=lambda pa: (pa[1], pa[0].name))


def has_trinn1(s: Session, person_id: int) -> bool:
    return bool(s.scalar(select(exists().where(TrainingRecord.person_id == person_id,
                                               TrainingRecord.level == 1))))


def load_help_answers(s: Session, lo: datetime, hi: datetime) -> list[HelpRow]:
    """The answers to "Fikk du hjelpen du trengte?" given in the period."""
    rows = s.execute(select(AuditEvent.kind, Request.type, Request.area_code)
                     .join(Request, Request.id == AuditEvent.request_id)
                     .where(AuditEvent.kind.in_(HELP_KINDS), AuditEvent.at >= lo, AuditEvent.at < hi,
                            Request.type != SUPPORT))
    return [HelpRow(kind_, area, kind == "help_came_yes") for kind, kind_, area in rows]


def load_ratings(s: Session, lo: datetime, hi: datetime) -> list[RatingRow]:
    """Every criterion rated in feedback delivered in the period, by area (the
    request's area: whose report it was is never read here)."""
    out: list[RatingRow] = []
    for area, details in s.execute(select(Request.area_code, Request.details).where(
            Request.type == "feedback", Request.state == "completed", Request.completed_at >= lo,
            Request.completed_at < hi)):
        feedback = (details or {}).get("feedback") or {}
        labels = feedback.get("labels") or {}
        for criterion, rating in (feedback.get("ratings") or {}).items():
            out.append(RatingRow(criterion, dict(labels.get(criterion) or {}), area, rating))
    return out


def load_report(s: Session, calendar: WorkingCalendar, start: date, end: date,
                criteria_order: Sequence[str] = ()) -> QualityReport:
    lo = calendar.at_local(start, time(0))
    hi = calendar.at_local(end + timedelta(days=1), time(0))
    in_period = (Request.created_at >= lo, Request.created_at < hi)
    support_count = s.scalar(select(func.count()).select_from(Request)
                             .where(*in_period, Request.type == SUPPORT)) or 0
    accepted_tier = dict(s.execute(
        select(Offer.request_id, Offer.tier).join(Request, Request.id == Offer.request_id)
        .where(*in_period, Request.type != SUPPORT, Offer.state == "accepted")).all())
    rows = []
    for r in s.scalars(select(Request).where(*in_period, Request.type != SUPPORT)):
        if (r.details or {}).get("sit_in_id"):
            continue  # a sit-in's follow-up: nobody waited for it or was asked; the sit-in is counted
        first = r.chain[0].get("tier") if r.chain else None
        rows.append(RequestRow(r.type, r.area_code, r.state, r.created_at, r.accepted_at, first,
                               accepted_tier.get(r.id)))
    goals: list[GoalRow] = []
    monday = start - timedelta(days=start.weekday())
    while monday <= end:
        friday = monday + timedelta(days=4)
        if start <= friday <= end:
            goals += [GoalRow(a.area, a.status.outcome) for a in attainment(s, calendar, iso_week(friday))]
        monday += timedelta(days=7)
    training = [TrainingRow(area, has_trinn1(s, p.id)) for p, area in caseworkers(s, end)]
    return reports.compute(start, end, rows, goals, training, support_count, load_help_answers(s, lo, hi),
                           load_ratings(s, lo, hi), criteria_order, load_rows(s, end, lo, hi))


def load_rows(s: Session, day: date, lo: datetime, hi: datetime) -> list[LoadRow]:
    """Each IFK, BFK and IFR on ``day`` (their first network role) with the routed
    tasks they accepted in [lo, hi); support conversations are left out."""
    tasks = capacity_repo.accepted_between(s, lo, hi)
    out: dict[int, LoadRow] = {}
    for role in (Role.IFK, Role.BFK, Role.IFR):
        for p in holders(s, role, day):
            if p.id not in out:
                out[p.id] = LoadRow(p.name, role.value, p.network_share, tasks.get(p.id, 0))
    return list(out.values())


class ReportService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, calendar: WorkingCalendar,
                 settings: Settings, delivery: OutboxService, criteria_order: Sequence[str] = ()) -> None:
        self._criteria_order = tuple(criteria_order)  # the feedback catalog's order, for its section
        self._sessions = sessions
        self._clock = clock
        self._calendar = calendar
        self._settings = settings
        self._delivery = delivery

    def report(self, start: date, end: date) -> QualityReport:
        with self._sessions() as s:
            return load_report(s, self._calendar, start, end, self._criteria_order)

    # ----------------------------------------------------------- monthly job

    def next_due(self) -> datetime | None:
        return next_timers_due(self._sessions, MONTHLY_KEY)

    def fire_due(self) -> int:
        spec = PeriodicJob(MONTHLY_KEY, monthly_next(self._calendar), month_of, self.queue_monthly_report)
        return int(run_periodic(self._sessions, self._clock, self._calendar, self._delivery, spec))

    def queue_monthly_report(self, s: Session, now: datetime, month: str) -> list[str]:
        today = self._calendar.local_date(now)
        start, end = previous_month(today)
        report = load_report(s, self._calendar, start, end, self._criteria_order)
        queued: list[str] = []

        def queue(send, key: str) -> None:
            try:
                with s.begin_nested():
                    queued.append(send())
            except IntegrityError:
                pass  # already sent

        for ifr in holders(s, Role.IFR, today):
            lang = Lang.parse(ifr.language)
            text = slack_text(lang, report)
            queue(lambda ifr=ifr, text=text: outbox.queue_dm(s, ifr.id, text, None, now,
                                                             dedupe_key=f"quality_report:{month}:{ifr.id}"),
                  month)
        # The leaders (the management channel, else management by DM) also get
        # each coordinator's and adviser's load against their share (issue 15).
        channel = self._settings.ifn_management_channel
        if channel:
            text = slack_text(Lang.NB, report, people=True)
            queue(lambda: outbox.queue_post(s, channel, text, None, now,
                                            dedupe_key=f"quality_report:{month}:channel"), month)
        else:  # no management channel: management gets it by DM (memo §2: available to them)
            for leader in holders(s, Role.MANAGEMENT, today):
                lang = Lang.parse(leader.language)
                text = slack_text(lang, report, people=True)
                queue(lambda p=leader, text=text: outbox.queue_dm(
                    s, p.id, text, None, now, dedupe_key=f"quality_report:{month}:{p.id}"), month)
        return queued


def slack_text(lang: Lang, report: QualityReport, people: bool = False) -> str:
    title, _, body = reports.render_table(lang, report, people).partition("\n")
    return f"*{title}*\n```{body.strip()}```\n{t(lang, 'report.footer')}"
