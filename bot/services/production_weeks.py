"""One coordinator's production week (memo §5) as the reminders, the reports
and the Home tab read it: what was logged, where an exemption stands (an
exemption may cover a period of weeks, asked in advance), and whether the
coordinator was registered absent on every working day of the week — then the
week is "fravær", never "ikke nådd", and nobody is prompted for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.calendar import WorkingCalendar
from bot.domain.roles import Role
from bot.i18n.format import fmt_date
from bot.services.availability import coordinator_roles
from storage.models import Exemption, Person, ProductionLog
from storage.repositories import availability as avail_repo
from storage.repositories import directory as directory_repo

#: met | exempted | absent | pending | missed
OUTCOMES = ("met", "exempted", "absent", "pending", "missed")


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(week: str) -> date:
    year, _, number = week.partition("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def week_number(week: str) -> int:
    return int(week.partition("-W")[2])


def week_text(week: str) -> str:
    return weeks_text(week, week)


def weeks_text(first: str, last: str) -> str:
    """"49 (30.11.2026–06.12.2026)" or, for a period, "49–52 (30.11.2026–27.12.2026)"."""
    start, end = week_monday(first), week_monday(last) + timedelta(days=6)
    numbers = str(week_number(first)) if first == last else f"{week_number(first)}–{week_number(last)}"
    return f"{numbers} ({fmt_date(start)}–{fmt_date(end)})"


def weeks_between(first: str, last: str) -> list[str]:
    out, monday = [], week_monday(first)
    while monday <= week_monday(last):
        out.append(iso_week(monday))
        monday += timedelta(days=7)
    return out


@dataclass(frozen=True, slots=True)
class WeekStatus:
    """One coordinator's week: what was logged, where an exemption stands, and
    whether they were absent the whole week."""

    week: str
    interviews: int
    decisions: int
    exemption: str | None  # pending|approved|rejected
    reason: str | None = None
    absent: bool = False

    @property
    def outcome(self) -> str:
        """met | exempted | absent | pending | missed"""
        if self.interviews or self.decisions:
            return "met"
        if self.exemption == "approved":
            return "exempted"
        if self.absent:
            return "absent"
        if self.exemption == "pending":
            return "pending"
        return "missed"


@dataclass(frozen=True, slots=True)
class Attainment:
    person_id: int
    name: str
    area: str  # the area whose leader is responsible (A for the BFK)
    role: Role
    status: WeekStatus


def exemption_for(s: Session, person_id: int, week: str) -> Exemption | None:
    """The exemption covering ``week`` (one week, or a period it lies in), if any;
    a rejected one only when nothing else covers the week."""
    rows = list(s.scalars(select(Exemption).where(
        Exemption.person_id == person_id, Exemption.week <= week,
        func.coalesce(Exemption.last_week, Exemption.week) >= week).order_by(Exemption.id)))
    return next((r for r in rows if r.state != "rejected"), rows[-1] if rows else None)


def overlapping(s: Session, person_id: int, first: str, last: str) -> Exemption | None:
    """A pending or approved exemption sharing a week with ``first``–``last``."""
    return s.scalar(select(Exemption).where(
        Exemption.person_id == person_id, Exemption.state != "rejected", Exemption.week <= last,
        func.coalesce(Exemption.last_week, Exemption.week) >= first).limit(1))


def working_days(calendar: WorkingCalendar, week: str) -> list[date]:
    monday = week_monday(week)
    return [d for d in (monday + timedelta(days=i) for i in range(5)) if calendar.is_working_day(d)]


def absent_all_week(s: Session, calendar: WorkingCalendar, person_id: int, week: str) -> bool:
    """Registered absent on every working day of ``week`` (a week without working
    days is not an absence)."""
    days = working_days(calendar, week)
    if not days:
        return False
    spans = [(a.starts_on, a.ends_on) for a in avail_repo.absences_of(s, person_id, days[0])]
    return all(any(start <= d <= end for start, end in spans) for d in days)


def week_status(s: Session, calendar: WorkingCalendar, person_id: int, week: str) -> WeekStatus:
    kinds = list(s.scalars(select(ProductionLog.kind).where(ProductionLog.person_id == person_id,
                                                             ProductionLog.week == week)))
    ex = exemption_for(s, person_id, week)
    return WeekStatus(week, kinds.count("interview"), kinds.count("decision"),
                      ex.state if ex else None, ex.reason if ex else None,
                      absent_all_week(s, calendar, person_id, week))


def coordinators(s: Session, day: date) -> list[tuple[Person, Role, str]]:
    """Every IFK and the BFK on ``day`` with the area whose leader answers for them."""
    out: list[tuple[Person, Role, str]] = []
    seen: set[int] = set()
    for person, _ra in directory_repo.people_with_roles(s, [Role.IFK.value, Role.BFK.value]):
        if person.id in seen:
            continue
        seen.add(person.id)
        roles = coordinator_roles(person, day)
        if roles:
            out.append((person, roles[0][0], roles[0][1]))
    return sorted(out, key=lambda c: (c[2], c[1] is Role.BFK, c[0].name))


def attainment(s: Session, calendar: WorkingCalendar, week: str) -> list[Attainment]:
    """Each coordinator's result for ``week`` (roles as held on that week's Friday)."""
    friday = week_monday(week) + timedelta(days=4)
    return [Attainment(p.id, p.name, area, role, week_status(s, calendar, p.id, week))
            for p, role, area in coordinators(s, friday)]
