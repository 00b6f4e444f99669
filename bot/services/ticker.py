"""One heartbeat for everything that happens because time passed: offer
timeouts, reminders and outbox retries. The scheduler calls ``tick`` every few
seconds; tests and the sandbox call it after moving the clock.

All state lives in the database (offer deadlines, timers, outbox rows), so a
restart loses nothing: the first tick after start fires whatever fell due while
the process was down, once.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.outbox import OutboxService
from bot.services.requests import RequestService


@dataclass(frozen=True, slots=True)
class TickResult:
    timeouts: int
    timers: int
    delivered: int


class Ticker:
    def __init__(self, requests: RequestService, delivery: OutboxService) -> None:
        self._requests = requests
        self._delivery = delivery

    def tick(self) -> TickResult:
        timeouts = self._requests.time_out_due()
        timers = self._requests.fire_due_timers()
        delivered = self._delivery.deliver_due()
        return TickResult(timeouts, timers, delivered)
