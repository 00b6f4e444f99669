"""The database away, below the handlers (issue 18 §6): a write a person waits
for gives up on SQLite's write lock in time (``person_waiting``), a write nobody
waits for still waits its full busy timeout, ``write_probe`` (``/readyz``)
tells a held write lock although reads work, and the directory cache answers
from its copy while the database cannot be reached."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.services.directory_cache import DirectoryCache
from bot.services.outage import is_outage, person_waiting
from storage.db import make_session_factory, write_probe


@pytest.fixture
def held_write_lock(engine, db_url) -> Iterator[sqlite3.Connection]:
    """Another connection to the SQLite file holding the write lock (readers go on: WAL)."""
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    conn = sqlite3.connect(str(Path(make_url(db_url).database)), isolation_level=None, timeout=5,
                           check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def _timed_write(sessions, sql: str = "UPDATE app_state SET value = value WHERE 1 = 0"
                 ) -> tuple[BaseException | None, float]:
    began = time.monotonic()
    try:
        with sessions.begin() as s:
            s.execute(text(sql))
    except DBAPIError as exc:
        return exc, time.monotonic() - began
    return None, time.monotonic() - began


def test_a_write_a_person_waits_for_gives_up_on_the_write_lock_in_time(engine, held_write_lock):
    sessions = make_session_factory(engine)
    with person_waiting(0.3):
        failed, took = _timed_write(sessions)
    assert isinstance(failed, OperationalError) and is_outage(failed)
    assert 0.25 <= took < 1.5


def test_a_write_nobody_waits_for_waits_for_the_lock_to_go(engine, held_write_lock):
    sessions = make_session_factory(engine)
    with person_waiting(0.3):  # the pooled connection's busy timeout was bounded once…
        assert _timed_write(sessions)[0] is not None
    threading.Timer(1.0, lambda: held_write_lock.execute("ROLLBACK")).start()
    failed, took = _timed_write(sessions)  # …and is its full length again outside person_waiting
    assert failed is None and took >= 0.9
    held_write_lock.execute("BEGIN IMMEDIATE")  # for the fixture's own ROLLBACK


@pytest.fixture
def held_row_lock(engine, db_url) -> Iterator[None]:
    """Another PostgreSQL connection holding a row lock on the directory counter."""
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's row locks")
    other = create_engine(db_url)
    with other.connect() as conn:
        conn.execute(text("INSERT INTO app_state (name, value, updated_at) VALUES ('lock_test', 0, now()) "
                          "ON CONFLICT (name) DO NOTHING"))
        conn.commit()
        conn.execute(text("SELECT value FROM app_state WHERE name = 'lock_test' FOR UPDATE"))
        try:
            yield
        finally:
            conn.rollback()
    other.dispose()


ROW_WRITE = "UPDATE app_state SET value = value + 1 WHERE name = 'lock_test'"


def test_a_write_a_person_waits_for_gives_up_on_a_postgresql_row_lock_in_time(engine, held_row_lock):
    sessions = make_session_factory(engine)
    with person_waiting(0.5):
        failed, took = _timed_write(sessions, ROW_WRITE)
    assert isinstance(failed, OperationalError) and is_outage(failed)
    assert 0.4 <= took < 2.0
    with sessions() as s:  # the timeouts were the transaction's own (SET LOCAL): gone after it
        assert s.execute(text("SHOW lock_timeout")).scalar() == "0"


def test_the_write_probe_fails_while_the_lock_is_held_though_reads_work(engine, held_write_lock):
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    with pytest.raises(OperationalError):
        write_probe(engine, 0.2)
    held_write_lock.execute("ROLLBACK")
    write_probe(engine, 0.2)  # the lock is gone: a write can begin
    held_write_lock.execute("BEGIN IMMEDIATE")


def test_the_write_probe_passes_when_writes_can_begin(engine):
    write_probe(engine, 0.5)
    with engine.connect() as conn:  # and leaves nothing behind
        assert conn.execute(text("SELECT COUNT(*) FROM app_state")).scalar() == 0


def test_the_directory_cache_answers_from_its_copy_while_the_database_cannot_be_reached(org, tmp_path):
    sessions = make_session_factory(org.services.engine)
    fresh_sessions = make_session_factory(org.services.engine)
    cache, fresh = DirectoryCache(sessions, ttl=0), DirectoryCache(fresh_sessions, ttl=0)
    copy = cache.view()
    assert copy.by_slack, "the demo directory is loaded"
    away = create_engine(f"sqlite:///{tmp_path / 'missing' / 'gone.db'}")  # cannot be opened
    sessions.configure(bind=away)
    fresh_sessions.configure(bind=away)
    assert cache.view() is copy, "the copy is used while the database is away"
    with pytest.raises(OperationalError):
        fresh.view()  # with no copy there is nothing to answer from
    sessions.configure(bind=org.services.engine)
    assert cache.view().version == copy.version
    away.dispose()
