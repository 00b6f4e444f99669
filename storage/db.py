"""Engine and session factory. Built by the composition root, never at import."""

from __future__ import annotations

import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

#: Connection execution option marking a transaction that will write.
WRITE_OPTION = "ifn_write"
#: How long a write waits for SQLite's write lock when nobody is waiting for an answer.
BUSY_TIMEOUT_MS = 30_000
#: The least a write waits however little time is left (a lock held for milliseconds is normal).
MIN_WAIT_MS = 50
#: A connection's busy timeout is reset only when it is this far from the wait wanted.
BUSY_SLACK_MS = 250

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
        return _sqlite_engine(url, echo=echo, for_person=False)
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


def _sqlite_engine(url: str, *, echo: bool, for_person: bool) -> Engine:
    engine = create_engine(
        url, echo=echo, hide_parameters=True,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn, _record) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        if ":memory:" not in url:
            cur.execute("PRAGMA journal_mode=WAL")
        # A connection for a person's writes does not let SQLite wait: it asks
        # again itself, often, until the person's time is up (see _begin_for_person).
        busy_ms = 0 if for_person else BUSY_TIMEOUT_MS
        cur.execute(f"PRAGMA busy_timeout={busy_ms}")
        cur.close()
        _record.info["busy_ms"] = busy_ms
        _record.info[_FOR_PERSON] = for_person

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn) -> None:
        # Write transactions take the write lock at BEGIN. A deferred transaction
        # that read first and writes later cannot wait for a concurrent writer
        # (SQLite answers "database is locked" at once instead of honouring
        # busy_timeout), which would turn two simultaneous "Accept" clicks into an
        # error instead of one winner and one "already taken". Reads stay deferred
        # so they never queue behind writers (WAL lets them run alongside).
        if conn.info.get(_FOR_PERSON):
            _begin_for_person(conn)
        elif conn.get_execution_options().get(WRITE_OPTION):
            # Bounded when someone waits for it (lock_wait_until, e.g. the write probe).
            wait = _busy_ms()
            if abs(conn.info.get("busy_ms", 0) - wait) > BUSY_SLACK_MS:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={wait}")
                conn.info["busy_ms"] = wait
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


_FOR_PERSON = "ifn_for_person"
#: How often a person's write asks SQLite again for its write lock.
PERSON_RETRY_S = 0.001


def _begin_for_person(conn: Connection) -> None:
    """``BEGIN IMMEDIATE`` for a write a person waits for, asked again every
    millisecond until their time is up. SQLite's own busy handler sleeps up to
    100 ms between tries, and while it sleeps another process's writers, one
    after the other, can keep the lock for seconds: the person would lose
    every race. Work nobody waits for keeps SQLite's patient handler, so a
    person's write also goes before background work."""
    deadline = time.monotonic() + _busy_ms() / 1000
    while True:
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            code = getattr(exc.orig, "sqlite_errorcode", None)
            if code not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or time.monotonic() >= deadline:
                raise
        time.sleep(PERSON_RETRY_S)


_person_engines: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
_person_engines_lock = threading.Lock()


def person_engine(engine: Engine) -> Engine:
    """The engine for writes a person is waiting for (see ``lock_wait_until``).

    SQLite keeps its busy timeout per connection: a pool shared by work that may
    wait 30 s and work a person waits for would switch each connection back and
    forth with a PRAGMA per transaction. A SQLite file therefore gets a second
    pool for the person's writes, whose connections ask for the write lock
    themselves (``_begin_for_person``), made on first use and disposed with
    ``engine``. PostgreSQL sets its bound inside the transaction, and an
    in-memory SQLite database must stay one connection: both use ``engine``."""
    found = _person_engines.get(engine)  # every write a person waits for asks: no lock, no URL check
    if found is not None:
        return found
    if not _is_sqlite_file(engine):
        return engine
    url = engine.url
    with _person_engines_lock:
        found = _person_engines.get(engine)
        if found is None:
            found = _sqlite_engine(url.render_as_string(hide_password=False), echo=engine.echo,
                                   for_person=True)
            _person_engines[engine] = found
            event.listen(engine, "engine_disposed", lambda _e: found.dispose())
        return found


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
    write transaction takes the write lock at once (see ``make_engine``).

    SQLite has one writer at a time. Its busy handler polls with sleeps of up
    to 100 ms, so with many threads waiting the lock stands idle between
    tries, and a thread that has waited long loses to newcomers: a burst of
    submissions could keep one waiting past the 2 s a person may wait. Writes a
    person waits for therefore ask SQLite for the lock themselves, every
    millisecond (``_begin_for_person``), and the threads of one process doing
    so queue in the process first (``write_gate``), so only one of them at a
    time asks SQLite. Work nobody waits for stays out of that queue: it waits
    in SQLite's patient busy handler and so goes after people's writes, and
    never holds a person's turn while it waits (measured: an outbox write
    waiting 1.9 s for another process's lock in the turn made people behind
    it in its own process miss their 2 s)."""

    write_gate: threading.Lock | None = None

    @contextmanager
    def begin(self) -> Iterator[Session]:  # type: ignore[override]
        bind = self.kw.get("bind")
        person = _lock_deadline.get() is not None
        if person and isinstance(bind, Engine):
            bind = person_engine(bind)
        release = self._enter_gate() if person else None
        try:
            with self(bind=bind) as session, session.begin():
                conn = session.connection(execution_options={WRITE_OPTION: True})
                if release is not None:
                    # The next thread's turn begins with the COMMIT: it then waits in
                    # SQLite for the commit, not for the checkpoint that may follow
                    # it, nor for hooks run after it (which may write themselves).
                    conn.info[_GATE_RELEASE] = release
                yield session
        finally:
            if release is not None:
                release()

    def _enter_gate(self) -> Callable[..., None] | None:
        gate = self.write_gate
        if gate is None:
            return None
        # What is left after the turn is the wait for SQLite's lock (other writers).
        if not gate.acquire(timeout=max(MIN_WAIT_MS, _busy_ms() - MIN_WAIT_MS) / 1000):
            raise OperationalError("BEGIN IMMEDIATE (waiting for this process's turn)", None,
                                   sqlite3.OperationalError("database is locked"))
        held = [True]

        def release(*_args: object) -> None:
            if held[0]:
                held[0] = False
                gate.release()

        return release


_GATE_RELEASE = "ifn_write_gate_release"


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _leave_gate(conn: Connection) -> None:
    release = conn.info.pop(_GATE_RELEASE, None)
    if release is not None:
        release()


def _is_sqlite_file(engine: Engine) -> bool:
    url = engine.url
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") \
        and "mode=memory" not in str(url)


def make_session_factory(engine: Engine) -> SessionFactory:
    factory = SessionFactory(bind=engine, expire_on_commit=False)
    if _is_sqlite_file(engine):
        factory.write_gate = threading.Lock()
    return factory
