"""``ifn-bot run`` in HTTP mode with the scheduler: one parent process that runs
the web server (``ifn-bot run --no-scheduler``, gunicorn) and the scheduler
(``ifn-bot scheduler``) as two children and looks after them.

* The scheduler child is restarted when it dies (after a short pause that grows
  when it keeps dying).
* When the web server exits, the scheduler is stopped and its exit code is ours.
* SIGTERM/SIGINT are passed on to both; each stops gracefully (requests in flight
  and the current tick finish, the scheduler lock is released); a child still
  running after ``grace`` seconds is killed.

Two children rather than gunicorn's master forking the scheduler: gunicorn reaps
every child of its master, so it would swallow the scheduler's exit.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import threading
import time
from collections.abc import Sequence

log = logging.getLogger("ifn_bot.supervisor")

RESTART_PAUSE = 1.0
MAX_RESTART_PAUSE = 30.0


class Supervisor:
    def __init__(self, web: Sequence[str], scheduler: Sequence[str], grace: float = 30.0,
                 env: dict[str, str] | None = None) -> None:
        self._web_argv, self._scheduler_argv = list(web), list(scheduler)
        self._grace = grace
        self._env = env
        self._stop = threading.Event()
        self.restarts = 0

    def _spawn(self, argv: list[str]) -> subprocess.Popen:
        return subprocess.Popen(argv, env=self._env)

    def run(self) -> int:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self._stop.set())
        web = self._spawn(self._web_argv)
        scheduler = self._spawn(self._scheduler_argv)
        log.info("supervising the web server (pid %d) and the scheduler (pid %d)", web.pid, scheduler.pid)
        pause, restart_at = RESTART_PAUSE, None
        while not self._stop.wait(0.2):
            if web.poll() is not None:
                log.error("the web server exited (%s); stopping", web.returncode)
                break
            if scheduler.poll() is None:
                continue
            now = time.monotonic()
            if restart_at is None:
                log.error("the scheduler exited (%s); restarting it in %.0f s", scheduler.returncode, pause)
                restart_at = now + pause
            elif now >= restart_at:
                scheduler = self._spawn(self._scheduler_argv)
                self.restarts += 1
                log.info("scheduler restarted (pid %d)", scheduler.pid)
                pause, restart_at = min(pause * 2, MAX_RESTART_PAUSE), None
        self._terminate([web, scheduler])
        code = web.returncode
        return 0 if self._stop.is_set() else (code if code else 1)

    def _terminate(self, procs: list[subprocess.Popen]) -> None:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self._grace
        for proc in procs:
            try:
                proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                log.warning("pid %d did not stop within %.0f s; killing it", proc.pid, self._grace)
                proc.kill()
                proc.wait()
