"""Engine and session factory. Built by the composition root, never at import."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

#: Connection execution option marking a transaction that will write.
WRITE_OPTION = "ifn_write"


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
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:
            # Write transactions take the write lock at BEGIN. A deferred transaction
            # that read first and writes later cannot wait for a concurrent writer
            # (SQLite answers "database is locked" at once instead of honouring
            # busy_timeout), which would turn two simultaneous "Accept" clicks into an
            # error instead of one winner and one "already taken". Reads stay deferred
            # so they never queue behind writers (WAL lets them run alongside).
            if conn.get_execution_options().get(WRITE_OPTION):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("BEGIN")

        return engine
    return create_engine(url, echo=echo, hide_parameters=True, pool_pre_ping=True, pool_size=10,
                         max_overflow=20)


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
