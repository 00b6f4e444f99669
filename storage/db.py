"""Engine and session factory. Built by the composition root, never at import."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

#: Connection execution option marking a transaction that will write.
WRITE_OPTION = "ifn_write"
#: How long a write waits for SQLite's write lock when nobody is waiting for an answer.
BUSY_TIMEOUT_MS = 30_000
#: The least a write waits however little time is left (a lock held for milliseconds is normal).
MIN_WAIT_MS = 50

_lock_deadline: ContextVar[float | None] = ContextVar("ifn_lock_deadline", default=None)


@contextmanager
def lock_wait_until(deadline: float) -> Iterator[None]:
    """Writes begun in this context (this thread) wait for the database's
    write lock only until ``deadline`` (``time.monotonic()``), then fail with
    ``OperationalError`` ("database is locked"), so work a person is waiting
    for gives up in time to say so instead of answering after Slack has given
    up. On SQLite this bounds the busy wait for the write lock; on PostgreSQL
    the write transaction's ``lock_timeout`` and ``statement_timeout`` (a stopped
    server refuses connections at once; a connection that hangs is not bounded)."""
    token = _lock_deadline.set(deadline)
    try:
        yield
    finally:
        _lock_deadline.reset(token)


def _busy_ms() -> int:
    deadline = _lock_deadline.get()
    if deadline is None:
        return BUSY_TIMEOUT_MS
    return max(MIN_WAIT_MS, int((deadline - time.monotonic()) * 1000))


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine with the settings each backend needs to behave well.

    ``hide_parameters``: a database error must not copy what users typed (support
    notes, descriptions) into exception texts, logs or the outbox's last_error.

    SQLite: foreign keys on, WAL so readers do not block the writer, and a busy
    timeout so two threads updating the same row wait instead of failing.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, hide_parameters=True,
            connect_args={"check_same_thread": False, "timeout": 30},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:
            # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.close()
            _record.info["busy_ms"] = BUSY_TIMEOUT_MS

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:
            # Write transactions take the write lock at BEGIN. A deferred transaction
            # that read first and writes later cannot wait for a concurrent writer
            # (SQLite answers "database is locked" at once instead of honouring
            # busy_timeout), which would turn two simultaneous "Accept" clicks into an
            # error instead of one winner and one "already taken". Reads stay deferred
            # so they never queue behind writers (WAL lets them run alongside).
            if conn.get_execution_options().get(WRITE_OPTION):
                wait = _busy_ms()
                if conn.info.get("busy_ms") != wait:  # a person is waiting: bounded (see lock_wait_until)
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={wait}")
                    conn.info["busy_ms"] = wait
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("BEGIN")

        return engine
    engine = create_engine(url, echo=echo, hide_parameters=True, pool_pre_ping=True, pool_size=10,
                           max_overflow=20)

    @event.listens_for(engine, "begin")
    def _pg_begin(conn) -> None:
        # A person is waiting (see lock_wait_until): a row lock held by someone else,
        # or a statement that hangs, gives up in time instead of outlasting Slack.
        if _lock_deadline.get() is not None and conn.get_execution_options().get(WRITE_OPTION):
            wait = f"{_busy_ms()}ms"
            conn.exec_driver_sql("SELECT set_config('lock_timeout', %(w)s, true), "
                                 "set_config('statement_timeout', %(w)s, true)", {"w": wait})

    return engine


def write_probe(engine: Engine, seconds: float) -> None:
    """Begin a write transaction and roll it back: raises ``OperationalError``
    when none can begin within ``seconds`` (SQLite: another connection holds
    the write lock; reads still work then, so ``SELECT 1`` cannot tell)."""
    with lock_wait_until(time.monotonic() + seconds), engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        conn.begin()
        conn.rollback()


class SessionFactory(sessionmaker[Session]):
    """``factory()`` opens a session for reading; ``factory.begin()`` opens a
    write transaction (committed on exit, rolled back on error). On SQLite the
    write transaction takes the write lock at once (see ``make_engine``)."""

    @contextmanager
    def begin(self) -> Iterator[Session]:  # type: ignore[override]
        with self() as session, session.begin():
            session.connection(execution_options={WRITE_OPTION: True})
            yield session


def make_session_factory(engine: Engine) -> SessionFactory:
    return SessionFactory(bind=engine, expire_on_commit=False)
