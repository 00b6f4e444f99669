"""``/ifn veiledning``: time to Slack's answer (the ack), the bot against a bare
Bolt app that acks and opens the same modal — side by side, in alternating
rounds, at concurrency 1, 8 and 32.

In one run, over 127.0.0.1 only:

* the fake Slack Web API in its own process (``benchmarks/fakeslack_process.py``);
* (a) the bot, started as an operator starts the web process: ``ifn-bot run
  --host 127.0.0.1 --workers 2 --no-scheduler`` (gunicorn gthread, 2 workers x 8
  threads), on a temp SQLite file migrated and loaded with ``examples/org.yaml``;
* (b) the bare app (``benchmarks/bare_bolt_app.py``): one ``/ifn`` listener that
  acks and then calls ``views.open`` with a copy of the bot's live-supervision
  modal, under gunicorn with the same options.

Per concurrency: a warm-up on each app, then rounds in the order A B B A A B B A …
(``--rounds`` per app), each round a fixed number of signed slash commands from
that many client threads on keep-alive connections. Latency runs from sending
the request to having read the whole answer (what Slack waits for). The pooled
p50/p99 of each app, their ratio, CPU per command (user+system of the app's
processes, post-ack work included) and each gunicorn worker's resident memory
after the run are printed. Reports numbers; asserts nothing.

    .venv/bin/python benchmarks/slash_latency_bench.py
"""

from __future__ import annotations

import argparse
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
    BENCH_DIR,
    GUNICORN_THREADS,
    GUNICORN_TIMEOUT,
    HOST,
    REPO_ROOT,
    SIGNING_SECRET,
    USER_ID,
    FakeSlackProcess,
    PhaseResult,
    Server,
    bot_argv,
    bot_env,
    cpu_seconds,
    free_port,
    pct,
    prepare_database,
    proc_status_kb,
    run_phase,
)

from sandbox.slack_requests import SignedRequests


def wait_for(fake: FakeSlackProcess, method: str, expected: int, timeout: float) -> int:
    end = time.monotonic() + timeout
    while True:
        done = fake.stats()["calls"].get(method, [0, 0])[0]
        if done >= expected or time.monotonic() > end:
            return done
        time.sleep(0.05)


def order(rounds: int) -> list[str]:
    """A B B A A B B A …: each app as often first as second, and in every position."""
    pattern = ["bot", "bare", "bare", "bot"]
    return [pattern[i % 4] for i in range(2 * rounds)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--per-round", default="100,300,600",
                        help="requests per round, per concurrency level (default 100,300,600)")
    parser.add_argument("--rounds", type=int, default=4, help="rounds per app and level (default 4)")
    parser.add_argument("--warmup", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=170.0)
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.concurrency.split(",")]
    per_round = [int(x) for x in args.per_round.split(",")]
    if len(per_round) == 1:
        per_round *= len(levels)
    started = time.monotonic()
    deadline = started + args.time_limit
    command = " ".join(shlex.quote(a) for a in [Path(sys.executable).as_posix(), *sys.argv])
    tmp = Path(tempfile.mkdtemp(prefix="ifn-ack-bench-"))
    db_url = f"sqlite:///{tmp}/bot.db"
    note = prepare_database(db_url)
    fake = FakeSlackProcess(tmp / "fakeslack.log")
    servers: dict[str, Server] = {}
    pooled: dict[tuple[str, int], PhaseResult] = {}
    opened: dict[tuple[str, int], int] = {}
    rss: dict[str, list[int]] = {}
    try:
        env = bot_env(fake.base_url, db_url)
        bot_port, bare_port = free_port(), free_port()
        servers["bot"] = Server("bot", bot_argv(bot_port, args.workers), env, bot_port, tmp, tmp)
        bare_argv = [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{bare_port}", "--workers",
                     str(args.workers), "--worker-class", "gthread", "--threads", str(GUNICORN_THREADS),
                     "--timeout", str(GUNICORN_TIMEOUT), "--access-logfile", "-", "--pythonpath",
                     str(BENCH_DIR), "bare_bolt_app:create_app()"]
        servers["bare"] = Server("bare", bare_argv, env, bare_port, tmp, tmp)
        for server in servers.values():
            server.wait_healthy(time.monotonic() + 60)
        time.sleep(0.5)
        signer = SignedRequests(f"http://{HOST}:{bot_port}", SIGNING_SECRET,
                                response_url_base=fake.base_url.replace("/api/", "/hooks/"))

        def make(_i: int) -> tuple[bytes, dict]:
            body = urlencode(signer.slash_command_form(USER_ID, "veiledning"))
            return body.encode(), signer.signed_headers(body, "application/x-www-form-urlencoded")

        for level, n in zip(levels, per_round, strict=True):
            for name, server in servers.items():
                run_phase(name, server.port, level, args.warmup, make, deadline)
            for name in order(args.rounds):
                server = servers[name]
                fake.clear()
                pids = server.pids()
                cpu0 = cpu_seconds(pids)
                r = run_phase(name, server.port, level, n, make, deadline)
                done = wait_for(fake, "views.open", r.ok, 15)
                r.cpu_s = cpu_seconds(pids) - cpu0
                total = pooled.setdefault((name, level), PhaseResult(name, level, 0))
                total.planned += n
                total.latencies_ns += r.latencies_ns
                total.statuses.update(r.statuses)
                total.errors.update(r.errors)
                total.cpu_s += r.cpu_s
                total.wall_s += r.wall_s
                opened[(name, level)] = opened.get((name, level), 0) + done
        for name, server in servers.items():
            rss[name] = [proc_status_kb(pid, "VmRSS") or 0 for pid in server.pids()[1:]]
    finally:
        for server in servers.values():
            server.stop()
        fake.stop()

    print()
    print("slash_latency_bench — signed `/ifn veiledning` -> ack, bot vs bare Bolt (ack + views.open)")
    print(f"  command : {command}")
    print(f"  machine : python {platform.python_version()}, {os.cpu_count()} CPUs; both apps gunicorn "
          f"gthread {args.workers} workers x {GUNICORN_THREADS} threads; "
          f"rounds A B B A … ({args.rounds} per app)")
    print(f"  bot     : ifn-bot run --no-scheduler (SQLite temp file; {note})")
    print()
    print(f"  {'conc':>4} {'app':<5} {'n':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'>3 s':>5} "
          f"{'cpu ms/cmd':>10} {'views.open':>10}")
    for level in levels:
        for name in ("bot", "bare"):
            r = pooled.get((name, level))
            if r is None:
                continue
            lat = sorted(r.latencies_ns)
            slow = sum(1 for x in lat if x > 3e9)
            print(f"  {level:>4} {name:<5} {r.ok:>6} {pct(lat, 50):>8.2f} {pct(lat, 99):>8.2f} "
                  f"{pct(lat, 100):>8.2f} {slow:>5} {r.cpu_s * 1000 / max(r.sent, 1):>10.2f} "
                  f"{opened.get((name, level), 0):>10}")
    print()
    print(f"  {'conc':>4} {'p50 ratio bot/bare':>19} {'p99 ratio bot/bare':>19}")
    for level in levels:
        a, b = pooled.get(("bot", level)), pooled.get(("bare", level))
        if a and b and a.latencies_ns and b.latencies_ns:
            la, lb = sorted(a.latencies_ns), sorted(b.latencies_ns)
            print(f"  {level:>4} {pct(la, 50) / pct(lb, 50):>19.2f} {pct(la, 99) / pct(lb, 99):>19.2f}")
    print()
    for name, values in rss.items():
        served = sum(r.sent for (app, _lvl), r in pooled.items() if app == name)
        workers = ", ".join(f"{kb / 1024:.1f} MiB" for kb in values)
        print(f"  {name} gunicorn workers' resident memory after {served} commands (+ warm-ups): {workers}")
    problems = [f"{r.app} c={r.concurrency}: statuses {dict(r.statuses)} errors {dict(r.errors)}"
                for r in pooled.values() if r.errors or set(r.statuses) - {200}]
    print("  " + ("; ".join(problems) if problems else "every command answered 200 (an empty ack)"))
    print(f"  total run {time.monotonic() - started:.1f} s")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO_ROOT))
    sys.exit(main())
