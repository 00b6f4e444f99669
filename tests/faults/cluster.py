"""The bot as it runs in production, on this machine: two web processes
(``ifn-bot run --no-scheduler``, gunicorn), one or two ``ifn-bot scheduler``
processes and the fake Slack (``tests.faults.fake_process``), on a database of
its own (a SQLite file, or a fresh PostgreSQL database on the server named by
``IFN_TEST_DATABASE_URL``).

Every process is started in a session of its own and ended with its whole
process group on every path (``Cluster.close``, also from ``__exit__``); ports
are chosen free by the kernel; readiness is polled with deadlines. The bot's
clock starts at a fixed moment (``START``, a Wednesday in working hours) in every
process alike (``--start`` / ``--started-at``).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from sandbox.slack_requests import SignedRequests
from tests.faults.outage import PgServer, WriteLockHolder
from tests.modals import wait_for

REPO = Path(__file__).resolve().parents[2]
ORG_FILE = REPO / "examples" / "org.yaml"
IFN_BOT = str(Path(sys.executable).with_name("ifn-bot"))
BOT_TOKEN = "xoxb-test"  # sandbox.fakeslack's default workspace token
SIGNING_SECRET = "fault-suite-signing-secret"
#: Wednesday 25 November 2026, 10:00 in Oslo.
START = "2026-11-25T10:00:00+01:00"
NETWORK, MANAGEMENT = "CNETWORK01", "CMGMT00001"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RemoteFake:
    """Reads and steers the fake Slack process through its control server."""

    def __init__(self, api_url: str, control_url: str) -> None:
        self.base_url = api_url
        self.hooks_url = api_url.replace("/api/", "/hooks/")
        self.control = control_url

    def _get(self, path: str) -> Any:
        with urllib.request.urlopen(self.control + path, timeout=30) as resp:
            return json.loads(resp.read())

    def _post(self, path: str, body: Any) -> Any:
        request = urllib.request.Request(self.control + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as resp:
            return json.loads(resp.read())

    def calls(self, method: str | None = None, since: int = 0) -> list[SimpleNamespace]:
        found = [SimpleNamespace(**c) for c in self._get(f"/calls?since={since}")]
        return [c for c in found if method is None or c.method == method]

    def call_count(self) -> int:
        return len(self._get("/calls?since=0"))

    def messages(self) -> list[dict[str, Any]]:
        return self._get("/messages")

    def add_users(self, users: list[dict[str, str]]) -> None:
        self._post("/users", users)

    def fault(self, kind: str | None, seconds: float = 0, **options: Any) -> None:
        self._post("/fault", None if kind is None else {"kind": kind, "seconds": seconds, **options})


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    log: Path
    port: int | None = None

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.alive():
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                pass
        try:
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=15)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass
class Cluster:
    workdir: Path
    database: str  # "sqlite" or "postgresql"
    admin_url: str | None = None  # PostgreSQL server to create the database on
    live_timeout: int = 4
    schedulers: int = 1
    #: A PostgreSQL server of the cluster's own (the database-away row stops it): its
    #: port, or True for any free port.
    own_pg: int | bool = False
    procs: list[Proc] = field(default_factory=list)
    db_url: str = ""
    engine: Engine | None = None
    fake: RemoteFake | None = None
    _fake_proc: subprocess.Popen | None = None
    _pg_name: str | None = None
    _pg_server: PgServer | None = None
    _write_lock: WriteLockHolder | None = None
    _started_at: float = 0.0

    # ----------------------------------------------------------------- start

    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._started_at = time.time()
        self._start_fake()
        if self.database == "postgresql" and self.own_pg:
            self._pg_server = PgServer(None if self.own_pg is True else int(self.own_pg))
            self.admin_url = self._pg_server.start()
        self._make_database()
        self._run_once(["db", "upgrade"])
        self._run_once(["directory", "import", str(ORG_FILE)])
        self.webs = [self.start_web(f"web{i}") for i in (1, 2)]
        self.scheds = [self.start_scheduler(f"scheduler{i}") for i in range(1, self.schedulers + 1)]
        for web in self.webs:
            self.wait_healthy(web)
        wait_for(lambda: any("scheduler active" in s.output() for s in self.scheds), timeout=60)

    def env(self) -> dict[str, str]:
        assert self.fake is not None
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "IFN_", "DATABASE_URL"))}
        env.update({
            "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": self.fake.base_url, "DATABASE_URL": self.db_url,
            "IFN_NETWORK_CHANNEL": NETWORK, "IFN_MANAGEMENT_CHANNEL": MANAGEMENT,
            "IFN_TIMEOUT_LIVE": str(self.live_timeout), "PYTHONUNBUFFERED": "1",
        })
        return env

    def _clock_args(self) -> list[str]:
        return ["--start", START, "--started-at", f"{self._started_at:.3f}"]

    def _spawn(self, name: str, args: Sequence[str], port: int | None = None) -> Proc:
        log = self.workdir / f"{name}.log"
        handle = log.open("ab")
        popen = subprocess.Popen([IFN_BOT, *args], cwd=self.workdir, env=self.env(), stdout=handle,
                                 stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        handle.close()
        proc = Proc(name, popen, log, port)
        self.procs.append(proc)
        return proc

    def start_web(self, name: str) -> Proc:
        port = free_port()
        return self._spawn(name, ["run", "--no-scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--workers", "1", *self._clock_args()], port)

    def start_scheduler(self, name: str, interval: float = 0.5) -> Proc:
        return self._spawn(name, ["scheduler", "--interval", str(interval), *self._clock_args()])

    def replace_web(self, index: int) -> Proc:
        """kill -9 web process ``index`` (if still alive) and start a new one in its place."""
        old = self.webs[index]
        old.kill(signal.SIGKILL)
        new = self.start_web(f"web{index + 1}-{len(self.procs)}")
        self.wait_healthy(new)
        self.webs[index] = new
        return new

    def tick_holder(self) -> tuple[str, Any] | None:
        """(lock holder, bot time) of the last recorded scheduler tick."""
        rows = self.query("SELECT holder, ticked_at FROM scheduler_ticks")
        return (rows[0][0], rows[0][1]) if rows else None

    def active_scheduler(self) -> Proc:
        """The scheduler process that ticked last (the holder name carries its pid)."""
        holder = self.tick_holder()
        assert holder is not None, "no scheduler has ticked"
        pid = int(holder[0].split(":")[1])
        found = [p for p in self.scheds if p.popen.pid == pid and p.alive()]
        assert found, f"the tick holder {holder[0]} is none of the running schedulers"
        return found[0]

    def add_standby(self) -> Proc:
        proc = self.start_scheduler(f"scheduler{len(self.scheds) + 1}-{len(self.procs)}")
        self.scheds.append(proc)
        return proc

    def readyz(self, web: Proc) -> tuple[int, dict[str, Any]]:
        """``/readyz`` of one web process: (HTTP status, its JSON), (0, {}) when unreachable."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{web.port}/readyz", timeout=10) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")
        except (urllib.error.URLError, OSError):
            return 0, {}

    def db_away(self) -> None:
        """The database goes away: PostgreSQL stops; SQLite's write lock is held
        by another connection."""
        if self._pg_server is not None:
            self._pg_server.pause()
        else:
            assert self.database == "sqlite", "PostgreSQL can only be stopped with own_pg"
            self._write_lock = WriteLockHolder(self.workdir / "ifn.db")
            self._write_lock.take()

    def db_back(self) -> None:
        if self._pg_server is not None:
            self._pg_server.resume()
        elif self._write_lock is not None:
            self._write_lock.release()
            self._write_lock = None

    def wait_healthy(self, web: Proc, timeout: float = 60) -> None:
        def healthy() -> bool:
            assert web.alive(), f"{web.name} died:\n{web.output()[-3000:]}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{web.port}/healthz", timeout=2) as resp:
                    return resp.status == 200
            except (urllib.error.URLError, OSError):
                return False

        wait_for(healthy, timeout=timeout, interval=0.1)

    def _start_fake(self) -> None:
        self._fake_proc = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.fake_process"], cwd=REPO, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=(self.workdir / "fake.log").open("ab"), start_new_session=True,
            text=True)
        assert self._fake_proc.stdout is not None
        line = self._fake_proc.stdout.readline().split()
        assert line and line[0] == "READY", f"fake Slack did not start: {line}"
        self.fake = RemoteFake(line[1], line[2])
        people = yaml.safe_load(ORG_FILE.read_text())["people"]
        self.fake.add_users([{"id": p["slack_id"], "name": p["name"], "email": p.get("email"),
                              "locale": "en-US" if p.get("language") == "en" else "nb-NO"}
                             for p in people if p.get("slack_id")])

    def _make_database(self) -> None:
        if self.database == "sqlite":
            self.db_url = f"sqlite:///{self.workdir / 'ifn.db'}"
        else:
            assert self.admin_url, "PostgreSQL needs IFN_TEST_DATABASE_URL"
            self._pg_name = f"ifn_faults_{secrets.token_hex(4)}"
            admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self._pg_name}"'))
            admin.dispose()
            self.db_url = make_url(self.admin_url).set(database=self._pg_name).render_as_string(
                hide_password=False)
        self.engine = create_engine(self.db_url, pool_pre_ping=True)  # survives the database-away row

    def _run_once(self, args: list[str]) -> None:
        done = subprocess.run([IFN_BOT, *args], cwd=self.workdir, env=self.env(), capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, f"ifn-bot {' '.join(args)}: {done.stderr}"

    # ------------------------------------------------------------------ use

    def slack(self, web: Proc | None = None) -> SignedRequests:
        target = web or self.webs[0]
        assert self.fake is not None
        return SignedRequests(f"http://127.0.0.1:{target.port}", SIGNING_SECRET,
                              response_url_base=self.fake.hooks_url, timeout=30)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        assert self.engine is not None
        with self.engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]

    def real_time_of(self, moment: Any) -> float:
        """The Unix time at which the bot's clock reads ``moment`` (a datetime
        or the text a SQLite column holds; naive means UTC)."""
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return self._started_at + (moment - datetime.fromisoformat(START)).total_seconds()

    def bot_now(self) -> datetime:
        """What the bot's clock reads now."""
        return datetime.fromisoformat(START) + timedelta(seconds=time.time() - self._started_at)

    def tracebacks(self) -> int:
        """How many tracebacks the bot's processes have logged so far."""
        return sum(p.output().count("Traceback (most recent call last)") for p in self.procs)

    # ---------------------------------------------------------------- close

    def close(self) -> None:
        for proc in self.procs:
            proc.kill(signal.SIGKILL)
        if self._write_lock is not None:
            self._write_lock.release()
            self._write_lock = None
        if self._fake_proc is not None:
            try:
                if self._fake_proc.stdin:
                    self._fake_proc.stdin.close()
                self._fake_proc.wait(timeout=10)
            except (subprocess.TimeoutExpired, OSError):
                os.killpg(self._fake_proc.pid, signal.SIGKILL)
                self._fake_proc.wait(timeout=10)
            self._fake_proc = None
        if self.engine is not None:
            self.engine.dispose()
        if self._pg_name and self.admin_url and self._pg_server is None:  # an own server goes whole
            admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self._pg_name}" WITH (FORCE)'))
            admin.dispose()
            self._pg_name = None
        if self._pg_server is not None:
            self._pg_server.destroy()
            self._pg_server = None
