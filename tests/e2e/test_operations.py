"""What an operator watches: /healthz, /readyz, /metrics after real flows, and
JSON log lines — against the running app, with the fake Slack on loopback."""

from __future__ import annotations

import io
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.logs import JsonFormatter
from bot.directory_file import load_directory_file
from sandbox.slack_requests import SignedRequests
from scheduler.runner import tick_recorder
from tests.conftest import EXAMPLE_ORG
from tests.e2e.test_request_flows import CW_B, IFK_A, IFK_B, live_values, offer_msg
from tests.flows import click, open_form, submit
from tests.harness import Bot, BotServer, make_settings

FEEDBACK_CASE_REF = "26/04711"
SECRET_NOTE = "Søkeren nevnte sin bror Ola Nordmann ved navn"


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.headers["Content-Type"], resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


@pytest.fixture
def watched(fake_slack, engine, db_url, clock) -> Iterator[Bot]:
    """The bot with IFN_METRICS on and the demo directory loaded."""
    server = BotServer(make_settings(fake_slack, db_url, ifn_metrics=True), engine, clock).start()
    slack = SignedRequests(server.url, server.services.settings.slack_signing_secret.get_secret_value(),
                           response_url_base=fake_slack.hooks_url)
    bot = Bot(server.services, fake_slack, clock, server.url, slack)
    data = load_directory_file(EXAMPLE_ORG)
    bot.services.directory.import_directory(data)
    for person in data.people:
        if person.slack_id:
            fake_slack.add_user(person.slack_id, name=person.name, email=person.email)
    try:
        yield bot
    finally:
        server.stop()


def scrape(bot: Bot) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    status, content_type, body = _get(bot.url + "/metrics")
    assert status == 200 and content_type.startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_healthz_says_the_process_is_up(bot):
    status, content_type, body = _get(bot.url + "/healthz")
    assert (status, content_type) == (200, "application/json")
    assert json.loads(body) == {"status": "ok"}


def test_readyz_names_the_scheduler_until_one_ticks_and_again_when_ticks_stop(bot):
    status, _, body = _get(bot.url + "/readyz")
    answer = json.loads(body)
    assert status == 503
    assert answer["failed"] == ["scheduler"]
    assert answer["checks"]["database"] == {"ok": True}
    assert answer["checks"]["migrations"]["ok"] is True
    assert answer["checks"]["scheduler"]["error"] == "no scheduler has ticked"

    tick_recorder(bot.services.engine, bot.clock)("host:1:abc", 0.02)  # what the active scheduler does
    bot.clock.advance(timedelta(seconds=59))
    status, _, body = _get(bot.url + "/readyz")
    answer = json.loads(body)
    assert (status, answer["status"], answer["failed"]) == (200, "ok", [])
    assert answer["checks"]["scheduler"] == {"ok": True, "last_tick_age_seconds": 59.0,
                                             "holder": "host:1:abc"}

    bot.clock.advance(timedelta(seconds=2))
    status, _, body = _get(bot.url + "/readyz")
    answer = json.loads(body)
    assert (status, answer["failed"]) == (503, ["scheduler"])
    assert answer["checks"]["scheduler"]["error"] == "no tick for more than 60 s"


def test_metrics_are_off_unless_enabled(bot):
    status, _, _ = _get(bot.url + "/metrics")
    assert status == 404


def test_a_scrape_after_a_flow_shows_the_counters_moving(watched):
    bot = watched
    before = scrape(bot)
    # created → offered to IFK B → declined → IFK A times out → widened → accepted
    view = open_form(bot, CW_B, "veiledning")
    assert submit(bot, CW_B, view, live_values(description=SECRET_NOTE)).status == 200
    bot.clock.advance(timedelta(seconds=30))
    assert click(bot, IFK_B, offer_msg(bot, IFK_B), "request_decline").status == 200
    bot.clock.advance(timedelta(seconds=181))
    assert bot.services.ticker.tick().timeouts == 1
    bot.clock.advance(timedelta(seconds=60))
    assert click(bot, "U0IFR00001", offer_msg(bot, "U0IFR00001"), "request_accept").status == 200
    # Slack fails one message for now (a 500): counted by method and error, left in the outbox
    bot.fake.fail_next("chat.update", error="internal_error", status=500, retry_after=None)
    assert click(bot, "U0IFR00001", offer_msg(bot, "U0IFR00001"), "request_done").status == 200
    bot.clock.advance(timedelta(seconds=42))
    after = scrape(bot)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("ifn_requests_total", type="live", outcome="created") == 1
    assert delta("ifn_requests_total", type="live", outcome="accepted") == 1
    assert delta("ifn_requests_total", type="live", outcome="completed") == 1
    assert delta("ifn_offers_total", type="live", outcome="declined") == 1
    assert delta("ifn_offers_total", type="live", outcome="timed_out") == 1
    assert delta("ifn_offer_timeouts_total", type="live") == 1
    assert delta("ifn_offers_total", type="live", outcome="accepted") == 1
    made = delta("ifn_offers_total", type="live", outcome="made")
    assert made >= 3  # IFK B, IFK A, then everyone left at once
    assert delta("ifn_offers_total", type="live", outcome="withdrawn") == made - 3
    assert delta("ifn_request_first_offer_seconds_count", type="live") == 1
    assert delta("ifn_request_first_offer_seconds_sum", type="live") == 0  # offered at submission
    assert delta("ifn_request_acceptance_seconds_count", type="live") == 1
    assert delta("ifn_request_acceptance_seconds_sum", type="live") == 30 + 181 + 60
    assert delta("ifn_slack_api_calls_total", method="views.open") == 1  # the listener's own client
    assert delta("ifn_slack_api_calls_total", method="chat.postMessage") >= 4
    assert delta("ifn_slack_api_errors_total", method="chat.update", error="internal_error") == 1
    assert value(after, "ifn_outbox_backlog") >= 1
    assert value(after, "ifn_outbox_oldest_age_seconds") == 42
    assert value(after, "ifn_database_up") == 1
    text = _get(bot.url + "/metrics")[2].decode()
    for secret in ("Ola Nordmann", "Emil Strand", "Ingrid Solberg", "Rom 3", SECRET_NOTE[:20], CW_B, IFK_A):
        assert secret not in text


def test_json_logs_carry_ids_and_outcomes_never_names_or_text(watched):
    bot = watched
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        view = open_form(bot, CW_B, "veiledning")
        assert submit(bot, CW_B, view, live_values(description=SECRET_NOTE)).status == 200
        assert click(bot, IFK_B, offer_msg(bot, IFK_B), "request_accept").status == 200
        bot.fake.fail_next("chat.postMessage", error="internal_error", status=500, retry_after=None, times=3)
        view = open_form(bot, CW_B, "veiledning")
        assert submit(bot, CW_B, view, live_values(description="Rom med tolk, sak " + FEEDBACK_CASE_REF)
                      ).status == 200
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines and all({"ts", "level", "logger", "message"} <= set(line) for line in lines)
    outcomes = [(line["request_type"], line["outcome"]) for line in lines if "outcome" in line]
    assert outcomes == [("live", "created"), ("live", "accepted"), ("live", "created")]
    accepted = next(line for line in lines if line.get("outcome") == "accepted")
    assert isinstance(accepted["request_id"], int) and accepted["duration_ms"] == 0
    everything = stream.getvalue()
    assert "outbox" in everything  # the refused message was logged …
    for secret in ("Ola Nordmann", "Emil Strand", "Rom 3", "tolk", FEEDBACK_CASE_REF, SECRET_NOTE[:20]):
        assert secret not in everything  # … without what anyone typed or who they are
