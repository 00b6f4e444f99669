"""A web worker's resident memory (VmRSS) as it serves requests: the bot as an
operator starts it, in variants that differ only by their environment (for
example ``MALLOC_ARENA_MAX``), side by side in alternating rounds.

In one run, over 127.0.0.1 only: the fake Slack in its own process (the demo
directory's people are its users); per variant ``ifn-bot run --no-scheduler
--workers 1`` (gunicorn gthread, 1 worker x 8 threads, so the one worker serves
every request) on its own SQLite file migrated and loaded with
``examples/org.yaml``, its clock started at a Wednesday 10:00 (working hours).
Each round sends ``--per-round`` signed requests from ``--concurrency`` client
threads: three ``/ifn veiledning`` commands (ack, then ``views.open``) to one
live-supervision submission (a request routed, stored, and two DMs sent by the
outbox's threads). Rounds go A B B A … ; after each, the worker's VmRSS is read
from /proc. Printed: VmRSS after start-up and after each checkpoint of
requests served, per variant, with the ratio to the first variant, and the
worker's ``smaps_rollup`` split at the end. Reports numbers; asserts nothing.

    .venv/bin/python benchmarks/worker_memory_bench.py
    .venv/bin/python benchmarks/worker_memory_bench.py --variant shipped: --variant arenas1:MALLOC_ARENA_MAX=1
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from harness import (
    GUNICORN_THREADS,
    HOST,
    ORG_FILE,
    REPO_ROOT,
    SIGNING_SECRET,
    USER_ID,
    FakeSlackProcess,
    Server,
    bot_argv,
    bot_env,
    free_port,
    prepare_database,
    proc_status_kb,
    run_phase,
)
from submission_bench import START, live_values, requesters

from sandbox.slack_requests import SignedRequests

#: Three commands to one submission.
MIX = ("command", "command", "command", "submission")


def parse_variant(text: str) -> tuple[str, dict[str, str]]:
    name, _, assignments = text.partition(":")
    env = dict(pair.split("=", 1) for pair in filter(None, assignments.split(",")))
    return name, env


def rollup_kb(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                parts = line.split()
                if len(parts) == 3 and parts[2] == "kB":
                    out[parts[0].rstrip(":")] = int(parts[1])
    except OSError:
        pass
    return out


class Load:
    """Signed requests of the mix, numbered so that no view id repeats."""

    def __init__(self, port: int) -> None:
        self._slack = SignedRequests(f"http://{HOST}:{port}", SIGNING_SECRET)
        self._people = requesters()
        self._next = 0

    def batch(self, n: int) -> list[tuple[bytes, dict]]:
        out = []
        for _ in range(n):
            i = self._next
            self._next += 1
            if MIX[i % len(MIX)] == "command":
                body = urlencode(self._slack.slash_command_form(USER_ID, "veiledning"))
            else:
                user, area = self._people[i % len(self._people)]
                values, view_id = live_values(area, i), f"VMEM{i:08d}"
                payload = self._slack.view_submission_payload(user, "live_request", values, None, view_id)
                body = urlencode({"payload": json.dumps(payload)})
            out.append((body.encode(), self._slack.signed_headers(body, "application/x-www-form-urlencoded")))
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variant", action="append", metavar="NAME:ENV=VALUE,…",
                        help="a server variant (repeatable); default: the bot as shipped (2 malloc arenas) "
                             "and glibc's own number of arenas (8 per core)")
    parser.add_argument("--requests", type=int, default=4000, help="per variant (default 4000)")
    parser.add_argument("--per-round", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=40)
    args = parser.parse_args(argv)
    default = ["shipped:", f"glibc:MALLOC_ARENA_MAX={8 * (os.cpu_count() or 1)}"]
    variants = [parse_variant(v) for v in (args.variant or default)]
    command = " ".join(shlex.quote(a) for a in [Path(sys.executable).as_posix(), *sys.argv])
    tmp = Path(tempfile.mkdtemp(prefix="ifn-mem-bench-"))
    fake = FakeSlackProcess(tmp / "fakeslack.log")
    fake.load_org(ORG_FILE)
    servers: dict[str, Server] = {}
    loads: dict[str, Load] = {}
    served = dict.fromkeys((n for n, _ in variants), 0)
    curve: dict[str, list[tuple[int, int]]] = {n: [] for n, _ in variants}
    problems: list[str] = []
    rollups: dict[str, dict[str, int]] = {}
    wall = dict.fromkeys(served, 0.0)
    started = time.monotonic()
    try:
        for name, extra in variants:
            db_url = f"sqlite:///{tmp}/{name}.db"
            prepare_database(db_url)
            port = free_port()
            servers[name] = Server(name, bot_argv(port, 1) + ["--start", START],
                                   bot_env(fake.base_url, db_url, **extra), port, tmp, REPO_ROOT)
        for name, server in servers.items():
            server.wait_healthy(time.monotonic() + 60)
            loads[name] = Load(server.port)
        time.sleep(1.0)
        for name, server in servers.items():
            curve[name].append((0, proc_status_kb(server.pids()[1], "VmRSS") or 0))
        for name, server in servers.items():
            batch = loads[name].batch(args.warmup)
            run_phase(name, server.port, args.concurrency, len(batch), lambda i, b=batch: b[i - 1],
                      time.monotonic() + 120)
            served[name] += args.warmup
        rounds = -(-args.requests // args.per_round)
        pattern = [n for n, _ in variants]
        order = [(pattern + pattern[::-1])[i % (2 * len(pattern))] for i in range(rounds * len(pattern))]
        for name in order:
            server = servers[name]
            batch = loads[name].batch(args.per_round)
            r = run_phase(name, server.port, args.concurrency, len(batch), lambda i, b=batch: b[i - 1],
                          time.monotonic() + 300)
            if r.errors or set(r.statuses) - {200}:
                problems.append(f"{name}: statuses {dict(r.statuses)} errors {dict(r.errors)}")
            served[name] += r.sent
            wall[name] += r.wall_s
            time.sleep(0.5)  # let the outbox's threads deliver the round's DMs
            curve[name].append((served[name], proc_status_kb(server.pids()[1], "VmRSS") or 0))
        for name, server in servers.items():
            rollups[name] = rollup_kb(server.pids()[1])
    finally:
        for server in servers.values():
            server.stop()
        fake.stop()

    first = variants[0][0]
    print()
    print("worker_memory_bench — VmRSS of the gunicorn worker of `ifn-bot run --no-scheduler --workers 1`")
    print(f"  command : {command}")
    print(f"  machine : python {platform.python_version()}, {os.cpu_count()} CPUs, load {os.getloadavg()}; "
          f"gthread 1 worker x {GUNICORN_THREADS} threads; concurrency {args.concurrency}; "
          f"mix 3 x /ifn veiledning : 1 live submission; rounds A B B A …")
    for name, extra in variants:
        print(f"  {name:<10}: {' '.join(f'{k}={v}' for k, v in extra.items()) or '(environment unchanged)'}")
    print()
    print(f"  {'requests':>9} " + " ".join(f"{n + ' MiB':>14}" for n, _ in variants)
          + "".join(f" {n + '/' + first:>16}" for n, _ in variants[1:]))
    for row in range(len(curve[first])):
        cells = [curve[n][row] if row < len(curve[n]) else (0, 0) for n, _ in variants]
        line = f"  {cells[0][0]:>9} " + " ".join(f"{kb / 1024:>14.1f}" for _, kb in cells)
        line += "".join(f" {kb / max(cells[0][1], 1):>16.3f}" for _, kb in cells[1:])
        print(line)
    print()
    timed = {n: sum(1 for x in order if x == n) * args.per_round for n in served}
    rates = ", ".join(f"{n} {timed[n] / max(w, 1e-9):.0f}" for n, w in wall.items())
    print(f"  acks/s over the timed rounds: {rates}")
    for name, roll in rollups.items():
        print(f"  {name} at the end: Rss {roll.get('Rss', 0) / 1024:.1f} MiB = anonymous "
              f"{roll.get('Anonymous', 0) / 1024:.1f} + file-backed "
              f"{(roll.get('Rss', 0) - roll.get('Anonymous', 0)) / 1024:.1f} (shared with other processes: "
              f"{(roll.get('Shared_Clean', 0) + roll.get('Shared_Dirty', 0)) / 1024:.1f})")
    print("  " + ("; ".join(problems) if problems else "every request answered 200"))
    print(f"  total run {time.monotonic() - started:.1f} s")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO_ROOT))
    sys.exit(main())
