"""``ifn-bot`` command line, the entry point of the composition root (``app/``).

Each command imports what it needs lazily, so a one-shot command such as
``directory import`` never loads Bolt or gunicorn. Everything below ``app/``
follows the dependency direction ``handlers → bot → storage`` and
``scheduler → bot → storage``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot.clock import Clock, SystemClock
from bot.directory_file import DirectoryFileError, load_directory_file
from bot.settings import CoreSettings, Settings, SettingsError, load_settings

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_CONFIG = 2

log = logging.getLogger("ifn_bot")


def _fail(message: str, code: int) -> int:
    print(f"ifn-bot: {message}", file=sys.stderr)
    return code


def _cmd_db_upgrade(args: argparse.Namespace) -> int:
    from storage.migrate import current_revision, upgrade

    settings = load_settings(CoreSettings)
    upgrade(settings.database_url)
    print(f"database at revision {current_revision(settings.database_url)}")
    return EXIT_OK


def _cmd_directory_import(args: argparse.Namespace) -> int:
    from app.directory_cli import import_report, link_after_import
    from bot.services.directory import DirectoryService
    from storage.db import make_engine, make_session_factory
    from storage.migrate import upgrade

    settings = load_settings(CoreSettings)
    try:
        data = load_directory_file(args.file)
    except DirectoryFileError as exc:
        return _fail(f"refused {exc}; nothing was written", EXIT_REFUSED)
    if settings.database_url.startswith("sqlite"):
        upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        sessions = make_session_factory(engine)
        service = DirectoryService(sessions, SystemClock())
        result = service.import_directory(data, args.file, prune=args.prune, dry_run=args.dry_run)
        print(import_report(args.file, result))
        if not args.dry_run:
            print(link_after_import(sessions))
    except DirectoryFileError as exc:
        return _fail(f"refused {exc}; nothing was written", EXIT_REFUSED)
    finally:
        engine.dispose()
    return EXIT_OK


def _cmd_directory_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.services.directory import DirectoryService
    from storage.db import make_engine, make_session_factory

    settings = load_settings(CoreSettings)
    problem = _ensure_schema(settings)
    if problem:
        return _fail(problem, EXIT_CONFIG)
    engine = make_engine(settings.database_url)
    try:
        text = DirectoryService(make_session_factory(engine), SystemClock()).export()
    finally:
        engine.dispose()
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            return _fail(f"cannot write {args.output}: {exc.strerror}", EXIT_REFUSED)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _ensure_schema(settings: CoreSettings) -> str | None:
    """SQLite (the single-machine default) is migrated on start; PostgreSQL is
    migrated by the release step and only checked here."""
    from storage.migrate import current_revision, head_revision, upgrade

    if settings.database_url.startswith("sqlite"):
        upgrade(settings.database_url)
        return None
    if current_revision(settings.database_url) != head_revision():
        return "DATABASE_URL: the database schema is not up to date; run `ifn-bot db upgrade`"
    return None


def _schema_in_a_child(settings: CoreSettings) -> str | None:
    """``_ensure_schema`` in a child process: the web server's master then never
    loads Alembic, and neither do the workers it forks (their memory starts as a
    copy of the master's)."""
    import subprocess

    result = subprocess.run([sys.executable, "-m", "app.cli", "db", "check", "--upgrade-sqlite"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        return (result.stderr.strip().removeprefix("ifn-bot: ") or
                "DATABASE_URL: the database schema could not be checked")
    return None


def _warnings_from_a_child() -> None:
    """The start-up checks (``ifn-bot doctor --at-start``) in a child process that
    logs one warning per problem while the server starts: the master stays lean
    and a slow Slack does not delay serving."""
    import subprocess

    subprocess.Popen([sys.executable, "-m", "app.cli", "doctor", "--at-start"])


def _cmd_db_check(args: argparse.Namespace) -> int:
    settings = load_settings(CoreSettings)
    if not args.upgrade_sqlite and settings.database_url.startswith("sqlite"):
        from storage.migrate import current_revision, head_revision

        ok = current_revision(settings.database_url) == head_revision()
        return EXIT_OK if ok else _fail("DATABASE_URL: the database schema is not up to date; "
                                        "run `ifn-bot db upgrade`", EXIT_CONFIG)
    problem = _ensure_schema(settings)
    return _fail(problem, EXIT_CONFIG) if problem else EXIT_OK


def _cmd_doctor(args: argparse.Namespace) -> int:
    from app.doctor_cli import run_doctor, warn_at_start

    settings = load_settings(Settings)
    if args.at_start:  # the schema is ifn-bot run's to check
        warn_at_start(settings)
        return EXIT_OK
    problem = _ensure_schema(settings)
    if problem:
        return _fail(problem, EXIT_CONFIG)
    return run_doctor(settings)


def _clock(args: argparse.Namespace) -> Clock | str:
    """The system clock, or with ``--start`` a clock that read that moment at
    ``--started-at`` (a Unix time; default now) and runs on in real time. Every
    process of one test cluster gets the same pair, so they agree on the time."""
    if not args.start:
        return SystemClock()
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from bot.clock import OffsetClock

    try:
        moment = datetime.fromisoformat(args.start)
    except ValueError:
        return f"--start {args.start!r}: give a moment as 2026-11-25T10:00"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("Europe/Oslo"))
    anchor = args.started_at if args.started_at is not None else datetime.now(UTC).timestamp()
    return OffsetClock(moment - datetime.fromtimestamp(anchor, UTC))


def _cmd_run(args: argparse.Namespace) -> int:
    clock = _clock(args)
    if isinstance(clock, str):
        return _fail(clock, EXIT_REFUSED)
    settings = load_settings(Settings)
    problem = _schema_in_a_child(settings)
    if problem:
        return _fail(problem, EXIT_CONFIG)
    if settings.ifn_metrics and args.no_scheduler and not settings.socket_mode:
        _multiprocess_metrics()
    _warnings_from_a_child()
    from app.server import serve

    return serve(settings, clock, port=args.port, workers=args.workers,
                 with_scheduler=not args.no_scheduler, host=args.host)


def _cmd_scheduler(args: argparse.Namespace) -> int:
    clock = _clock(args)
    if isinstance(clock, str):
        return _fail(clock, EXIT_REFUSED)
    settings = load_settings(Settings)
    problem = _ensure_schema(settings)
    if problem:
        return _fail(problem, EXIT_CONFIG)
    from app.metrics_http import serve_metrics
    from app.wiring import build_services, database_collector
    from scheduler.runner import run_blocking, tick_recorder
    from storage.scheduler_lock import scheduler_lock

    services = build_services(settings, clock, threaded_delivery=True)
    if settings.ifn_metrics_port:
        serve_metrics(settings.ifn_metrics_port, database_collector(services))
    try:
        return run_blocking(services.ticker, args.interval, scheduler_lock(services.engine),
                            on_tick=tick_recorder(services.engine, clock))
    finally:
        services.close()  # the outbox's workers finish (bounded) or give their messages back


def _multiprocess_metrics() -> None:
    """gunicorn's workers are separate processes: let prometheus_client keep their
    values in files that any worker's scrape adds up. Must happen before
    prometheus_client is first imported (app.metrics_http.MULTIPROC_ENV names the
    variable); the directory is removed at exit."""
    import atexit
    import os
    import shutil
    import tempfile

    path = tempfile.mkdtemp(prefix="ifn-bot-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
    parent = os.getpid()
    atexit.register(lambda: os.getpid() == parent and shutil.rmtree(path, ignore_errors=True))


def _cmd_report(args: argparse.Namespace) -> int:
    from bot import reports
    from bot.calendar import WorkingCalendar
    from bot.dates import parse_date
    from bot.domain.language import Lang
    from bot.routing_types import WorkingHours
    from bot.services.reports import load_report
    from storage.db import make_engine, make_session_factory

    start, end = parse_date(args.from_date), parse_date(args.to_date)
    if start is None or end is None:
        return _fail("--from and --to take dates as YYYY-MM-DD or dd.mm.yyyy", EXIT_REFUSED)
    if end < start:
        return _fail(f"--to {end.isoformat()} is before --from {start.isoformat()}", EXIT_REFUSED)
    settings = load_settings(CoreSettings)
    problem = _ensure_schema(settings)
    if problem:
        return _fail(problem, EXIT_CONFIG)
    calendar = WorkingCalendar(WorkingHours(settings.ifn_working_hours_start, settings.ifn_working_hours_end,
                                            settings.ifn_timezone))
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as s:
            report = load_report(s, calendar, start, end)
    finally:
        engine.dispose()
    lang = Lang.parse(args.lang)
    if args.format == "csv":
        sys.stdout.write(reports.render_csv(lang, report, args.people))
    else:
        sys.stdout.write(reports.render_table(lang, report, args.people) + "\n")
    return EXIT_OK


def _cmd_sandbox(args: argparse.Namespace) -> int:
    from datetime import datetime
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from sandbox.server import run as run_sandbox

    start_at = None
    if args.start:
        try:
            start_at = datetime.fromisoformat(args.start)
        except ValueError:
            return _fail(f"--start {args.start!r}: give a moment as 2026-12-01T07:55", EXIT_REFUSED)
        if start_at.tzinfo is None:
            start_at = start_at.replace(tzinfo=ZoneInfo("Europe/Oslo"))
    return run_sandbox(Path(args.data_dir), args.port, start_at=start_at)


def _clock_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--start", default=None,
                        help="tests and demos: the bot's clock reads this moment (Oslo time unless given) "
                             "at --started-at and runs on from there")
    parser.add_argument("--started-at", type=float, default=None,
                        help="with --start: the Unix time at which the clock reads --start (default: now)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ifn-bot", description="Slack bot for the IFN network")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the bot (Socket Mode with SLACK_APP_TOKEN, else HTTP)")
    run.add_argument("--port", type=int, default=None, help="HTTP port (default: PORT or 3000)")
    run.add_argument("--host", default="0.0.0.0", help="HTTP address to bind (default 0.0.0.0)")
    run.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    run.add_argument("--no-scheduler", action="store_true",
                     help="do not run the scheduler (a separate `ifn-bot scheduler` process does)")
    _clock_options(run)
    run.set_defaults(func=_cmd_run)

    doctor = sub.add_parser("doctor", help="check the token, scopes, channels and who Slack cannot reach")
    doctor.add_argument("--at-start", action="store_true",
                        help="log one warning per problem and exit 0 (what `ifn-bot run` does at start)")
    doctor.set_defaults(func=_cmd_doctor)

    sched = sub.add_parser("scheduler", help="run the scheduler: timeouts, reminders, outbox retries")
    sched.add_argument("--interval", type=float, default=5.0, help="seconds between ticks")
    _clock_options(sched)
    sched.set_defaults(func=_cmd_scheduler)

    sandbox = sub.add_parser("sandbox", help="the bot, a fake Slack and a workspace page on 127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8300, help="port of the page (default 8300; 0: any)")
    sandbox.add_argument("--data-dir", default="sandbox-data",
                         help="SQLite file and clock (default ./sandbox-data)")
    sandbox.add_argument("--start", default=None,
                         help="start the bot's clock at this moment, e.g. 2026-12-01T07:55 (Oslo time)")
    sandbox.set_defaults(func=_cmd_sandbox)

    db = sub.add_parser("db", help="database commands")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="create or upgrade the schema").set_defaults(
        func=_cmd_db_upgrade
    )
    check = db_sub.add_parser("check", help="exit 0 when the schema is current (1 line and exit 2 if not)")
    check.add_argument("--upgrade-sqlite", action="store_true",
                       help="migrate a SQLite database instead of only checking it (what `run` does)")
    check.set_defaults(func=_cmd_db_check)

    report = sub.add_parser("report", help="print the quality report for a period")
    report.add_argument("--from", dest="from_date", required=True, help="first day (YYYY-MM-DD)")
    report.add_argument("--to", dest="to_date", required=True, help="last day (YYYY-MM-DD)")
    report.add_argument("--format", choices=("table", "csv"), default="table")
    report.add_argument("--lang", choices=("nb", "en"), default="nb")
    report.add_argument("--people", action="store_true",
                        help="for leaders: also each IFK's, BFK's and IFR's load against their share")
    report.set_defaults(func=_cmd_report)

    directory = sub.add_parser("directory", help="directory commands")
    dir_sub = directory.add_subparsers(dest="directory_command", required=True)
    imp = dir_sub.add_parser("import", help="load areas, units, people and roles from YAML")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="print what would change and write nothing")
    imp.add_argument("--prune", action="store_true",
                     help="deactivate people missing from the file (without it they are listed and kept)")
    imp.set_defaults(func=_cmd_directory_import)
    exp = dir_sub.add_parser("export", help="write the directory in the import format")
    exp.add_argument("--output", "-o", default=None, help="file to write (default: standard output)")
    exp.set_defaults(func=_cmd_directory_export)
    return parser


def _log_format() -> str:
    try:
        return load_settings(CoreSettings).ifn_log_format
    except SettingsError:
        return "text"  # the command itself reports the bad setting


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Long-running commands log what they do; one-shot commands print their result
    # and keep stderr for problems.
    from app.logs import configure

    long_running = args.command in ("run", "scheduler", "sandbox")
    configure(_log_format(), logging.INFO if long_running else logging.WARNING)
    try:
        return int(args.func(args))
    except SettingsError as exc:
        return _fail(str(exc), EXIT_CONFIG)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
