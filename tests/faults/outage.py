"""Taking the database away from a running cluster, as it happens in
production: the PostgreSQL server stops and starts again (a restart, a
failover), or — SQLite — another connection holds the write lock.

``PgServer`` is a throw-away PostgreSQL server of the cluster's own, started
with ``scripts/pg-start.sh`` on a given port and removed with
``scripts/pg-stop.sh``; in between it can be stopped and started again on the
same data (``pause`` / ``resume``), with the options it was first started with
(PostgreSQL keeps them in ``postmaster.opts``).
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path

from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[2]


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    assert found, "PostgreSQL's binaries are not installed (scripts/pg-start.sh installs them)"
    return found[-1].parent


def _as_postgres(argv: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root (as in scripts/pg-start.sh)."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.getuid() == 0 else argv


class PgServer:
    """``port`` None: pg-start.sh picks a free one."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port
        self.url = ""

    @property
    def data(self) -> Path:
        return Path(f"/tmp/ifn-bot-pg-{self.port}")

    def start(self) -> str:
        """A fresh server; returns the URL of its ``ifn_test`` database."""
        env = {k: v for k, v in os.environ.items() if k != "PGPORT"}
        if self.port:
            env["PGPORT"] = str(self.port)
        done = subprocess.run(["bash", str(REPO / "scripts" / "pg-start.sh")], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, f"pg-start.sh: {done.stderr[-2000:]}"
        self.url = done.stdout.strip().splitlines()[-1]
        self.port = make_url(self.url).port
        return self.url

    def _options(self) -> str:
        """The postmaster's command line options but the data directory."""
        words = shlex.split((self.data / "postmaster.opts").read_text())[1:]
        kept: list[str] = []
        skip = False
        for word in words:
            if skip:
                skip = False
            elif word == "-D":
                skip = True
            else:
                kept.append(word)
        return shlex.join(kept)

    def pause(self) -> None:
        """Stop the server (fast shutdown: every connection is closed); the data stays."""
        self._opts = self._options()
        subprocess.run(_as_postgres([str(_pg_bin() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                                     "stop"]), check=True, capture_output=True, timeout=60)

    def resume(self) -> None:
        subprocess.run(_as_postgres([str(_pg_bin() / "pg_ctl"), "-D", str(self.data), "-w", "-l",
                                     str(self.data / "server.log"), "-o", self._opts, "start"]),
                       check=True, capture_output=True, timeout=60)

    def destroy(self) -> None:
        if not self.port:
            return
        subprocess.run(["bash", str(REPO / "scripts" / "pg-stop.sh")], cwd=REPO,
                       env={**os.environ, "PGPORT": str(self.port)}, capture_output=True, timeout=60)
        shutil.rmtree(self.data, ignore_errors=True)  # pg-stop.sh leaves it when the server was stopped


class WriteLockHolder:
    """Another connection to the SQLite file takes the write lock
    (``BEGIN IMMEDIATE``) and keeps it until ``release``: every writer waits,
    readers go on (WAL)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def take(self) -> None:
        conn = sqlite3.connect(self._path, timeout=60, isolation_level=None, check_same_thread=False)
        conn.execute("BEGIN IMMEDIATE")
        self._conn = conn

    def release(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            conn.execute("ROLLBACK")
            conn.close()
