"""APScheduler setup. The scheduler only runs the heartbeat (``Ticker.tick``)
every few seconds; what is due lives in the database (offer deadlines, timers,
outbox), so nothing is lost across restarts and a tick that runs twice fires
nothing twice (every firing is a conditional UPDATE)."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from bot.services.ticker import Ticker

log = logging.getLogger("ifn_bot.scheduler")

TICK_JOB_ID = "ifn-tick"


def _tick(ticker: Ticker) -> None:
    result = ticker.tick()
    if result.timeouts or result.timers or result.delivered or result.daily:
        log.info("tick: %d timeouts, %d timers, %d daily jobs, %d messages delivered",
                 result.timeouts, result.timers, result.daily, result.delivered)


def start_background(ticker: Ticker, interval_seconds: float = 5.0) -> BackgroundScheduler:
    """Start the scheduler in a background thread and return it (call shutdown())."""
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        _tick, "interval", seconds=interval_seconds, args=[ticker], id=TICK_JOB_ID,
        replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=None,
        # Fire at once on start: whatever fell due while everything was down goes out now.
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    return scheduler


def run_blocking(ticker: Ticker, interval_seconds: float = 5.0) -> int:
    """``ifn-bot scheduler``: run until SIGTERM/SIGINT."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    scheduler = start_background(ticker, interval_seconds)
    log.info("scheduler running (tick every %.0f s)", interval_seconds)
    stop.wait()
    scheduler.shutdown(wait=True)
    log.info("scheduler stopped")
    return 0
