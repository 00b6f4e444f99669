"""The composition root's wiring: build the engine, the Slack client and every
service once, and hand each part of the process what it uses."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, ServerErrorRetryHandler
from sqlalchemy import Engine

from app.health import OperatorEndpoints, Readiness
from app.slack_client import InstrumentedWebClient, instrument_context_client
from app.slack_directory import SlackDirectoryClient
from app.slack_notifier import SlackNotifier
from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.feedback_criteria import CriteriaCatalog, load_criteria
from bot.metrics import DatabaseCollector
from bot.routing_types import WorkingHours
from bot.services.acting import ActingService
from bot.services.availability import AvailabilityService
from bot.services.daily import DailyJobs
from bot.services.directory import DirectoryService
from bot.services.directory_admin import DirectoryAdminService
from bot.services.directory_cache import DirectoryCache
from bot.services.dispatch import ThreadDispatcher
from bot.services.duty_post import DutyPostService
from bot.services.group_sessions import GroupSessionService
from bot.services.handover import HandoverService
from bot.services.home import HomeService
from bot.services.home_leader import LeaderHomeService
from bot.services.line_issues import LineIssueService
from bot.services.meetings import MeetingService
from bot.services.minutes import MinutesService
from bot.services.orientation import OrientationService
from bot.services.outbox import KEEP_EVERY, OutboxService
from bot.services.people import DirectoryReader, PeopleService
from bot.services.production import ProductionService
from bot.services.reachability import ReachabilityService
from bot.services.reports import ReportService
from bot.services.requests import RequestService
from bot.services.sit_in import SitInService
from bot.services.ticker import Ticker
from bot.services.timeline import TimelineService
from bot.services.training import TrainingService
from bot.settings import Settings
from handlers import fallback
from handlers.acting import ActingHandlers
from handlers.app import build_app
from handlers.availability import AvailabilityHandlers
from handlers.check_in import CheckInHandlers
from handlers.directory import DirectoryHandlers
from handlers.group_sessions import GroupSessionHandlers
from handlers.home import HomeHandlers, HomePublisher
from handlers.home_leader import LeaderHomeHandlers
from handlers.line_issues import LineIssueHandlers
from handlers.meetings import MeetingHandlers
from handlers.orientation import OrientationHandlers
from handlers.prelude import Edge
from handlers.production import ProductionHandlers
from handlers.requests import RequestHandlers
from handlers.sit_in import SitInHandlers
from handlers.support import SupportHandlers
from handlers.training import TrainingHandlers
from storage.db import SessionFactory, make_engine, make_session_factory


def build_client(settings: Settings, *, retries: bool = True) -> WebClient:
    """A WebClient on the configured API URL.

    The Slack edge's client (``retries``) tries once more after a dropped
    connection or a 5xx; it never sleeps through a rate limit, because it works
    while a user waits (a modal's trigger lives 3 s). The outbox's client retries
    nothing itself: a post retried blindly after a lost answer is a post twice,
    so the outbox decides (``bot.services.outbox``) and waits in its own threads.
    Every call is counted by method and Slack's error code (``app.slack_client``)."""
    handlers = [ServerErrorRetryHandler(max_retry_count=1), ConnectionErrorRetryHandler(max_retry_count=1)] \
        if retries else []
    return InstrumentedWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=handlers,
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
    sit_in: SitInService
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
    home: HomeService
    handover: HandoverService
    reachability: ReachabilityService
    acting: ActingService
    orientation: OrientationService
    directory_admin: DirectoryAdminService
    duty_post: DutyPostService
    home_leader: LeaderHomeService
    dispatcher: ThreadDispatcher | None = None

    def close(self) -> None:
        """Let the outbox's workers finish (bounded), then close the database pool."""
        if self.dispatcher is not None:
            self.dispatcher.stop()
        self.engine.dispose()


def build_services(settings: Settings, clock: Clock, engine: Engine | None = None,
                   client: WebClient | None = None, outbox_client: WebClient | None = None,
                   *, threaded_delivery: bool = False) -> Services:
    """``threaded_delivery``: the outbox's messages are sent by its own worker
    threads (servers and the scheduler); without it, in the thread that queued
    them (tests, the sandbox, one-shot commands)."""
    engine = engine or make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    client = client or build_client(settings)
    calendar = WorkingCalendar(
        WorkingHours(settings.ifn_working_hours_start, settings.ifn_working_hours_end, settings.ifn_timezone)
    )
    outbox_client = outbox_client or build_client(settings, retries=False)
    directory_cache = DirectoryCache(sessions, settings.ifn_directory_cache_seconds)
    delivery = OutboxService(sessions, clock, SlackNotifier(outbox_client), settings.tz,
                             directory=directory_cache)
    dispatcher = None
    if threaded_delivery:
        dispatcher = ThreadDispatcher(delivery.deliver, delivery.release, workers=settings.ifn_outbox_workers,
                                      keep=delivery.keep_claims, keep_every=KEEP_EVERY).start()
        delivery.set_dispatcher(dispatcher)
    requests = RequestService(sessions, clock, settings, calendar, delivery, directory_cache)
    duty_post = DutyPostService(sessions, clock, calendar, settings, delivery, directory_cache)
    availability = AvailabilityService(sessions, clock, calendar, delivery, duty_post)
    daily = DailyJobs(sessions, clock, calendar, delivery)
    daily.add("substitute_reminder", availability.queue_substitute_reminders)
    # The network's own morning: the duty post, on a schedule apart from the DMs to people.
    network_day = DailyJobs(sessions, clock, calendar, delivery)
    network_day.add("duty_post", duty_post.queue_today)
    # Maintenance runs on its own morning schedule, apart from the jobs that message people.
    maintenance = DailyJobs(sessions, clock, calendar, delivery)
    maintenance.add("support_purge", requests.purge_support_notes)
    meetings = MeetingService(sessions, clock, calendar, settings, delivery)
    minutes = MinutesService(sessions, clock, calendar, settings, delivery)
    maintenance.add("meetings_materialize", meetings.materialize_all)
    line_issues = LineIssueService(sessions, clock, settings, calendar, delivery)
    group_sessions = GroupSessionService(sessions, clock, settings, calendar, delivery)
    production = ProductionService(sessions, clock, calendar, delivery)
    criteria = load_criteria(settings.ifn_feedback_criteria_file)
    reports = ReportService(sessions, clock, calendar, settings, delivery, criteria.ids)
    training = TrainingService(sessions, clock, calendar, delivery)
    # Leaving and reachability (issue 12): work moves on when someone is switched off or
    # Slack refuses them for good; the directory is linked to Slack every working morning.
    handover = HandoverService(sessions, clock, settings, calendar, delivery, directory_cache)
    reachability = ReachabilityService(sessions, clock, directory_cache, handover,
                                       SlackDirectoryClient(outbox_client))
    delivery.on_unreachable(reachability.on_outbox_unreachable)
    maintenance.add("link_directory", reachability.queue_link_job)
    directory_admin = DirectoryAdminService(sessions, clock, calendar, directory_cache, handover)
    sweeps = (maintenance.run_due, line_issues.fire_due, group_sessions.fire_due, meetings.fire_due,
              production.fire_due, reports.fire_due, training.fire_due, handover.fire_due,
              reachability.fire_due, network_day.run_due, duty_post.fire_due)
    return Services(
        settings=settings,
        engine=engine,
        sessions=sessions,
        clock=clock,
        client=client,
        calendar=calendar,
        people=PeopleService(sessions, clock, directory_cache, settings.tz),
        directory=DirectoryService(sessions, clock),
        directory_reader=DirectoryReader(directory_cache, clock, settings.tz),
        criteria=criteria,
        delivery=delivery,
        requests=requests,
        sit_in=SitInService(sessions, clock, settings, calendar, delivery, directory_cache),
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
        directory_cache=directory_cache,
        timeline=TimelineService(sessions, settings.tz, clock),
        home_leader=LeaderHomeService(sessions, clock, calendar, settings, directory_cache),
        home=HomeService(sessions, clock, calendar, delivery, duty_post, admin=directory_admin),
        duty_post=duty_post,
        handover=handover,
        reachability=reachability,
        acting=ActingService(sessions, clock, calendar, delivery, directory_cache),
        orientation=OrientationService(sessions, clock, calendar, directory_cache),
        directory_admin=directory_admin,
        dispatcher=dispatcher,
    )


def build_features(services: Services, edge: Edge, publisher: HomePublisher) -> list[object]:
    """Each feature's Slack handlers, with the services that feature uses."""
    sv = services
    groups = GroupSessionHandlers(edge, sv.group_sessions, sv.directory_reader, sv.settings)
    return [
        RequestHandlers(edge, sv.requests, sv.timeline, sv.directory_reader, sv.criteria, sv.settings,
                        sv.calendar),
        CheckInHandlers(edge, sv.requests),
        SitInHandlers(edge, sv.sit_in, sv.requests, sv.directory_reader, sv.criteria, sv.settings,
                      sv.calendar),
        AvailabilityHandlers(edge, sv.availability),
        SupportHandlers(edge, sv.requests, sv.directory_reader, sv.directory_cache, sv.calendar,
                        sv.settings.ifn_support_retention_days),
        LineIssueHandlers(edge, sv.line_issues, sv.directory_reader),
        groups,
        MeetingHandlers(edge, sv.meetings, sv.minutes, sv.calendar),
        ProductionHandlers(edge, sv.production),
        TrainingHandlers(edge, sv.training, sv.group_sessions, groups),
        HomeHandlers(edge, sv.home, publisher),
        DirectoryHandlers(edge, sv.directory_admin, sv.settings.tz),
        ActingHandlers(edge, sv.acting),
        OrientationHandlers(sv.orientation),
        LeaderHomeHandlers(edge, sv.timeline),
    ]


def build_slack_app(services: Services, *, listener_executor: Executor | None = None) -> App:
    """The Bolt app with every listener, on the services' WebClient; the
    fallback listeners come last, so they take only what no other listener does."""
    sv = services
    publisher = HomePublisher(sv.home, sv.people, sv.clock, sv.settings.tz, sv.home_leader)
    edge = Edge(sv.people, sv.clock, sv.settings.tz, publisher.publish, sv.delivery.send_dm)
    app = build_app(sv.client, sv.settings.slack_signing_secret.get_secret_value(), edge,
                    build_features(sv, edge, publisher), listener_executor=listener_executor)
    app.use(instrument_context_client)  # the listeners' Slack calls are counted too
    fallback.register(app)
    return app


def database_collector(services: Services) -> DatabaseCollector:
    """What the metrics read from the database at scrape time."""
    return DatabaseCollector(services.sessions, services.clock.now)


def operator_endpoints(services: Services) -> OperatorEndpoints:
    """/healthz, /readyz and (with IFN_METRICS) /metrics of the HTTP server."""
    readiness = Readiness(services.engine, services.sessions, services.clock.now)
    metrics = database_collector(services) if services.settings.ifn_metrics else None
    return OperatorEndpoints(readiness, metrics)
