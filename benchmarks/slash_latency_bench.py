"""Slash-command latency: signed ``/ifn veiledning`` -> HTTP 200, bot vs bare Bolt.

In one run, over 127.0.0.1 only:

* a fake Slack Web API (``tests.fakeslack.FakeSlack``, in its own process);
* (a) the real bot, started the way ``ifn-bot run --workers 2 --no-scheduler``
  starts it (``benchmarks/run_bot_loopback.py``: the CLI itself, with gunicorn's
  bind moved from 0.0.0.0 to 127.0.0.1), on a temp SQLite file migrated and
  loaded with ``examples/org.yaml``, ``SLACK_API_URL`` pointing at the fake;
* (b) a bare Bolt ``App`` whose one ``/ifn`` listener only calls ``ack()``
  (``benchmarks/bare_bolt_app.py``), under gunicorn with the same options as
  ``handlers/server.py`` (gthread, 2 workers, 8 threads, timeout 30, access log).

For each concurrency (1, 8, 32) and each app: a warm-up, then a fixed number of
slash commands, each form-encoded and signed exactly as Slack does
(``tests.slack_requests.SignedRequests``), sent by that many threads, each on
its own keep-alive ``http.client`` connection. The clock runs from sending the
request to having read the whole response: what Slack sees. The bot acks and
then calls ``views.open`` on the fake from Bolt's listener thread pool (the
production mode); the benchmark waits for those calls to land before the next
phase and counts them. Peak memory of the bot's gunicorn master and workers is
read from ``/proc/<pid>/status`` (VmHWM per process; also the sampled peak of
their summed VmRSS, and their summed PSS at the end).

Not a test: it reports numbers and asserts nothing. Run from the repository root:

    .venv/bin/python benchmarks/slash_latency_bench.py
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bot.clock import SystemClock  # noqa: E402
from bot.directory_file import load_directory_file  # noqa: E402
from bot.services.directory import DirectoryService  # noqa: E402
from sandbox.slack_requests import SignedRequests  # noqa: E402
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


# ------------------------------------------------------------------ load


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


def run_phase(app: str, port: int, concurrency: int, total: int, signer: SignedRequests,
              deadline: float) -> PhaseResult:
    """``total`` signed slash commands from ``concurrency`` threads, each on its
    own keep-alive connection; signing happens before the clock starts."""
    result = PhaseResult(app, concurrency, total)
    lock = threading.Lock()
    next_index = [0]

    def take() -> bool:
        with lock:
            if next_index[0] >= total:
                return False
            if time.monotonic() > deadline:
                result.stopped_early = True
                return False
            next_index[0] += 1
            return True

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=CLIENT_TIMEOUT)
        local_lat: list[int] = []
        local_status: Counter = Counter()
        local_err: Counter = Counter()
        local_body: Counter = Counter()
        reconnects = 0
        while take():
            body = urlencode(signer.slash_command_form(USER_ID, "veiledning"))
            headers = signer.signed_headers(body, "application/x-www-form-urlencoded")
            payload = body.encode()
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


def wait_for_views(fake: FakeSlackProcess, expected: int, timeout: float) -> dict:
    """Let the bot's post-ack views.open calls land before the next phase."""
    end = time.monotonic() + timeout
    while True:
        stats = fake.stats()
        done = stats["calls"].get("views.open", [0, 0])[0]
        if done >= expected or time.monotonic() > end:
            return stats
        time.sleep(0.05)


# ------------------------------------------------------------------ main


def prepare_database(url: str) -> str:
    upgrade(url)
    engine = make_engine(url)
    try:
        result = DirectoryService(make_session_factory(engine), SystemClock()).import_directory(
            load_directory_file(ORG_FILE), str(ORG_FILE))
    finally:
        engine.dispose()
    return f"{result.created} people created from {ORG_FILE.relative_to(REPO_ROOT)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", default="1,8,32", help="comma-separated (default 1,8,32)")
    parser.add_argument("--requests", default="400,1600,1600",
                        help="measured requests per concurrency, comma-separated (default 400,1600,1600)")
    parser.add_argument("--warmup", type=int, default=50, help="warm-up requests per phase (default 50)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for both apps (default 2)")
    parser.add_argument("--time-limit", type=float, default=140.0,
                        help="seconds for the whole run; phases stop early (and say so) past it")
    parser.add_argument("--bot-launch", choices=("loopback", "cli"), default="loopback",
                        help="loopback: the CLI with gunicorn bound to 127.0.0.1 (default); "
                             "cli: plain `python -m bot.cli run` (binds 0.0.0.0)")
    parser.add_argument("--keep-logs", action="store_true", help="keep the temp dir with the server logs")
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.concurrency.split(",")]
    counts = [int(x) for x in args.requests.split(",")]
    if len(counts) == 1:
        counts = counts * len(levels)
    if len(counts) != len(levels):
        parser.error("--requests needs one count, or one per concurrency level")

    started = time.monotonic()
    deadline = started + args.time_limit
    command = " ".join(shlex.quote(a) for a in [Path(sys.executable).as_posix(), *sys.argv])
    tmp = Path(tempfile.mkdtemp(prefix="ifn-slash-bench-"))
    db_url = f"sqlite:///{tmp}/bot.db"
    directory_note = prepare_database(db_url)

    fake = FakeSlackProcess(tmp / "fakeslack.log")
    servers: list[Server] = []
    samplers: dict[str, MemorySampler] = {}
    results: list[PhaseResult] = []
    view_checks: list[tuple[int, int, int, int]] = []  # concurrency, bot 200s, views.open, views.open ok
    fake_stats: dict = {}
    exit_code = 0
    try:
        env = dict(os.environ)
        inherited = [k for k in env if k.startswith(("SLACK_", "IFN_", "GUNICORN_"))]
        for key in [*inherited, "DATABASE_URL", "PORT"]:
            env.pop(key, None)
        env.update({
            "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_APP_TOKEN": "",
            "SLACK_API_URL": fake.base_url, "DATABASE_URL": db_url,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
            "PYTHONUNBUFFERED": "1",
        })
        bot_port, bare_port = free_port(), free_port()
        bot_cli = ([sys.executable, str(BENCH_DIR / "run_bot_loopback.py")] if args.bot_launch == "loopback"
                   else [sys.executable, "-m", "app.cli"])
        bot_argv = [*bot_cli, "run", "--port", str(bot_port), "--workers", str(args.workers),
                    "--no-scheduler"]
        bare_argv = [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{bare_port}",
                     "--workers", str(args.workers), "--worker-class", "gthread",
                     "--threads", str(GUNICORN_THREADS), "--timeout", str(GUNICORN_TIMEOUT),
                     "--access-logfile", "-", "--pythonpath", str(BENCH_DIR), "bare_bolt_app:create_app()"]
        # cwd = the temp dir, so no developer .env is read by pydantic-settings.
        bot = Server("bot", bot_argv, env, bot_port, tmp, tmp)
        servers.append(bot)
        servers.append(Server("bare", bare_argv, env, bare_port, tmp, tmp))
        for s in servers:
            s.wait_healthy(time.monotonic() + 60)
        for s in servers:
            samplers[s.name] = MemorySampler(s)
            samplers[s.name].start()
        time.sleep(0.5)  # all workers booted (healthz answered by one of them)

        signer = SignedRequests(f"http://{HOST}:{bot_port}", SIGNING_SECRET,
                                response_url_base=fake.base_url.replace("/api/", "/hooks/"))
        for c, n in zip(levels, counts, strict=True):
            for s in servers:
                fake.clear()
                run_phase(s.name, s.port, c, args.warmup, signer, deadline)  # warm-up, not reported
                if s is bot:
                    wait_for_views(fake, args.warmup, 10)
                fake.clear()
                pids = s.pids()
                cpu0 = cpu_seconds(pids)
                r = run_phase(s.name, s.port, c, n, signer, deadline)
                results.append(r)
                if s is bot:
                    stats = wait_for_views(fake, r.ok, 15)
                    vo = stats["calls"].get("views.open", [0, 0])
                    view_checks.append((c, r.ok, vo[0], vo[1]))
                r.cpu_s = cpu_seconds(pids) - cpu0
        for sampler in samplers.values():
            sampler.stop()
        fake_stats = fake.stats()
    finally:
        # Every step runs even if one fails: no server may outlive the benchmark.
        for sampler in samplers.values():
            try:
                sampler.stop()
            except Exception as exc:  # noqa: BLE001
                print(f"memory sampler: {exc!r}", file=sys.stderr)
        for s in servers:
            try:
                if s.proc.poll() is None and s.name in samplers:
                    samplers[s.name].pss_end = {pid: pss_kb(pid) for pid in s.pids()}  # type: ignore[attr-defined]
            finally:
                s.stop()
        fake.stop()

    # ------------------------------------------------------------------ report
    by_key = {(r.app, r.concurrency): r for r in results}
    print()
    print("slash_latency_bench — signed `/ifn veiledning` -> HTTP response, over 127.0.0.1")
    print(f"  command : {command}")
    print(f"  machine : python {platform.python_version()}, {os.cpu_count()} CPUs; gunicorn gthread, "
          f"{args.workers} workers x {GUNICORN_THREADS} threads, both apps; client: 1 thread per connection, "
          f"keep-alive; {args.warmup} warm-up requests per phase")
    bot_cmd = " ".join(shlex.quote(a) for a in bot_argv[1:])
    print(f"  bot     : {bot_cmd}  (SQLite temp file; {directory_note})")
    print(f"  bare    : gunicorn ... {bare_argv[-1]}  (one /ifn listener: ack())")
    print()
    hdr = (f"  {'app':<5} {'conc':>4} {'n(200)':>7} {'non-200':>7} {'errors':>6} {'p50 ms':>8} {'p90 ms':>8} "
           f"{'p99 ms':>8} {'max ms':>8} {'req/s':>8} {'cpu ms/req':>10}")
    print(hdr)
    print("  " + "-" * (len(hdr) - 2))
    for c in levels:
        for app in ("bot", "bare"):
            r = by_key.get((app, c))
            if r is None:
                continue
            lat = sorted(r.latencies_ns)
            non200 = sum(v for k, v in r.statuses.items() if k != 200)
            rps = r.sent / r.wall_s if r.wall_s else float("nan")
            flag = "  (stopped early)" if r.stopped_early else ""
            print(f"  {app:<5} {c:>4} {r.ok:>7} {non200:>7} {sum(r.errors.values()):>6} {pct(lat, 50):>8.2f} "
                  f"{pct(lat, 90):>8.2f} {pct(lat, 99):>8.2f} {pct(lat, 100):>8.2f} {rps:>8.1f} "
                  f"{r.cpu_s * 1000 / max(r.sent, 1):>10.2f}{flag}")
    print("  (latencies of the HTTP 200 answers; req/s = requests completed / wall time of the phase;")
    print("  cpu ms/req = user+system CPU of the app's gunicorn master+workers per request, post-ack work")
    print("  included)")
    print()
    print(f"  {'conc':>4} {'bot/bare p50':>13} {'bot/bare p99':>13}")
    for c in levels:
        a, b = by_key.get(("bot", c)), by_key.get(("bare", c))
        if a is None or b is None or not a.latencies_ns or not b.latencies_ns:
            continue
        la, lb = sorted(a.latencies_ns), sorted(b.latencies_ns)
        print(f"  {c:>4} {pct(la, 50) / pct(lb, 50):>13.2f} {pct(la, 99) / pct(lb, 99):>13.2f}")
    print()
    print("  peak memory (VmHWM per process from /proc/<pid>/status; 'sum' adds them, counting pages")
    print("  shared after fork once per process; 'sampled' = highest summed VmRSS seen every 0.2 s;")
    print("  'PSS' = proportional set size summed at the end, shared pages split between processes):")
    for name, sampler in samplers.items():
        parts = ", ".join(f"{sampler.role[pid]} {pid} {kb / 1024:.1f} MiB"
                          for pid, kb in sampler.hwm_kb.items())
        pss = [v for v in getattr(sampler, "pss_end", {}).values() if v]
        pss_txt = f"; PSS at end {sum(pss) / 1024:.1f} MiB" if pss else ""
        print(f"    {name:<5}: {parts}; sum {sum(sampler.hwm_kb.values()) / 1024:.1f} MiB; "
              f"sampled {sampler.peak_rss_sum_kb / 1024:.1f} MiB{pss_txt}")
    print()
    print("  checks:")
    for c, ok, vo, vo_ok in view_checks:
        print(f"    bot c={c}: {ok} HTTP 200 -> {vo} views.open calls on the fake Slack, {vo_ok} answered ok")
    problems = False
    for r in results:
        extra = {k: v for k, v in r.statuses.items() if k != 200}
        if extra or r.errors or r.unexpected_bodies or r.reconnects:
            problems = True
            print(f"    {r.app} c={r.concurrency}: non-200 {dict(extra)}, errors {dict(r.errors)}, "
                  f"reconnects {r.reconnects}, 200 with a body {dict(r.unexpected_bodies)}")
    violations = fake_stats.get("violations", [])
    if violations:
        print(f"    fake Slack flagged {len(violations)} call(s): {violations[:3]}")
    for s in servers:
        text = s.log_path.read_text(errors="replace")
        errors = [ln for ln in text.splitlines() if " ERROR " in ln or "Traceback" in ln or "CRITICAL" in ln]
        if errors:
            problems = True
            print(f"    {s.name} log: {len(errors)} error line(s), first: {errors[0][:200]}")
    if not problems and not violations:
        print("    every request answered 200 with an empty body (ack); no errors in the server logs")
    print(f"  total run {time.monotonic() - started:.1f} s"
          + (f"; logs kept in {tmp}" if args.keep_logs else ""))
    if not args.keep_logs:
        shutil.rmtree(tmp, ignore_errors=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
