"""The operator's endpoints of the HTTP server: ``/healthz`` (the process is up),
``/readyz`` (it can do its work) and, when enabled, ``/metrics``.

``/readyz`` checks three things and names each that failed, in JSON:
the database answers and a write can begin (SQLite: nobody sits on the write
lock), its schema is at the migrations' head, and some scheduler ticked within
``TICK_MAX_AGE`` (ticks are recorded in the database by whichever
process holds the scheduler lock, so a web process can see them).

Both revisions are read without Alembic (``storage.revisions``): the head from
the migration scripts' source once per process, the database's from its
version table, so no web worker loads Alembic, Mako or Pygments.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from prometheus_client.registry import Collector
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.metrics_http import CONTENT_TYPE, metrics_registry, render
from storage.db import write_probe
from storage.repositories.operations import last_tick
from storage.revisions import RevisionFileError, database_revision, head_revision

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"
TICK_MAX_AGE = timedelta(minutes=1)
#: How long the readiness check waits to begin a write (SQLite's write lock).
WRITE_WAIT = 0.5

Answer = tuple[str, str, bytes]  # status line, content type, body


def _json(status: str, body: dict[str, Any]) -> Answer:
    return status, "application/json", json.dumps(body).encode()


class Readiness:
    def __init__(self, engine: Engine, sessions: Callable[[], Session], now: Callable[[], datetime]) -> None:
        self._engine = engine
        self._sessions = sessions
        self._now = now
        try:
            self._head, self._head_error = head_revision(), None
        except RevisionFileError as exc:  # reported by every check, instead of a worker that cannot start
            self._head, self._head_error = None, str(exc)

    def check(self) -> tuple[bool, dict[str, Any]]:
        checks: dict[str, Any] = {}
        try:
            with self._engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                revision = database_revision(conn)
        except Exception as exc:  # noqa: BLE001 - reported as the readiness state
            checks["database"] = {"ok": False, "error": type(exc).__name__}
            checks["migrations"] = {"ok": False, "error": "database unreachable"}
            checks["scheduler"] = {"ok": False, "error": "database unreachable"}
            return False, checks
        try:
            write_probe(self._engine, WRITE_WAIT)
            checks["database"] = {"ok": True}
        except Exception as exc:  # noqa: BLE001 - reads work, writes do not: nothing can be saved
            checks["database"] = {"ok": False, "error": f"writes cannot begin ({type(exc).__name__})"}
        checks["migrations"] = {"ok": revision == self._head, "current": revision, "head": self._head}
        if self._head_error:
            checks["migrations"].update(ok=False, error=self._head_error)
        try:
            with self._sessions() as s:
                tick = last_tick(s)
        except Exception as exc:  # noqa: BLE001 - e.g. the schema is behind: no tick table yet
            checks["scheduler"] = {"ok": False, "error": f"cannot read the last tick ({type(exc).__name__})"}
            return False, checks
        if tick is None:
            checks["scheduler"] = {"ok": False, "error": "no scheduler has ticked"}
        else:
            age = (self._now() - tick.at).total_seconds()
            checks["scheduler"] = {"ok": age <= TICK_MAX_AGE.total_seconds(),
                                   "last_tick_age_seconds": round(age, 1), "holder": tick.holder}
            if not checks["scheduler"]["ok"]:
                checks["scheduler"]["error"] = f"no tick for more than {int(TICK_MAX_AGE.total_seconds())} s"
        return all(c["ok"] for c in checks.values()), checks


class OperatorEndpoints:
    """Answers the operator's paths; ``None`` for every other path (Slack's)."""

    def __init__(self, readiness: Readiness, metrics: Collector | None) -> None:
        self._readiness = readiness
        self._metrics = metrics_registry(metrics) if metrics is not None else None

    def answer(self, method: str, path: str) -> Answer | None:
        if method not in ("GET", "HEAD"):
            return None
        if path == HEALTH_PATH:
            return _json("200 OK", {"status": "ok"})
        if path == READY_PATH:
            ok, checks = self._readiness.check()
            failed = sorted(name for name, c in checks.items() if not c["ok"])
            body = {"status": "ok" if ok else "unavailable", "failed": failed, "checks": checks}
            return _json("200 OK" if ok else "503 Service Unavailable", body)
        if path == METRICS_PATH and self._metrics is not None:
            return "200 OK", CONTENT_TYPE, render(self._metrics)
        return None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes] | None:
        found = self.answer(environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""))
        if found is None:
            return None
        status, content_type, body = found
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]
