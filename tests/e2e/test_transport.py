"""Malformed, unsigned and unknown deliveries to /slack/events (issue 18, item 1):
a signature problem is 401, a body that is no Slack delivery is 400, a signed
delivery nothing listens for is acknowledged with one log line; never a 500,
never a traceback, never a change in the database. Real HTTP into the app."""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy import Engine, inspect, text

from sandbox.slack_requests import SlackHTTPResponse, button, sign
from tests.slack_junk import FORM, JUNK, Junk, command_form, form

CW_B = "U0CWB10001"


def _raw_post(bot, body: bytes, headers: dict[str, str]) -> SlackHTTPResponse:
    request = urllib.request.Request(bot.slack.url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return SlackHTTPResponse(response.status, dict(response.headers), response.read().decode())
    except urllib.error.HTTPError as error:
        with error:
            return SlackHTTPResponse(error.code, dict(error.headers), error.read().decode("utf-8", "replace"))


def _fingerprint(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
                for name in inspect(conn).get_table_names()}


@pytest.fixture
def quiet(org, caplog: pytest.LogCaptureFixture):
    """The bot with the directory, and the log it writes while the test runs;
    at the end no record may carry a traceback and the database is as it was."""
    caplog.set_level(logging.INFO)
    org.fake.clear()  # Bolt's auth.test at start
    before = _fingerprint(org.services.engine)
    yield org, caplog
    tracebacks = [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert tracebacks == []
    assert _fingerprint(org.services.engine) == before


def _refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "ifn_bot.slack_guard"]


@pytest.mark.parametrize("junk", JUNK, ids=lambda j: j.name)
def test_junk_signed_is_400_and_unsigned_401(quiet, junk: Junk):
    bot, caplog = quiet
    body = junk.body(bot.slack)
    signed = bot.slack.post(body, junk.content_type)
    assert signed.status == 400, signed.body
    unsigned = bot.slack.post(body, junk.content_type, unsigned=True)
    assert unsigned.status == 401
    forged = bot.slack.post(body, junk.content_type, sign_with="not-the-secret")
    assert forged.status == 401
    assert len(_refusals(caplog)) == 3
    assert all(body not in line for line in _refusals(caplog) if body)
    assert not bot.fake.calls()


@pytest.mark.parametrize("timestamp, reason", [
    ("abc", "not a number"), ("", "no signature"), ("1.5e9", "not a number"), ("-5", "not a number"),
    ("99999999999999999999", "not a number"), ("{now_minus_301}", "stale"), ("{now_plus_301}", "future"),
])
def test_bad_timestamps_are_401(quiet, timestamp: str, reason: str):
    bot, caplog = quiet
    now = int(time.time())
    timestamp = timestamp.format(now_minus_301=now - 301, now_plus_301=now + 301)
    body = command_form(bot.slack)
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": timestamp,
               "X-Slack-Signature": sign(bot.slack.signing_secret, timestamp, body)}
    resp = _raw_post(bot, body.encode(), headers)
    assert resp.status == 401
    assert reason in _refusals(caplog)[-1]
    assert not bot.fake.calls()


def test_a_body_that_is_not_utf8_is_400(quiet):
    bot, _ = quiet
    body = b"command=%2Fifn&text=\xff\xfe"
    timestamp = str(int(time.time()))
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": timestamp,
               "X-Slack-Signature": sign(bot.slack.signing_secret, timestamp, body.decode("latin-1"))}
    assert _raw_post(bot, body, headers).status == 400


def test_a_body_larger_than_a_megabyte_is_400(quiet):
    bot, _ = quiet
    body = form(payload="x" * (1024 * 1024))
    assert bot.slack.post(body, FORM).status == 400


def test_a_signature_of_another_body_is_401(quiet):
    bot, _ = quiet
    body = command_form(bot.slack)
    timestamp = str(int(time.time()))
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": timestamp,
               "X-Slack-Signature": sign(bot.slack.signing_secret, timestamp, body + "&x=1")}
    assert _raw_post(bot, body.encode(), headers).status == 401


# ------------------------------------------------- signed, well formed, unknown


def _one_fallback_line(caplog: pytest.LogCaptureFixture, what: str) -> None:
    lines = [r.getMessage() for r in caplog.records if r.name == "ifn_bot.fallback"]
    assert len(lines) == 1 and what in lines[0], lines


def test_an_unknown_callback_id_signed_is_acknowledged_and_logged_once(quiet):
    bot, caplog = quiet
    resp = bot.slack.view_submission(CW_B, "no_such_modal", {})
    assert (resp.status, resp.body) == (200, "")
    _one_fallback_line(caplog, "no_such_modal")
    assert bot.slack.view_submission(CW_B, "no_such_modal", {}, unsigned=True).status == 401


def test_an_unknown_action_id_signed_is_acknowledged_and_logged_once(quiet):
    bot, caplog = quiet
    message = {"type": "message", "ts": "1700000000.000100", "text": "x"}
    resp = bot.slack.block_actions(CW_B, [button("no_such_button", "7")], message=message, channel="D1")
    assert (resp.status, resp.body) == (200, "")
    _one_fallback_line(caplog, "no_such_button")
    unsigned = bot.slack.block_actions(CW_B, [button("no_such_button", "7")], message=message, channel="D1",
                                       unsigned=True)
    assert unsigned.status == 401


def test_an_unknown_command_shortcut_and_view_closed_are_acknowledged(quiet):
    bot, caplog = quiet
    assert bot.slack.slash_command(CW_B, "x", command="/annet").status == 200
    shortcut = {"type": "shortcut", "user": {"id": CW_B}, "callback_id": "no_shortcut",
                "trigger_id": bot.slack.new_trigger_id(), "team": {"id": "T1"}}
    assert bot.slack.post_payload(shortcut).status == 200
    assert bot.slack.view_closed(CW_B, "no_such_modal").status == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "ifn_bot.fallback"]
    assert len(lines) == 2 and "/annet" in lines[0] and "no_shortcut" in lines[1]


def test_an_unused_event_is_acknowledged(quiet):
    bot, caplog = quiet
    resp = bot.slack.event({"type": "reaction_added", "user": CW_B, "reaction": "x"})
    assert resp.status == 200
    assert not bot.fake.calls()


def test_url_verification_and_ssl_check_still_work(quiet):
    bot, _ = quiet
    resp = bot.slack.url_verification("the-challenge")
    assert resp.status == 200 and resp.json() == {"challenge": "the-challenge"}
    assert bot.slack.post(form(ssl_check="1", token="x"), FORM).status == 200


def test_well_formed_deliveries_still_reach_the_listeners(quiet):
    bot, _ = quiet
    resp = bot.slack.slash_command(CW_B, "hjelp")
    assert resp.status == 200 and resp.json()["response_type"] == "ephemeral"
    assert bot.slack.event({"type": "app_home_opened", "user": CW_B, "tab": "home"}).status == 200
    assert bot.fake.calls("views.publish")


def test_other_paths_and_methods_are_not_the_guards_business(org):
    request = urllib.request.Request(org.slack.url, method="GET")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=10)
    assert err.value.code == 404
