"""The composition root's wiring: build the engine, the Slack client and every
service once, and hand each part of the process what it uses."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from sqlalchemy import Engine

from app.health import OperatorEndpoints, Readiness
from app.slack_client import InstrumentedWebClient, instrument_context_client
from app.slack_notifier import SlackNotifier
from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.feedback_criteria import CriteriaCatalog, load_criteria
from bot.metrics import DatabaseCollector
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
from handlers.app import build_app
from handlers.deps import Deps
from storage.db import SessionFactory, make_engine, make_session_factory


def build_client(settings: Settings) -> WebClient:
    """A WebClient on the configured API URL that retries what is worth retrying:
    rate limits (honouring Retry-After), 5xx answers and dropped connections."""
    return InstrumentedWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
            ConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )


@dataclass(frozen=True, slots=True)
class Services:
    """Every service of one process, built once. Parts of the process get only
    what they use: the scheduler the ticker, the Slack edge its handlers' needs."""

    settings: Settings
    engine: Engine
    sessions: SessionFactory
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


def build_services(settings: Settings, clock: Clock, engine: Engine | None = None,
                   client: WebClient | None = None) -> Services:
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
    return Services(
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


def build_ticker(settings: Settings, clock: Clock) -> tuple[Ticker, Engine]:
    """The scheduler process: the ticker and the engine its lock lives on."""
    services = build_services(settings, clock)
    return services.ticker, services.engine


def database_collector(services: Services) -> DatabaseCollector:
    """What the metrics read from the database at scrape time."""
    return DatabaseCollector(services.sessions, services.clock.now)


def operator_endpoints(services: Services) -> OperatorEndpoints:
    """/healthz, /readyz and (with IFN_METRICS) /metrics of the HTTP server."""
    readiness = Readiness(services.engine, services.sessions, services.clock.now)
    metrics = database_collector(services) if services.settings.ifn_metrics else None
    return OperatorEndpoints(readiness, metrics)


def edge_deps(services: Services) -> Deps:
    """What the Slack edge gets."""
    return Deps(
        settings=services.settings, engine=services.engine, sessions=services.sessions, clock=services.clock,
        client=services.client, calendar=services.calendar, people=services.people,
        directory=services.directory, directory_reader=services.directory_reader,
        criteria=services.criteria, delivery=services.delivery, requests=services.requests,
        ticker=services.ticker, availability=services.availability, daily=services.daily,
        meetings=services.meetings, minutes=services.minutes, line_issues=services.line_issues,
        group_sessions=services.group_sessions, production=services.production, reports=services.reports,
        training=services.training,
    )


def build_slack_app(services: Services, *, listener_executor: Executor | None = None) -> App:
    """The Bolt app with every listener, on the services' WebClient."""
    app = build_app(edge_deps(services), listener_executor=listener_executor)
    app.use(instrument_context_client)
    return app
