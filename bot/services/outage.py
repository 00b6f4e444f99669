"""The database being away (a server restarting, a failover, SQLite's write
lock held too long), as the services see it.

Work a person is waiting for: Slack gives up on an answer after 3 s (the modal
shows an error, the click a warning sign), so a write done before the answer
may wait for the database only so long (``person_waiting``): after
``PERSON_WAITS`` seconds it fails, nothing of it is applied, and the person is
told so ("not saved — try again") in time, instead of Slack giving up while the
write still waits and perhaps succeeds later.

``DatabaseAway`` is what such a failure raises (the driver's error, wrapped by
SQLAlchemy; a failed transaction is rolled back whole). ``is_outage`` tells a
lost or refused connection or a lock not got in time — expected while the
database is away, worth one log line — from other database errors (bugs, worth
a traceback).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from storage.db import lock_wait_until

#: Seconds the database may keep a person waiting before the answer (of Slack's 3).
PERSON_WAITS = 2.0

DatabaseAway = DBAPIError


def is_outage(exc: BaseException) -> bool:
    return isinstance(exc, (OperationalError, InterfaceError))


@contextmanager
def person_waiting(seconds: float = PERSON_WAITS) -> Iterator[None]:
    """Writes in this block (this thread) give up after ``seconds`` in all."""
    with lock_wait_until(time.monotonic() + seconds):
        yield
