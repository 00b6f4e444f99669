"""What the benchmarks share: the fake Slack in a process of its own, the
servers under gunicorn in their own sessions, CPU and memory read from /proc,
percentiles, and a migrated database with the demo directory.

Not a test: nothing here asserts anything about time."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bot.clock import SystemClock  # noqa: E402
from bot.directory_file import load_directory_file  # noqa: E402
from bot.services.directory import DirectoryService  # noqa: E402
from storage.db import make_engine, make_session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

HOST = "127.0.0.1"
SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-test"  # the token FakeSlack's default workspace accepts
USER_ID = "U0CWB10001"  # Emil Strand, a caseworker in examples/org.yaml
ORG_FILE = REPO_ROOT / "examples" / "org.yaml"
# As handlers/server.py runs gunicorn: {"workers": workers, "worker_class": "gthread",
# "threads": 8, "timeout": 30, "accesslog": "-"}.
GUNICORN_THREADS = 8
GUNICORN_TIMEOUT = 30
#: Slack itself gives up after 3 s; a request still unanswered after this many
#: seconds is counted as an error (TimeoutError), which also bounds the run.
CLIENT_TIMEOUT = 10


# ------------------------------------------------------------------ processes


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class FakeSlackProcess:
    def __init__(self, log_path: Path) -> None:
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(BENCH_DIR / "fakeslack_process.py")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, text=True, bufsize=1,
        )
        line = self.proc.stdout.readline().strip() if self.proc.stdout else ""
        if not line.startswith("READY "):
            raise RuntimeError(f"fake Slack did not start: {line!r} (see {log_path})")
        self.base_url = line.split(" ", 1)[1]
        self._lock = threading.Lock()

    def _ask(self, cmd: str) -> str:
        with self._lock:
            assert self.proc.stdin and self.proc.stdout
            self.proc.stdin.write(cmd + "\n")
            self.proc.stdin.flush()
            return self.proc.stdout.readline().strip()

    def load_org(self, path: Path) -> str:
        """Make the directory file's people Slack users of the fake (so DMs to them work)."""
        return self._ask(f"org {path}")

    def stats(self) -> dict:
        return json.loads(self._ask("stats"))

    def clear(self) -> None:
        self._ask("clear")

    def stop(self) -> None:
        try:
            if self.proc.poll() is None and self.proc.stdin:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait(timeout=5)
        self._log.close()


class Server:
    """One gunicorn-served app in its own session (so its workers can be found
    and, if it will not stop, its process group ended by id)."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], port: int, log_dir: Path,
                 cwd: Path) -> None:
        self.name, self.port = name, port
        self.log_path = log_dir / f"{name}.log"
        self._log = open(self.log_path, "wb")
        self.argv = argv
        # gunicorn >= 25 opens a control socket at $XDG_RUNTIME_DIR/gunicorn.ctl (else
        # ~/.gunicorn/gunicorn.ctl): give each server its own, inside the temp dir.
        runtime_dir = log_dir / f"{name}-run"
        runtime_dir.mkdir(mode=0o700, exist_ok=True)
        env = {**env, "XDG_RUNTIME_DIR": str(runtime_dir)}
        self.proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def wait_healthy(self, deadline: float) -> None:
        url = f"http://{HOST}:{self.port}/healthz"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log_path}:\n"
                                   + self.log_path.read_text(errors="replace")[-2000:])
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not healthy in time; see {self.log_path}")

    def pids(self) -> list[int]:
        """The master and its worker children (by parent pid, read from /proc)."""
        master = self.proc.pid
        kids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == master:
                kids.append(int(entry))
        return [master, *sorted(kids)]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # gunicorn: graceful shutdown of the workers
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group this script created
                self.proc.wait(timeout=5)
        self._log.close()


def proc_status_kb(pid: int, field_name: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of ``pids`` so far (from /proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLK_TCK


def pss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class MemorySampler(threading.Thread):
    """Samples the summed VmRSS of a server's processes and remembers each
    process's VmHWM (the kernel's own peak RSS) while it is alive."""

    def __init__(self, server: Server, interval: float = 0.2) -> None:
        super().__init__(daemon=True, name=f"mem:{server.name}")
        self.server, self.interval = server, interval
        self.peak_rss_sum_kb = 0
        self.hwm_kb: dict[int, int] = {}
        self.role: dict[int, str] = {}
        self._halt = threading.Event()

    def sample(self) -> None:
        total = 0
        for i, pid in enumerate(self.server.pids()):
            rss = proc_status_kb(pid, "VmRSS")
            hwm = proc_status_kb(pid, "VmHWM")
            if rss is None or hwm is None:
                continue
            total += rss
            self.hwm_kb[pid] = max(hwm, self.hwm_kb.get(pid, 0))
            self.role.setdefault(pid, "master" if i == 0 else "worker")
        self.peak_rss_sum_kb = max(self.peak_rss_sum_kb, total)

    def run(self) -> None:
        while not self._halt.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        if self._halt.is_set():
            return
        self._halt.set()
        self.join(timeout=2)
        self.sample()


@dataclass
class PhaseResult:
    app: str
    concurrency: int
    planned: int
    latencies_ns: list[int] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    unexpected_bodies: Counter = field(default_factory=Counter)
    reconnects: int = 0
    wall_s: float = 0.0
    cpu_s: float = 0.0  # CPU of the server's processes, post-ack work included
    stopped_early: bool = False

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)

    @property
    def sent(self) -> int:
        return sum(self.statuses.values()) + sum(self.errors.values())


_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, http.client.BadStatusLine)


def run_phase(app: str, port: int, concurrency: int, total: int, make: Callable[[int], tuple[bytes, dict]],
              deadline: float) -> PhaseResult:
    """``total`` signed requests (``make(i)`` returns the body and headers of the
    i-th) from ``concurrency`` threads, each on its own keep-alive connection;
    building and signing happen before the clock starts."""
    result = PhaseResult(app, concurrency, total)
    lock = threading.Lock()
    next_index = [0]

    def take() -> int | None:
        with lock:
            if next_index[0] >= total:
                return None
            if time.monotonic() > deadline:
                result.stopped_early = True
                return None
            next_index[0] += 1
            return next_index[0]

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=CLIENT_TIMEOUT)
        local_lat: list[int] = []
        local_status: Counter = Counter()
        local_err: Counter = Counter()
        local_body: Counter = Counter()
        reconnects = 0
        while (index := take()) is not None:
            payload, headers = make(index)
            for attempt in (0, 1):
                t0 = time.perf_counter_ns()
                try:
                    conn.request("POST", "/slack/events", payload, headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    elapsed = time.perf_counter_ns() - t0
                except _STALE as exc:
                    conn.close()
                    if attempt == 0:  # a keep-alive connection the server had closed: resend once
                        reconnects += 1
                        continue
                    local_err[type(exc).__name__] += 1
                    break
                except OSError as exc:
                    conn.close()
                    local_err[type(exc).__name__] += 1
                    break
                local_status[resp.status] += 1
                if resp.status == 200:
                    local_lat.append(elapsed)
                    if data:
                        local_body[data[:120].decode(errors="replace")] += 1
                if resp.will_close:
                    conn.close()
                break
        conn.close()
        with lock:
            result.latencies_ns.extend(local_lat)
            result.statuses.update(local_status)
            result.errors.update(local_err)
            result.unexpected_bodies.update(local_body)
            result.reconnects += reconnects

    threads = [threading.Thread(target=worker, name=f"client-{i}") for i in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.wall_s = time.perf_counter() - start
    return result


def pct(sorted_ns: list[int], p: float) -> float:
    if not sorted_ns:
        return float("nan")
    k = max(0, min(len(sorted_ns) - 1, int(round(p / 100.0 * len(sorted_ns) + 0.5)) - 1))
    return sorted_ns[k] / 1e6


def prepare_database(url: str) -> str:
    upgrade(url)
    engine = make_engine(url)
    try:
        result = DirectoryService(make_session_factory(engine), SystemClock()).import_directory(
            load_directory_file(ORG_FILE), str(ORG_FILE))
    finally:
        engine.dispose()
    return f"{result.created} people created from {ORG_FILE.relative_to(REPO_ROOT)}"




def bot_env(fake_url: str, db_url: str, **extra: str) -> dict[str, str]:
    """The environment ``ifn-bot`` runs with in a benchmark: the fake Slack, this
    database, nothing inherited from the developer's shell."""
    env = dict(os.environ)
    for key in [k for k in env if k.startswith(("SLACK_", "IFN_", "GUNICORN_"))] + ["DATABASE_URL", "PORT"]:
        env.pop(key, None)
    env.update({
        "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_APP_TOKEN": "",
        "SLACK_API_URL": fake_url, "DATABASE_URL": db_url,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1", **extra,
    })
    return env


def bot_argv(port: int, workers: int) -> list[str]:
    """``ifn-bot run`` exactly as an operator runs the web process, on loopback."""
    return [sys.executable, "-m", "app.cli", "run", "--host", HOST, "--port", str(port),
            "--workers", str(workers), "--no-scheduler"]
