"""The database away while people use the bot (issue 18 §6): another
connection holds SQLite's write lock, so nothing can be saved. A form, a click
and a command are each answered "not saved — try again" within Slack's 3 s,
nothing of them is applied, ``/readyz`` names the database — and once the lock
is gone the same gestures work. (PostgreSQL's server stopped and started is the
fault suite's database-away row, ``tests/faults/db_away.py``.)"""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.i18n import t
from bot.services.outage import PERSON_WAITS
from storage.models import Offer, ProductionLog, Request
from tests.e2e.test_request_flows import live_values
from tests.flows import click, dms, open_form, replies, submit

CW_B, IFK_A, IFK_B = "U0CWB10001", "U0IFKA0001", "U0IFKB0001"
NOT_SAVED = t("nb", "error.not_saved")
#: In a modal field error, plain text (Slack shows no mrkdwn there).
NOT_SAVED_FIELD = t("nb", "error.not_saved_field")
#: Slack gives up on an answer after 3 s.
SLACK_PATIENCE = 3.0


class WriteLock:
    """Another connection to the bot's SQLite file holding the write lock."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None

    def take(self) -> None:
        self._conn = sqlite3.connect(self._path, isolation_level=None, timeout=10)
        self._conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        if self._conn is not None:
            self._conn.execute("ROLLBACK")
            self._conn.close()
            self._conn = None


@pytest.fixture
def write_lock(org, db_url) -> Iterator[WriteLock]:
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock; a stopped PostgreSQL server is the fault suite's database-away row")
    lock = WriteLock(str(Path(make_url(db_url).database)))
    try:
        yield lock
    finally:
        lock.release()


def _count(org, model) -> int:
    with org.services.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def _timed(action):
    began = time.monotonic()
    result = action()
    return result, time.monotonic() - began


def test_a_form_sent_while_nothing_can_be_saved_stays_open_saying_so_and_is_saved_when_sent_again(
        org, write_lock):
    view = open_form(org, CW_B, "veiledning")  # reading works: the lock only stops writers
    write_lock.take()
    resp, took = _timed(lambda: submit(org, CW_B, view, live_values()))
    assert resp.status == 200 and took < SLACK_PATIENCE
    assert took >= PERSON_WAITS - 0.1, "it waited for the lock as long as a person may wait"
    body = resp.json()
    assert body["response_action"] == "errors"
    assert list(body["errors"].values()) == [NOT_SAVED_FIELD]
    assert "*" not in NOT_SAVED_FIELD
    assert _count(org, Request) == 0
    write_lock.release()
    again = submit(org, CW_B, view, live_values())
    assert again.status == 200 and not again.body.strip()
    assert _count(org, Request) == 1 and len(dms(org.fake, IFK_B)) == 1


def test_godta_while_nothing_can_be_saved_is_answered_not_saved_and_works_when_pressed_again(org, write_lock):
    view = open_form(org, CW_B, "veiledning")
    assert submit(org, CW_B, view, live_values()).status == 200
    offer = dms(org.fake, IFK_B)[0]
    write_lock.take()
    resp, took = _timed(lambda: click(org, IFK_B, offer, "request_accept"))
    assert resp.status == 200 and took < SLACK_PATIENCE
    assert replies(org.fake)[-1]["text"] == NOT_SAVED
    with org.services.sessions() as s:
        assert s.scalar(select(Offer.state)) == "open"
    write_lock.release()
    assert click(org, IFK_B, offer, "request_accept").status == 200
    with org.services.sessions() as s:
        assert s.scalar(select(Offer.state)) == "accepted"
        assert s.scalar(select(Request.state)) == "accepted"


def test_a_command_while_nothing_can_be_saved_answers_not_saved_and_logs_nothing(org, write_lock):
    write_lock.take()
    resp, took = _timed(lambda: org.slack.slash_command(IFK_A, "produksjon intervju"))
    assert resp.status == 200 and took < SLACK_PATIENCE
    assert resp.json()["text"] == NOT_SAVED
    assert _count(org, ProductionLog) == 0
    write_lock.release()
    assert org.slack.slash_command(IFK_A, "produksjon intervju").json()["text"].startswith("Registrert")
    assert _count(org, ProductionLog) == 1


def _readyz(org) -> dict:
    try:
        with urllib.request.urlopen(org.url + "/readyz", timeout=10) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return json.loads(exc.read())


def test_readyz_says_writes_cannot_begin_while_the_lock_is_held(org, write_lock):
    assert _readyz(org)["checks"]["database"] == {"ok": True}
    write_lock.take()
    ready = _readyz(org)
    assert ready["status"] == "unavailable" and "database" in ready["failed"]
    assert ready["checks"]["database"] == {"ok": False, "error": "writes cannot begin (OperationalError)"}
    assert ready["checks"]["migrations"]["ok"], "reads still work: the schema is checked"
    write_lock.release()
    assert _readyz(org)["checks"]["database"] == {"ok": True}
