"""What the Slack edge is handed by the composition root (``app.wiring``)."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.feedback_criteria import CriteriaCatalog
from bot.services.availability import AvailabilityService
from bot.services.daily import DailyJobs
from bot.services.directory import DirectoryService
from bot.services.directory_cache import DirectoryCache
from bot.services.group_sessions import GroupSessionService
from bot.services.line_issues import LineIssueService
from bot.services.meetings import MeetingService
from bot.services.minutes import MinutesService
from bot.services.outbox import OutboxService
from bot.services.people import DirectoryReader, PeopleService
from bot.services.production import ProductionService
from bot.services.reports import ReportService
from bot.services.requests import RequestService
from bot.services.ticker import Ticker
from bot.services.timeline import TimelineService
from bot.services.training import TrainingService
from bot.settings import Settings


@dataclass(frozen=True, slots=True)
class Deps:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    client: WebClient
    calendar: WorkingCalendar
    people: PeopleService
    directory: DirectoryService
    directory_reader: DirectoryReader
    criteria: CriteriaCatalog
    delivery: OutboxService
    requests: RequestService
    ticker: Ticker
    availability: AvailabilityService
    daily: DailyJobs
    meetings: MeetingService
    minutes: MinutesService
    line_issues: LineIssueService
    group_sessions: GroupSessionService
    production: ProductionService
    reports: ReportService
    training: TrainingService
    directory_cache: DirectoryCache
    timeline: TimelineService
