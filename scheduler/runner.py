"""APScheduler setup. Only the holder of the scheduler lock ticks
(``storage.scheduler_lock``); another scheduler process waits as a standby.
The scheduler only runs the heartbeat (``Ticker.tick``) every few seconds; what
is due lives in the database (offer deadlines, timers, outbox), so nothing is lost across
restarts and a tick that runs twice fires nothing twice (every firing is a conditional UPDATE).

Stopping (SIGTERM): the current tick finishes (bounded by ``STOP_GRACE``), then the
lock is released so a standby takes over at its next poll instead of waiting for a
lease to run out."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine

from bot import metrics
from bot.clock import Clock
from bot.services.ticker import Ticker
from storage.repositories.operations import record_tick
from storage.scheduler_lock import RENEW_EVERY, Lock

log = logging.getLogger("ifn_bot.scheduler")

TICK_JOB_ID = "ifn-tick"
#: How long a stop waits for the tick in progress before the process exits anyway.
STOP_GRACE = 25.0
#: How often a standby tries to take the lock.
STANDBY_POLL = 1.0

#: Called after each tick with the lock holder's name and the tick's duration in seconds.
OnTick = Callable[[str, float], None]


def tick_recorder(engine: Engine, clock: Clock) -> OnTick:
    """Record each tick in the database, so web processes can tell (``/readyz``)
    that a scheduler is alive."""
    def record(holder: str, seconds: float) -> None:
        try:
            record_tick(engine, holder, clock.now(), int(seconds * 1000))
        except Exception as exc:  # noqa: BLE001 - the next tick records again
            log.warning("could not record the tick (%s)", type(exc).__name__)
    return record


class _TickJob:
    """One heartbeat: the ticker, then the metrics and the tick record."""

    def __init__(self, ticker: Ticker, interval: float, holder: str, on_tick: OnTick | None,
                 may_tick: Callable[[], bool]) -> None:
        self._ticker, self._interval, self._holder = ticker, interval, holder
        self._on_tick, self._may_tick = on_tick, may_tick
        self._last_start: float | None = None

    def __call__(self) -> None:
        if not self._may_tick():
            return
        started = time.monotonic()
        lag = 0.0 if self._last_start is None else started - self._last_start - self._interval
        self._last_start = started
        result = self._ticker.tick()
        duration = time.monotonic() - started
        metrics.tick(duration, lag)
        if self._on_tick is not None:
            self._on_tick(self._holder, duration)
        if result.timeouts or result.timers or result.delivered or result.daily or result.other:
            log.info("tick: %d timeouts, %d timers, %d daily jobs, %d feature jobs, %d messages delivered",
                     result.timeouts, result.timers, result.daily, result.other, result.delivered,
                     extra={"duration_ms": int(duration * 1000), "stage": "tick"})


def _start_apscheduler(job: _TickJob, interval_seconds: float) -> BackgroundScheduler:
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
    scheduler dies or stops). While active, a loop of its own renews the lock every
    ``renew_every`` seconds, independent of the ticks, so a slow tick never lets
    the lease run out; a scheduler that has lost the lock lets its current tick
    finish, starts no other, and goes back to standby."""

    def __init__(self, ticker: Ticker, lock: Lock | None, interval_seconds: float = 5.0,
                 standby_poll: float = STANDBY_POLL, renew_every: float = RENEW_EVERY,
                 on_tick: OnTick | None = None) -> None:
        self._ticker = ticker
        self._lock = lock
        self._interval = interval_seconds
        self._poll = standby_poll
        self._renew_every = renew_every
        self._on_tick = on_tick
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ifn-scheduler", daemon=True)
        self.active = threading.Event()

    def start(self) -> LockedScheduler:
        self._thread.start()
        return self

    def shutdown(self, wait: bool = True, timeout: float = STOP_GRACE) -> bool:
        """Stop ticking; with ``wait``, let the current tick finish (at most
        ``timeout`` seconds) and release the lock. True when it stopped in time."""
        self._stop.set()
        self._lost.set()
        if wait and self._thread.is_alive():
            self._thread.join(timeout=timeout)
        return not self._thread.is_alive()

    def _renew(self) -> bool:
        if self._lock is None:
            return True
        try:
            if self._lock.still_held():
                return True
        except Exception as exc:  # noqa: BLE001 - cannot tell: step down to be safe
            log.warning("scheduler lock: renewal failed (%s); stepping down", type(exc).__name__)
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
            metrics.scheduler_active(True)
            job = _TickJob(self._ticker, self._interval, holder, self._on_tick,
                           lambda: not self._lost.is_set())
            scheduler = _start_apscheduler(job, self._interval)
            while not self._lost.wait(self._renew_every):
                if not self._renew():
                    log.warning("scheduler lock lost; back to standby")
                    self._lost.set()
            scheduler.shutdown(wait=True)  # the tick in progress finishes
            self.active.clear()
            metrics.scheduler_active(False)
            if self._lock is not None and self._stop.is_set():
                self._lock.release()
                log.info("scheduler lock released")


def start_background(ticker: Ticker, interval_seconds: float = 5.0, lock: Lock | None = None,
                     on_tick: OnTick | None = None) -> LockedScheduler:
    """Start the scheduler in a background thread and return it (call shutdown()).
    With a ``lock`` it only ticks while it holds it."""
    return LockedScheduler(ticker, lock, interval_seconds, on_tick=on_tick).start()


def run_blocking(ticker: Ticker, interval_seconds: float = 5.0, lock: Lock | None = None,
                 on_tick: OnTick | None = None) -> int:
    """``ifn-bot scheduler``: run (or wait as a standby) until SIGTERM/SIGINT; then
    let the current tick finish and release the lock."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    scheduler = start_background(ticker, interval_seconds, lock, on_tick)
    log.info("scheduler started (tick every %.0f s)", interval_seconds)
    stop.wait()
    log.info("scheduler stopping: finishing the current tick")
    clean = scheduler.shutdown(wait=True)
    log.info("scheduler stopped" if clean else "scheduler stopped before its tick finished")
    return 0
