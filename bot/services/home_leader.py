"""What the Home tab shows leaders (SPEC §6, issue 13 item 3), by role:

* an area leader (or whoever ``role_holders`` says leads the area today, acting
  ones too): the exemptions waiting for them, their area's open requests (never
  support conversations) and line issues, and each coordinator's status and
  production this week;
* the fagsjef: open line issues across the areas;
* management: where the monthly quality report goes, and the latest minutes
  and plans.

Read-only: deciding an exemption or opening a timeline goes through the
feature's own service, which checks the clicking user again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.domain.roles import Role
from bot.services.directory_cache import DirectoryCache, DirectoryView
from bot.services.on_duty import OnDuty, load_roster
from bot.services.production_weeks import WeekStatus, iso_week, week_status, weeks_text
from bot.settings import CoreSettings
from storage.models import LineIssue
from storage.repositories import leader_views as repo
from storage.repositories import meetings as meetings_repo

#: Rows per list: the Home tab holds at most 100 blocks.
SHOWN = 5


@dataclass(frozen=True, slots=True)
class ExemptionItem:
    id: int
    name: str
    weeks: str
    reason: str


@dataclass(frozen=True, slots=True)
class RequestItem:
    id: int
    type: str
    state: str
    requester: str
    assignee: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class IssueItem:
    id: int
    title: str
    kind: str
    area: str | None
    raiser: str
    recipient: str
    state: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CoordinatorItem:
    role: Role
    duty: OnDuty
    production: WeekStatus


@dataclass(frozen=True, slots=True)
class AreaPanel:
    area: str
    exemptions: tuple[ExemptionItem, ...]
    open_requests: int
    requests: tuple[RequestItem, ...]
    open_issues: int
    issues: tuple[IssueItem, ...]
    coordinators: tuple[CoordinatorItem, ...]


@dataclass(frozen=True, slots=True)
class IssuesPanel:
    count: int
    issues: tuple[IssueItem, ...]


@dataclass(frozen=True, slots=True)
class ManagementPanel:
    report_by_dm: bool  # no management channel: the monthly report comes as a DM
    minutes: tuple[tuple[str, str, datetime], ...]  # (kind, title, submitted)


@dataclass(frozen=True, slots=True)
class LeaderHome:
    areas: tuple[AreaPanel, ...] = ()
    fagsjef: IssuesPanel | None = None
    management: ManagementPanel | None = None

    @property
    def empty(self) -> bool:
        return not self.areas and self.fagsjef is None and self.management is None


def led_areas(view: DirectoryView, person_id: int, day: date) -> list[str]:
    """The areas ``person_id`` leads on ``day``, as the directory's holders say."""
    return [a for a in view.areas if any(p.id == person_id for p in view.holders(Role.AREA_LEADER, day, a))]


def leads(view: DirectoryView, person_id: int, area: str, day: date) -> bool:
    return area in led_areas(view, person_id, day)


class LeaderHomeService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, calendar: WorkingCalendar,
                 settings: CoreSettings, directory: DirectoryCache) -> None:
        self._sessions = sessions
        self._clock = clock
        self._calendar = calendar
        self._settings = settings
        self._directory = directory

    def load(self, person_id: int) -> LeaderHome:
        now = self._clock.now()
        today = self._calendar.local_date(now)
        view = self._directory.view()
        areas = led_areas(view, person_id, today)
        is_fagsjef = any(p.id == person_id for p in view.holders(Role.FAGSJEF, today))
        is_management = any(p.id == person_id for p in view.holders(Role.MANAGEMENT, today))
        if not (areas or is_fagsjef or is_management):
            return LeaderHome()
        with self._sessions() as s:
            panels = tuple(self._area(s, view, area, today, now) for area in areas)
            fagsjef = None
            if is_fagsjef:
                count, issues = repo.open_issues(s, None, SHOWN)
                fagsjef = IssuesPanel(count, tuple(self._issue(view, i) for i in issues))
            management = None
            if is_management:
                minutes = tuple((m.kind, m.title, m.submitted_at)
                                for m in meetings_repo.recent_minutes(s, SHOWN))
                management = ManagementPanel(not self._settings.ifn_management_channel, minutes)
        return LeaderHome(panels, fagsjef, management)

    def _area(self, s: Session, view: DirectoryView, area: str, today: date, now: datetime) -> AreaPanel:
        roster = load_roster(s, view, today, now)
        mine: list[tuple[Role, OnDuty]] = [(Role.IFK, p) for a in roster.areas if a.area == area
                                           for p in a.ifks]
        if area == view.org.bfk_area:  # the BFK answers to their home's area leader (A in memo §4)
            mine += [(Role.BFK, p) for p in roster.bfks]
        week = iso_week(today)
        coordinators = tuple(CoordinatorItem(role, p, week_status(s, self._calendar, p.person_id, week))
                             for role, p in mine)
        exemptions = tuple(
            ExemptionItem(e.id, self._name(view, e.person_id), weeks_text(e.week, e.last_week or e.week),
                          e.reason)
            for e in repo.pending_exemptions(s, [p.person_id for _r, p in mine]))
        count, requests = repo.open_requests(s, area, SHOWN)
        issue_count, issues = repo.open_issues(s, area, SHOWN)
        return AreaPanel(
            area, exemptions, count,
            tuple(RequestItem(r.id, r.type, r.state, self._name(view, r.requester_id),
                              self._name(view, r.assignee_id) if r.assignee_id else None, r.created_at)
                  for r in requests),
            issue_count, tuple(self._issue(view, i) for i in issues), coordinators)

    def _issue(self, view: DirectoryView, i: LineIssue) -> IssueItem:
        return IssueItem(i.id, i.title, i.kind, i.area_code, self._name(view, i.raiser_id),
                         self._name(view, i.recipient_id), i.state, i.created_at)

    @staticmethod
    def _name(view: DirectoryView, person_id: int) -> str:
        person = view.person(person_id)
        return person.name if person is not None else f"#{person_id}"
