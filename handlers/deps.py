"""Everything the Slack edge (and the scheduler) needs, built once by the
composition root: one WebClient, one engine, the services."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.feedback_criteria import CriteriaCatalog, load_criteria
from bot.routing_types import WorkingHours
from bot.services.availability import AvailabilityService
from bot.services.daily import DailyJobs
from bot.services.directory import DirectoryService
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
from bot.services.training import TrainingService
from bot.settings import Settings
from handlers.slack_notifier import SlackNotifier
from storage.db import make_engine, make_session_factory


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


def build_client(settings: Settings) -> WebClient:
    """A WebClient on the configured API URL that retries what is worth retrying:
    rate limits (honouring Retry-After), 5xx answers and dropped connections."""
    return WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
            ConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_deps(settings: Settings, clock: Clock, engine: Engine | None = None,
               client: WebClient | None = None) -> Deps:
    engine = engine or make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    client = client or build_client(settings)
    calendar = WorkingCalendar(
        WorkingHours(settings.ifn_working_hours_start, settings.ifn_working_hours_end, settings.ifn_timezone)
    )
    delivery = OutboxService(sessions, clock, SlackNotifier(client), settings.tz)
    requests = RequestService(sessions, clock, settings, calendar, delivery)
    availability = AvailabilityService(sessions, clock, calendar, delivery)
    daily = DailyJobs(sessions, clock, calendar, delivery)
    daily.add("substitute_reminder", availability.queue_substitute_reminders)
    # Maintenance runs on its own morning schedule, apart from the jobs that message people.
    maintenance = DailyJobs(sessions, clock, calendar, delivery)
    maintenance.add("support_purge", requests.purge_support_notes)
    meetings = MeetingService(sessions, clock, calendar, settings, delivery)
    minutes = MinutesService(sessions, clock, calendar, settings, delivery)
    maintenance.add("meetings_materialize", meetings.materialize_all)
    line_issues = LineIssueService(sessions, clock, settings, calendar, delivery)
    group_sessions = GroupSessionService(sessions, clock, settings, calendar, delivery)
    production = ProductionService(sessions, clock, calendar, delivery)
    reports = ReportService(sessions, clock, calendar, settings, delivery)
    training = TrainingService(sessions, clock, calendar, delivery)
    sweeps = (maintenance.run_due, line_issues.fire_due, group_sessions.fire_due, meetings.fire_due,
              production.fire_due, reports.fire_due, training.fire_due)
    return Deps(
        settings=settings,
        engine=engine,
        sessions=sessions,
        clock=clock,
        client=client,
        calendar=calendar,
        people=PeopleService(sessions, clock, settings.tz),
        directory=DirectoryService(sessions, clock),
        directory_reader=DirectoryReader(sessions, clock, settings.tz),
        criteria=load_criteria(settings.ifn_feedback_criteria_file),
        delivery=delivery,
        requests=requests,
        ticker=Ticker(requests, delivery, daily, sweeps=sweeps),
        availability=availability,
        daily=daily,
        meetings=meetings,
        minutes=minutes,
        line_issues=line_issues,
        group_sessions=group_sessions,
        production=production,
        reports=reports,
        training=training,
    )
