"""The outbox's own workers: after a commit, the keys of the messages it queued
are handed here and sent by these threads, so a slow or rate-limited Slack is
waited out here — never on Bolt's listener threads (whose acks must leave
within 3 s) and never inside the scheduler's tick (whose timeouts must fire on
time)."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from bot.services.outage import is_outage

log = logging.getLogger("ifn_bot.dispatch")

_STOP = object()


class ThreadDispatcher:
    """``workers`` threads taking batches of keys from a bounded queue. A batch
    that does not fit (a flood) is dropped here: its rows stay claimed until the
    lease runs out and the scheduler's sweep delivers them — late, not lost."""

    def __init__(self, deliver: Callable[[list[str]], int], release: Callable[[list[str]], None],
                 workers: int = 4, max_queued: int = 10_000, name: str = "ifn-outbox",
                 keep: Callable[[], int] | None = None, keep_every: float = 4.0) -> None:
        self._deliver = deliver
        self._release = release
        self._keep, self._keep_every = keep, keep_every
        self._stopping = threading.Event()
        self._queue: queue.Queue[object] = queue.Queue(max_queued)
        self._threads = [threading.Thread(target=self._run, name=f"{name}-{i}", daemon=True)
                         for i in range(workers)]
        self._keeper = threading.Thread(target=self._keep_claims, name=f"{name}-keeper", daemon=True)
        self._started = False

    def start(self) -> ThreadDispatcher:
        if not self._started:
            self._started = True
            for thread in self._threads:
                thread.start()
            if self._keep is not None:
                self._keeper.start()
        return self

    def _keep_claims(self) -> None:
        """Renew the claims of what the workers are sending, so a slow Slack never
        lets them run out (and another process send the same message)."""
        assert self._keep is not None
        while not self._stopping.wait(self._keep_every):
            try:
                self._keep()
            except Exception as exc:  # noqa: BLE001 - the database may be away; claims then run out
                log.warning("outbox keeper: could not renew the claims (%s)", type(exc).__name__)

    def __call__(self, keys: list[str]) -> None:
        try:
            self._queue.put_nowait(list(keys))
        except queue.Full:
            log.warning("outbox queue full: %d messages left to the sweep", len(keys))

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is _STOP:
                    return
                self._deliver(item)  # type: ignore[arg-type]
            except Exception as exc:  # noqa: BLE001 - the rows stay claimed; the sweep retries them
                if is_outage(exc):
                    log.warning("outbox worker: the database is away (%s); the sweep sends it later",
                                type(exc).__name__)
                else:
                    log.exception("outbox worker: delivery failed")
            finally:
                self._queue.task_done()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish what is queued (bounded by ``timeout``), then stop. Batches still
        waiting are released for the sweep of another process."""
        if not self._started:
            return
        done = threading.Event()

        def wait() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=wait, daemon=True).start()
        if not done.wait(timeout):
            left: list[str] = []
            while True:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is not _STOP:
                    left += item  # type: ignore[arg-type]
                self._queue.task_done()
            if left:
                self._release(left)
        self._stopping.set()
        for _ in self._threads:
            self._queue.put(_STOP)
        for thread in self._threads:
            thread.join(timeout=1.0)
        if self._keeper.is_alive():
            self._keeper.join(timeout=1.0)
