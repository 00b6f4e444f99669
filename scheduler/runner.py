"""APScheduler setup. Only the holder of the scheduler lock ticks
(``storage.scheduler_lock``); another scheduler process waits as a standby.
The scheduler only runs the heartbeat (``Ticker.tick``) every few seconds; what
is due lives in the database (offer deadlines, timers, outbox), so nothing is lost across
restarts and a tick that runs twice fires nothing twice (every firing is a conditional UPDATE)."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from bot.services.ticker import Ticker
from storage.scheduler_lock import Lock

log = logging.getLogger("ifn_bot.scheduler")

TICK_JOB_ID = "ifn-tick"


def _tick(ticker: Ticker) -> None:
    result = ticker.tick()
    if result.timeouts or result.timers or result.delivered or result.daily or result.other:
        log.info("tick: %d timeouts, %d timers, %d daily jobs, %d feature jobs, %d messages delivered",
                 result.timeouts, result.timers, result.daily, result.other, result.delivered)


def _start_apscheduler(ticker: Ticker, interval_seconds: float,
                       before_tick: Callable[[], bool] | None = None) -> BackgroundScheduler:
    def job() -> None:
        if before_tick is not None and not before_tick():
            return
        _tick(ticker)

    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        job, "interval", seconds=interval_seconds, id=TICK_JOB_ID,
        replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=None,
        # Fire at once on start: whatever fell due while everything was down goes out now.
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    return scheduler


class LockedScheduler:
    """Runs the heartbeat only while holding the scheduler lock (SPEC §8).

    Without the lock it is a standby: it tries again every ``standby_poll``
    seconds and starts ticking as soon as it gets the lock (when the active
    scheduler dies). Before each tick the lock is renewed; a scheduler that has
    lost it stops ticking and goes back to standby."""

    def __init__(self, ticker: Ticker, lock: Lock | None, interval_seconds: float = 5.0,
                 standby_poll: float = 2.0) -> None:
        self._ticker = ticker
        self._lock = lock
        self._interval = interval_seconds
        self._poll = standby_poll
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ifn-scheduler", daemon=True)
        self.active = threading.Event()

    def start(self) -> LockedScheduler:
        self._thread.start()
        return self

    def shutdown(self, wait: bool = True) -> None:
        self._stop.set()
        self._lost.set()
        if wait:
            self._thread.join(timeout=30)

    def _renew(self) -> bool:
        if self._lock is None or self._lock.still_held():
            return True
        self._lost.set()
        return False

    def _try_acquire(self) -> bool:
        if self._lock is None:
            return True
        try:
            return self._lock.acquire()
        except Exception as exc:  # noqa: BLE001 - the database may be down; try again later
            log.warning("scheduler lock: cannot reach the database (%s)", exc)
            return False

    def _run(self) -> None:
        announced = False
        while not self._stop.is_set():
            if not self._try_acquire():
                if not announced:
                    log.info("scheduler standby: another scheduler holds the lock")
                    announced = True
                self._stop.wait(self._poll)
                continue
            announced = False
            holder = self._lock.holder if self._lock is not None else "no lock"
            log.info("scheduler active (lock holder %s; tick every %.0f s)", holder, self._interval)
            self._lost.clear()
            self.active.set()
            scheduler = _start_apscheduler(self._ticker, self._interval, self._renew)
            self._lost.wait()
            scheduler.shutdown(wait=True)
            self.active.clear()
            if self._lock is not None:
                if self._stop.is_set():
                    self._lock.release()
                else:
                    log.warning("scheduler lock lost; back to standby")


def start_background(ticker: Ticker, interval_seconds: float = 5.0,
                     lock: Lock | None = None) -> LockedScheduler:
    """Start the scheduler in a background thread and return it (call shutdown()).
    With a ``lock`` it only ticks while it holds it."""
    return LockedScheduler(ticker, lock, interval_seconds).start()


def run_blocking(ticker: Ticker, interval_seconds: float = 5.0, lock: Lock | None = None) -> int:
    """``ifn-bot scheduler``: run (or wait as a standby) until SIGTERM/SIGINT."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    scheduler = start_background(ticker, interval_seconds, lock)
    log.info("scheduler started (tick every %.0f s)", interval_seconds)
    stop.wait()
    scheduler.shutdown(wait=True)
    log.info("scheduler stopped")
    return 0
