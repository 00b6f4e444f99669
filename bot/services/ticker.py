"""One heartbeat for everything that happens because time passed: offer
timeouts, reminders, the jobs of each working morning (``DailyJobs``) and
outbox retries. The scheduler calls ``tick`` every few seconds; tests and the
sandbox call it after moving the clock.

All state lives in the database (offer deadlines, timers, outbox rows), so a
restart loses nothing: the first tick after start fires whatever fell due while
the process was down, once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot import metrics
from bot.services.daily import DailyJobs
from bot.services.outage import is_outage
from bot.services.outbox import OutboxService
from bot.services.requests import RequestService

log = logging.getLogger("ifn_bot.ticker")


@dataclass(frozen=True, slots=True)
class TickResult:
    timeouts: int
    timers: int
    delivered: int
    daily: int = 0  # daily jobs that ran (at most once per job and working morning)
    other: int = 0  # what the features' own sweeps did (their timers, maintenance jobs)


class Ticker:
    def __init__(self, requests: RequestService, delivery: OutboxService,
                 daily: DailyJobs | None = None, sweeps: Sequence[Callable[[], int]] = ()) -> None:
        self._requests = requests
        self._delivery = delivery
        self._daily = daily
        self._sweeps = tuple(sweeps)

    def tick(self) -> TickResult:
        """Each stage runs even if another fails: a bug in one feature's job must
        not stop timeouts, reminders or message delivery for everything else."""
        timeouts = _guarded("offer timeouts", self._requests.time_out_due)
        timers = _guarded("request timers", self._requests.fire_due_timers)
        daily = _guarded("daily jobs", self._daily.run_due) if self._daily is not None else 0
        other = sum(_guarded(getattr(sweep, "__qualname__", "sweep"), sweep) for sweep in self._sweeps)
        delivered = _guarded("outbox delivery", self._delivery.deliver_due)
        return TickResult(timeouts, timers, delivered, daily, other)


def _guarded(stage: str, run: Callable[[], int]) -> int:
    try:
        return run()
    except Exception as exc:  # noqa: BLE001 - logged; the next tick tries again
        if is_outage(exc):  # the database is away: one line per stage, not a traceback per tick
            log.warning("tick stage %r: the database is away (%s)", stage, type(exc).__name__,
                        extra={"stage": stage})
        else:
            log.exception("tick stage %r failed", stage, extra={"stage": stage})
        metrics.stage_failed(stage)
        return 0
