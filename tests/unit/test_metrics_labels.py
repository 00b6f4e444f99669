"""The recording functions of bot/metrics.py: labels only from fixed vocabularies,
Slack's strings checked for their shape, and each counter or gauge moving as it
should (read back from prometheus_client's registry, as a scrape would)."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from bot import metrics


def value(name: str, labels: dict[str, str] | None = None) -> float:
    return REGISTRY.get_sample_value(name, labels or {}) or 0.0


@pytest.mark.parametrize(("method", "label"), [
    ("chat.postMessage", "chat.postMessage"),
    ("views.open", "views.open"),
    ("apps.connections.open", "apps.connections.open"),
    ("Kari Nordmann", "other"),
    ("chat.postMessage?channel=D1", "other"),
    ("", "other"),
])
def test_a_slack_method_is_its_own_label_only_when_it_looks_like_one(method: str, label: str) -> None:
    assert metrics.slack_label(method) == label


def test_a_slack_error_that_does_not_look_like_an_error_code_is_counted_as_other() -> None:
    before_code = value("ifn_slack_api_errors_total", {"method": "chat.update", "error": "message_not_found"})
    before_other = value("ifn_slack_api_errors_total", {"method": "chat.update", "error": "other"})
    calls = value("ifn_slack_api_calls_total", {"method": "chat.update"})
    metrics.slack_call("chat.update", 0.2, "message_not_found")
    metrics.slack_call("chat.update", 0.2, "Rom 3 hos Kari")  # never free text in a label
    metrics.slack_call("chat.update", 0.2)
    assert value("ifn_slack_api_errors_total",
                 {"method": "chat.update", "error": "message_not_found"}) == before_code + 1
    assert value("ifn_slack_api_errors_total",
                 {"method": "chat.update", "error": "other"}) == before_other + 1
    assert value("ifn_slack_api_calls_total", {"method": "chat.update"}) == calls + 3
    assert value("ifn_slack_api_call_seconds_count", {"method": "chat.update"}) >= 3


def test_an_outcome_outside_the_vocabulary_is_refused_and_counts_nothing() -> None:
    before = value("ifn_requests_total", {"type": "live", "outcome": "created"})
    with pytest.raises(ValueError, match="not one of"):
        metrics.request_outcome("live", "Kari Nordmann")
    with pytest.raises(ValueError, match="not one of"):
        metrics.offer_outcome("live", "maybe")
    assert value("ifn_requests_total", {"type": "live", "outcome": "created"}) == before


def test_an_exhausted_chain_counts_as_unassigned_and_as_exhausted() -> None:
    unassigned = value("ifn_requests_total", {"type": "feedback", "outcome": "unassigned"})
    exhausted = value("ifn_exhausted_chains_total", {"type": "feedback"})
    metrics.exhausted("feedback", 7)
    assert value("ifn_requests_total", {"type": "feedback", "outcome": "unassigned"}) == unassigned + 1
    assert value("ifn_exhausted_chains_total", {"type": "feedback"}) == exhausted + 1


def test_a_timed_out_offer_counts_as_an_offer_outcome_and_as_a_timeout() -> None:
    offers = value("ifn_offers_total", {"type": "hour", "outcome": "timed_out"})
    timeouts = value("ifn_offer_timeouts_total", {"type": "hour"})
    metrics.offer_outcome("hour", "timed_out", 2)
    metrics.offer_outcome("hour", "timed_out", 0)  # nothing happened: nothing counted
    assert value("ifn_offers_total", {"type": "hour", "outcome": "timed_out"}) == offers + 2
    assert value("ifn_offer_timeouts_total", {"type": "hour"}) == timeouts + 2


def test_a_tick_records_its_duration_and_lag_and_a_failed_stage_is_counted() -> None:
    ticks = value("ifn_scheduler_ticks_total")
    durations = value("ifn_scheduler_tick_duration_seconds_count")
    failed = value("ifn_scheduler_stage_errors_total", {"stage": "outbox"})
    metrics.tick(0.03, 1.5)
    assert value("ifn_scheduler_ticks_total") == ticks + 1
    assert value("ifn_scheduler_tick_duration_seconds_count") == durations + 1
    assert value("ifn_scheduler_tick_lag_seconds") == 1.5
    metrics.tick(0.01, -0.2)  # early is not negative lag
    assert value("ifn_scheduler_tick_lag_seconds") == 0.0
    metrics.stage_failed("outbox")
    assert value("ifn_scheduler_stage_errors_total", {"stage": "outbox"}) == failed + 1


def test_the_scheduler_gauge_says_whether_this_process_holds_the_lock() -> None:
    metrics.scheduler_active(True)
    assert value("ifn_scheduler_active") == 1
    metrics.scheduler_active(False)
    assert value("ifn_scheduler_active") == 0
