"""Exactly one active scheduler (SPEC §8): a database lock the scheduler holds
while it runs jobs; a second scheduler process waits as a standby.

* PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on a
  dedicated connection held for as long as the process is the active one. When
  the process dies, its connection closes and PostgreSQL frees the lock at once.
* SQLite (no advisory locks): a lease row in ``scheduler_lock`` renewed every
  ``RENEW_EVERY`` seconds (by its own thread, not by the ticks, so a slow tick never
  loses it); a standby takes the row over once the lease has expired, within
  ``LEASE`` + its poll interval of the holder's death (under 10 s). A holder that
  stops cleanly releases the row, and the standby takes over at its next poll.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import Connection, Engine, insert, or_, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from storage.models import SchedulerLock

log = logging.getLogger("ifn_bot.scheduler_lock")

LOCK_NAME = "scheduler"
#: The advisory lock key: any fixed 64-bit number no other code uses ("IFNSCHED").
ADVISORY_KEY = 0x49464E5343484544 & 0x7FFFFFFFFFFFFFFF
LEASE = timedelta(seconds=6)
#: How often the holder renews (and checks) its lock: three renewals fit in one lease.
RENEW_EVERY = LEASE.total_seconds() / 3


class Lock(Protocol):
    holder: str

    def acquire(self) -> bool:
        """Take the lock if free; True when this process holds it (now or already)."""

    def still_held(self) -> bool:
        """Renew/verify the lock; False when it was lost (the caller must stop)."""

    def release(self) -> None: ...


def _holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class AdvisoryLock:
    """PostgreSQL: the lock lives as long as the dedicated connection."""

    def __init__(self, engine: Engine, key: int = ADVISORY_KEY) -> None:
        self._engine = engine
        self._key = key
        self._conn: Connection | None = None
        self.holder = _holder_name()

    def acquire(self) -> bool:
        if self._conn is not None:
            return self.still_held()
        conn = self._engine.connect()
        try:
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key}).scalar())
            conn.commit()  # end the implicit transaction; the session-level lock stays
        except DBAPIError:
            conn.close()
            raise
        if not got:
            conn.close()
            return False
        self._conn = conn
        return True

    def still_held(self) -> bool:
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1")).scalar()
            self._conn.commit()
        except DBAPIError:
            log.warning("scheduler lock connection lost; stepping down")
            self._drop()
            return False
        return True

    def release(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
            self._conn.commit()
        except DBAPIError:
            pass
        self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except DBAPIError:  # pragma: no cover - the connection is gone anyway
                pass


class LeaseLock:
    """Any database (used for SQLite): a row whose lease the holder keeps renewing."""

    def __init__(self, engine: Engine, name: str = LOCK_NAME, lease: timedelta = LEASE,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._engine = engine
        self._name = name
        self._lease = lease
        self._now = now
        self._held = False
        self.holder = _holder_name()

    def acquire(self) -> bool:
        now = self._now()
        with self._engine.begin() as conn:
            result = conn.execute(
                update(SchedulerLock)
                .where(SchedulerLock.name == self._name,
                       or_(SchedulerLock.holder == self.holder, SchedulerLock.lease_until < now))
                .values(holder=self.holder, lease_until=now + self._lease)
            )
            got = result.rowcount == 1
            exists = conn.scalar(select(SchedulerLock.name).where(SchedulerLock.name == self._name))
            if not got and exists is None:
                try:
                    with conn.begin_nested():
                        conn.execute(insert(SchedulerLock).values(
                            name=self._name, holder=self.holder, lease_until=now + self._lease))
                    got = True
                except IntegrityError:
                    got = False
        self._held = got
        return got

    def still_held(self) -> bool:
        return self._held and self.acquire()

    def release(self) -> None:
        if not self._held:
            return
        with self._engine.begin() as conn:
            conn.execute(update(SchedulerLock).where(SchedulerLock.name == self._name,
                                                     SchedulerLock.holder == self.holder)
                         .values(lease_until=self._now() - timedelta(seconds=1)))
        self._held = False


def scheduler_lock(engine: Engine) -> Lock:
    """The right lock for this database."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine)
    return LeaseLock(engine)
