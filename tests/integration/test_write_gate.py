"""SQLite's one writer, as people's writes share it (``storage.db.SessionFactory``):
the writes people wait for take turns in the process and are refused in time;
they get the lock before background work that waits for it, which never
holds their turn; a write run from a commit hook does not wait for its own
thread's turn; and the person's writes run on connections of their own, so no
transaction has to switch a connection's busy timeout with a PRAGMA."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.services.outage import is_outage, person_waiting
from storage.db import make_session_factory, person_engine


@pytest.fixture
def sessions(engine, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's single writer")
    return make_session_factory(engine)


def _put(s, name: str, value: int = 1) -> None:
    s.execute(text("INSERT INTO app_state (name, value, updated_at) VALUES (:n, :v, CURRENT_TIMESTAMP)"),
              {"n": name, "v": value})


def _names(sessions) -> set[str]:
    with sessions() as s:
        return set(s.execute(text("SELECT name FROM app_state")).scalars())


def _hold_write(sessions, name: str, seconds: float, began: threading.Event) -> threading.Thread:
    def run() -> None:  # a person's write that takes long
        with person_waiting(5.0), sessions.begin() as s:
            _put(s, name)
            began.set()
            time.sleep(seconds)

    thread = threading.Thread(target=run)
    thread.start()
    assert began.wait(5)
    return thread


def test_a_write_waits_for_the_turn_of_another_thread_and_then_goes_through(sessions):
    holder = _hold_write(sessions, "first", 0.4, threading.Event())
    began = time.monotonic()
    with person_waiting(2.0), sessions.begin() as s:
        _put(s, "second")
    took = time.monotonic() - began
    holder.join()
    assert 0.25 <= took < 3
    assert _names(sessions) == {"first", "second"}


def test_a_person_behind_a_long_write_of_this_process_is_refused_in_time(sessions):
    holder = _hold_write(sessions, "long", 2.5, threading.Event())
    began = time.monotonic()
    with pytest.raises(OperationalError) as refused, person_waiting(1.0), sessions.begin() as s:
        _put(s, "person")
    took = time.monotonic() - began
    holder.join()
    assert is_outage(refused.value)
    assert 0.8 <= took < 1.4  # refused when their time is up, not when the long write ends
    assert _names(sessions) == {"long"}


def test_a_write_from_a_commit_hook_does_not_wait_for_its_own_turn(sessions):
    def after_commit(_session) -> None:
        with sessions.begin() as s:  # still inside the person's person_waiting
            _put(s, "from the hook")

    began = time.monotonic()
    with person_waiting(2.0), sessions.begin() as s:
        event.listen(s, "after_commit", after_commit, once=True)
        _put(s, "outer")
    assert time.monotonic() - began < 2
    assert _names(sessions) == {"outer", "from the hook"}


def test_a_failed_write_lets_the_next_one_have_its_turn(sessions):
    with pytest.raises(RuntimeError), person_waiting(2.0), sessions.begin() as s:
        _put(s, "rolled back")
        raise RuntimeError("the service's step failed")
    began = time.monotonic()
    with person_waiting(1.5), sessions.begin() as s:
        _put(s, "next")
    assert time.monotonic() - began < 1
    assert _names(sessions) == {"next"}


def test_a_person_goes_before_background_work_and_is_not_kept_behind_it(sessions, db_url):
    path = str(Path(make_url(db_url).database))
    busy_until = time.monotonic() + 1.5

    def other_process() -> None:  # writers one after the other, each holding the lock 20 ms
        conn = sqlite3.connect(path, isolation_level=None, timeout=5, check_same_thread=False)
        while time.monotonic() < busy_until:
            conn.execute("BEGIN IMMEDIATE")
            time.sleep(0.02)
            conn.execute("COMMIT")
            time.sleep(0.0005)
        conn.close()

    def background() -> None:
        with sessions.begin() as s:
            _put(s, "background")

    others = [threading.Thread(target=other_process), threading.Thread(target=background)]
    others[0].start()
    time.sleep(0.05)
    others[1].start()  # waits in SQLite's own busy handler, sleeping up to 100 ms between tries
    time.sleep(0.4)
    began = time.monotonic()
    with person_waiting(1.0), sessions.begin() as s:
        _put(s, "person")
    took = time.monotonic() - began
    for thread in others:
        thread.join()
    assert took < 0.5, took
    assert _names(sessions) == {"person", "background"}


def test_a_short_wait_once_does_not_shorten_the_next_persons_wait(sessions, db_url):
    with person_waiting(0.2), sessions.begin() as s:  # the person's pool is made with a short wait
        _put(s, "short")
    other = sqlite3.connect(str(Path(make_url(db_url).database)), isolation_level=None, timeout=5,
                            check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process holds SQLite's lock for 0.8 s
    letting_go = threading.Timer(0.8, lambda: other.execute("ROLLBACK"))
    letting_go.start()
    try:
        began = time.monotonic()
        with person_waiting(2.0), sessions.begin() as s:
            _put(s, "waited")
        assert 0.6 <= time.monotonic() - began < 2.0
    finally:
        letting_go.join()
        other.close()
    assert _names(sessions) == {"short", "waited"}


def test_writes_a_person_waits_for_switch_no_busy_timeout(sessions, engine):
    statements: Counter = Counter()

    def count(_conn, _cursor, statement, *_args) -> None:
        statements[statement.split()[0].upper()] += 1

    with person_waiting(), sessions.begin() as s:  # the person's pool is made on first use
        _put(s, "warm")
    for counted in (engine, person_engine(engine)):
        event.listen(counted, "before_cursor_execute", count)
    for i in range(4):
        with person_waiting(), sessions.begin() as s:
            _put(s, f"person {i}")
        with sessions.begin() as s:
            _put(s, f"background {i}")
    assert person_engine(engine) is not engine
    assert statements["INSERT"] == 8 and statements["BEGIN"] == 8
    assert statements["PRAGMA"] == 0
