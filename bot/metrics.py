"""Prometheus metrics: the metric objects and the small functions that record them.

Labels carry only values from fixed vocabularies in our code — request type,
outcome, Slack method, Slack's error code, tick stage — never a name, free text,
a case reference or anything about a support conversation. Slack's own strings
(method, error) are checked against their shape first and become ``other`` when
they do not look like one.

Under gunicorn with several workers, ``PROMETHEUS_MULTIPROC_DIR`` is set before
this module is imported (``app/cli.py``), and prometheus_client keeps each worker's
values in files that the scrape adds up (``app/metrics_http.py``).

What the database knows (outbox backlog, the last tick and its holder) is read at
scrape time by ``DatabaseCollector`` rather than counted as it happens, so every
process reports the same truth whichever one is scraped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session

from storage.repositories import operations

log = logging.getLogger("ifn_bot.requests")

#: From seconds to days: live supervision is minutes, feedback and hours take working days.
WAIT_BUCKETS = (1, 5, 15, 30, 60, 120, 180, 300, 600, 1800, 3600, 4 * 3600, 8 * 3600,
                24 * 3600, 3 * 24 * 3600, 7 * 24 * 3600)
SECONDS_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)

REQUEST_OUTCOMES = frozenset({"created", "accepted", "unassigned", "cancelled", "completed"})
OFFER_OUTCOMES = frozenset({"made", "accepted", "declined", "timed_out", "withdrawn"})
_SLACK_METHOD = re.compile(r"^[a-z]+(\.[a-zA-Z]+){1,3}$")
_SLACK_ERROR = re.compile(r"^[a-z][a-z0-9_]{0,63}$")

REQUESTS = Counter("ifn_requests_total", "Requests by type and outcome (created, accepted, "
                   "unassigned = chain exhausted, cancelled, completed)", ["type", "outcome"])
FIRST_OFFER = Histogram("ifn_request_first_offer_seconds",
                        "Time from a request's creation to its first offer", ["type"], buckets=WAIT_BUCKETS)
ACCEPTANCE = Histogram("ifn_request_acceptance_seconds",
                       "Time from a request's creation to its acceptance", ["type"], buckets=WAIT_BUCKETS)
OFFERS = Counter("ifn_offers_total", "Offers by request type and outcome", ["type", "outcome"])
TIMEOUTS = Counter("ifn_offer_timeouts_total", "Offers that timed out, by request type", ["type"])
EXHAUSTED = Counter("ifn_exhausted_chains_total", "Requests whose whole chain was tried without "
                    "anyone accepting, by request type", ["type"])
SLACK_CALLS = Counter("ifn_slack_api_calls_total", "Slack Web API calls by method", ["method"])
SLACK_ERRORS = Counter("ifn_slack_api_errors_total", "Slack Web API calls that failed, by method and "
                       "error code (HTTP status or connection failure when Slack gave none)",
                       ["method", "error"])
SLACK_SECONDS = Histogram("ifn_slack_api_call_seconds", "Duration of Slack Web API calls (retries "
                          "included)", ["method"], buckets=SECONDS_BUCKETS)
TICKS = Counter("ifn_scheduler_ticks_total", "Scheduler ticks run by this process")
TICK_SECONDS = Histogram("ifn_scheduler_tick_duration_seconds", "Duration of one scheduler tick",
                         buckets=SECONDS_BUCKETS)
TICK_LAG = Gauge("ifn_scheduler_tick_lag_seconds", "How late the last tick started against its "
                 "schedule", multiprocess_mode="max")
STAGE_ERRORS = Counter("ifn_scheduler_stage_errors_total", "Tick stages that raised", ["stage"])
SCHEDULER_ACTIVE = Gauge("ifn_scheduler_active", "1 while this process holds the scheduler lock",
                         multiprocess_mode="max")


def _check(value: str, allowed: frozenset[str]) -> str:
    if value not in allowed:
        raise ValueError(f"metric label {value!r} is not one of {sorted(allowed)}")
    return value


# --- requests and offers (called by the request lifecycle) -----------------------------

def request_outcome(request_type: str, outcome: str, request_id: int | None = None,
                    duration_ms: int | None = None) -> None:
    """Count the outcome and log it as one structured line (ids and codes only)."""
    REQUESTS.labels(request_type, _check(outcome, REQUEST_OUTCOMES)).inc()
    log.info("request %s %s", request_id, outcome, extra={
        "request_id": request_id, "request_type": request_type, "outcome": outcome,
        "duration_ms": duration_ms})


def offer_outcome(request_type: str, outcome: str, count: int = 1) -> None:
    if count:
        OFFERS.labels(request_type, _check(outcome, OFFER_OUTCOMES)).inc(count)
    if outcome == "timed_out" and count:
        TIMEOUTS.labels(request_type).inc(count)


def first_offer(request_type: str, created_at: datetime, now: datetime) -> None:
    FIRST_OFFER.labels(request_type).observe(max((now - created_at).total_seconds(), 0.0))


def accepted(request_type: str, created_at: datetime, now: datetime, request_id: int | None = None) -> None:
    seconds = max((now - created_at).total_seconds(), 0.0)
    request_outcome(request_type, "accepted", request_id, int(seconds * 1000))
    ACCEPTANCE.labels(request_type).observe(seconds)
    OFFERS.labels(request_type, "accepted").inc()


def exhausted(request_type: str, request_id: int | None = None) -> None:
    request_outcome(request_type, "unassigned", request_id)
    EXHAUSTED.labels(request_type).inc()


# --- Slack (called by the WebClient wrapper in app/) -------------------------------------

def slack_label(method: str) -> str:
    return method if _SLACK_METHOD.match(method) else "other"


def slack_call(method: str, seconds: float, error: str | None = None) -> None:
    label = slack_label(method)
    SLACK_CALLS.labels(label).inc()
    SLACK_SECONDS.labels(label).observe(seconds)
    if error is not None:
        SLACK_ERRORS.labels(label, error if _SLACK_ERROR.match(error) else "other").inc()


# --- the scheduler --------------------------------------------------------------------

def tick(duration_seconds: float, lag_seconds: float) -> None:
    TICKS.inc()
    TICK_SECONDS.observe(duration_seconds)
    TICK_LAG.set(max(lag_seconds, 0.0))


def stage_failed(stage: str) -> None:
    STAGE_ERRORS.labels(stage).inc()


def scheduler_active(active: bool) -> None:
    SCHEDULER_ACTIVE.set(1 if active else 0)


# --- read from the database at scrape time ----------------------------------------------

class DatabaseCollector(Collector):
    """Outbox backlog and age, and the last scheduler tick, read with one short
    query each time metrics are scraped. A database that cannot be reached gives
    ``ifn_database_up 0`` instead of failing the scrape."""

    def __init__(self, sessions: Callable[[], Session], now: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._now = now

    def describe(self) -> list:
        return []  # read at collect time only; nothing to check at registration

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("ifn_database_up", "1 when the database answered this scrape")
        try:
            with self._sessions() as s:
                backlog = operations.outbox_backlog(s)
                tick = operations.last_tick(s)
        except Exception:  # noqa: BLE001 - a scrape reports the database as down instead
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        now = self._now()
        yield GaugeMetricFamily("ifn_outbox_backlog", "Slack messages waiting to be delivered",
                                value=backlog.pending)
        yield GaugeMetricFamily("ifn_outbox_failed", "Slack messages given up on after every retry",
                                value=backlog.failed)
        oldest = 0.0 if backlog.oldest_pending_at is None else \
            max((now - backlog.oldest_pending_at).total_seconds(), 0.0)
        yield GaugeMetricFamily("ifn_outbox_oldest_age_seconds",
                                "Age of the oldest message waiting to be delivered (0: none)", value=oldest)
        if tick is not None:
            yield GaugeMetricFamily("ifn_scheduler_last_tick_age_seconds",
                                    "Seconds since any scheduler last ticked",
                                    value=max((now - tick.at).total_seconds(), 0.0))
            holder = GaugeMetricFamily("ifn_scheduler_lock_holder",
                                       "The scheduler process (host:pid:id) that ticked last",
                                       labels=["holder"])
            holder.add_metric([tick.holder], 1)
            yield holder
