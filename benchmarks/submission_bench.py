"""Live-supervision submissions: what one costs in SQL, and how many per second
the web process takes with both DMs (the coordinator's offer and the
requester's status) delivered to Slack.

Two parts, in one run:

* **cost** — in this process, the app as the tests build it (listeners and the
  outbox inline, so the count includes the delivery of both DMs), on the chosen
  database: SQL statements per submission (by their first word) and
  transactions (write = the ones that take SQLite's write lock or write on
  PostgreSQL; read = the rest), averaged over ``--cost-n`` submissions.
* **throughput** — as an operator runs it: ``ifn-bot run --no-scheduler
  --workers 2`` (gunicorn gthread, 2 workers x 8 threads) against the fake Slack
  in its own process, the bot's clock started at a Wednesday 10:00 (working
  hours) with ``--start``. Per round, ``--total`` signed view submissions of the
  live form from many caseworkers in all three areas, from ``concurrency``
  client threads; the round ends when every submission is answered *and* the
  fake Slack has received two ``chat.postMessage`` per submission. Reported:
  submissions/s to the last DM, ack p50/p99, acks over 3 s (Slack's limit),
  errors. Rounds alternate concurrency 8 and 32 (8 32 32 8 …).

    .venv/bin/python benchmarks/submission_bench.py
    .venv/bin/python benchmarks/submission_bench.py --database-url postgresql+psycopg://ifn@127.0.0.1:PORT/bench1

With ``--database-url`` the database is dropped and re-created first (``public``
schema): use a throw-away one. Reports numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from harness import (
    GUNICORN_THREADS,
    HOST,
    ORG_FILE,
    REPO_ROOT,
    SIGNING_SECRET,
    FakeSlackProcess,
    Server,
    bot_argv,
    bot_env,
    cpu_seconds,
    free_port,
    pct,
    prepare_database,
    run_phase,
)
from sqlalchemy import event, text

from bot.clock import ManualClock
from bot.directory_file import load_directory_file
from bot.settings import Settings
from sandbox.fakeslack import FakeSlack
from sandbox.slack_requests import (
    SignedRequests,
    state_checkboxes,
    state_plain_text,
    state_static_select,
    state_timepicker,
    state_values,
)
from storage.db import WRITE_OPTION, make_engine, person_engine
from storage.migrate import upgrade
from tests.harness import BotServer, make_settings

#: Wednesday 25 November 2026, 10:00 in Oslo: a working day, inside working hours.
START = "2026-11-25T10:00"
START_UTC = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SLACK_LIMIT_MS = 3000.0


def requesters() -> list[tuple[str, str]]:
    """(Slack id, area) of every caseworker of the demo directory who is no coordinator."""
    data = load_directory_file(ORG_FILE)
    out = []
    for person in data.people:
        roles = {r.role.value for r in person.roles}
        if person.slack_id and roles == {"caseworker"} and person.area:
            out.append((person.slack_id, person.area))
    return out


def live_values(area: str, i: int) -> dict:
    return state_values({"area": state_static_select(area), "child": state_checkboxes([]),
                         "description": state_plain_text(f"Søkeren svarer unnvikende (nr. {i})."),
                         "room": state_plain_text("Rom 3"), "start_time": state_timepicker("10:15")})


def fresh_database(url: str) -> None:
    if url.startswith("postgresql"):
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


# --------------------------------------------------------------------- cost


def measure_cost(url: str, n: int) -> dict:
    fresh_database(url)
    upgrade(url)
    engine = make_engine(url)
    fake = FakeSlack().start()
    # The directory cache as in production (the tests check it on every read).
    cache = Settings.model_fields["ifn_directory_cache_seconds"].default
    settings = make_settings(fake, url, ifn_directory_cache_seconds=cache)
    server = BotServer(settings, engine, ManualClock(START_UTC)).start()
    try:
        data = load_directory_file(ORG_FILE)
        server.services.directory.import_directory(data)
        for person in data.people:
            if person.slack_id:
                fake.add_user(person.slack_id, name=person.name, email=person.email)
        slack = SignedRequests(server.url, "test-signing-secret", response_url_base=fake.hooks_url)
        people = requesters()
        statements: Counter = Counter()
        transactions: Counter = Counter()

        def _count(conn, cursor, statement, params, context, executemany):  # noqa: ANN001
            statements[statement.split()[0].upper()] += 1

        def _begin(conn):  # noqa: ANN001
            transactions["write" if conn.get_execution_options().get(WRITE_OPTION) else "read"] += 1

        def one(i: int) -> None:
            user, area = people[i % len(people)]
            resp = slack.view_submission(user, "live_request", live_values(area, i), None, f"VCOST{i:07d}")
            if resp.status != 200 or resp.body.strip():
                raise RuntimeError(f"submission {i} refused: {resp.status} {resp.body[:200]}")

        one(0)  # warm: caches, prepared statements, the pool for the person's writes
        # Both pools: SQLite's writes a person waits for have their own (storage.db.person_engine).
        for counted in {engine, person_engine(engine)}:
            event.listen(counted, "before_cursor_execute", _count)
            event.listen(counted, "begin", _begin)
        statements.clear()
        transactions.clear()
        posts_before = len(fake.calls("chat.postMessage"))
        t0 = time.perf_counter()
        for i in range(1, n + 1):
            one(i)
        elapsed = time.perf_counter() - t0
        posts = len(fake.calls("chat.postMessage")) - posts_before
        return {"statements": {k: v / n for k, v in sorted(statements.items())},
                "statements_total": sum(statements.values()) / n,
                "transactions": {k: v / n for k, v in sorted(transactions.items())},
                "posts_per_submission": posts / n, "ms_each_in_process": elapsed / n * 1000}
    finally:
        server.stop()
        fake.stop()
        engine.dispose()


# --------------------------------------------------------------- throughput


def posted(fake: FakeSlackProcess) -> int:
    return int(fake.stats()["calls"].get("chat.postMessage", [0, 0])[1])


def run_round(fake: FakeSlackProcess, server: Server | None, port: int, concurrency: int, total: int,
              first: int, people: list[tuple[str, str]]) -> dict:
    slack = SignedRequests(f"http://{HOST}:{port}", SIGNING_SECRET)
    bodies = []
    for k in range(total):
        i = first + k
        user, area = people[i % len(people)]
        payload = slack.view_submission_payload(user, "live_request", live_values(area, i), None,
                                                f"VLOAD{i:07d}")
        body = urlencode({"payload": json.dumps(payload)})
        bodies.append((body.encode(), slack.signed_headers(body, "application/x-www-form-urlencoded")))
    before = posted(fake)
    bot_pids = server.pids() if server else []
    cpu_before = (cpu_seconds(bot_pids), cpu_seconds([fake.proc.pid]), time.process_time())
    start = time.perf_counter()
    result = run_phase("bot", port, concurrency, total, lambda idx: bodies[idx - 1],
                       deadline=time.monotonic() + 120)
    acked = time.perf_counter() - start
    want = before + 2 * result.ok
    while posted(fake) < want and time.perf_counter() - start < 120:
        time.sleep(0.02)
    delivered = time.perf_counter() - start
    cpu_after = (cpu_seconds(bot_pids), cpu_seconds([fake.proc.pid]), time.process_time())
    cpu_ms = [(a - b) * 1000 / max(1, result.ok) for a, b in zip(cpu_after, cpu_before, strict=True)]
    lat = sorted(result.latencies_ns)
    return {"concurrency": concurrency, "ok": result.ok, "errors": dict(result.errors),
            "statuses": dict(result.statuses), "bodies": dict(result.unexpected_bodies),
            "posts": posted(fake) - before, "acked_s": acked, "delivered_s": delivered,
            "per_s": result.ok / delivered if delivered else float("nan"),
            "p50": pct(lat, 50), "p99": pct(lat, 99), "cpu_ms": cpu_ms,
            "over_3s": sum(1 for x in lat if x / 1e6 > SLACK_LIMIT_MS) + sum(result.errors.values())}


def measure_throughput(url: str, levels: list[int], rounds: int, total: int, workdir: Path) -> list[dict]:
    fresh_database(url)
    prepare_database(url)
    fake = FakeSlackProcess(workdir / "fakeslack.log")
    fake.load_org(ORG_FILE)
    port = free_port()
    argv = bot_argv(port, 2) + ["--start", START]
    server = Server("bot", argv, bot_env(fake.base_url, url), port, workdir, REPO_ROOT)
    results = []
    try:
        server.wait_healthy(time.monotonic() + 60)
        people = requesters()
        run_round(fake, server, port, levels[0], 40, 0, people)  # warm-up
        pattern = [levels[i % len(levels)] for i in range(len(levels))]
        order = [(pattern + pattern[::-1])[i % (2 * len(levels))] for i in range(rounds * len(levels))]
        first = 1000
        for concurrency in order:
            results.append(run_round(fake, server, port, concurrency, total, first, people))
            first += total
            r = results[-1]
            print(f"  round c={concurrency}: {r['per_s']:.0f}/s to the last DM, ack p99 {r['p99']:.0f} ms, "
                  f"over 3 s: {r['over_3s']}, posts {r['posts']}/{2 * r['ok']}; CPU ms per submission: "
                  "bot {:.1f}, fake Slack {:.1f}, load client {:.1f}; ".format(*r["cpu_ms"]) +
                  f"load {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        server.stop()
        fake.stop()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None,
                        help="a throw-away database (default: a SQLite file in a temp dir)")
    parser.add_argument("--concurrency", default="8,32")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per concurrency")
    parser.add_argument("--total", type=int, default=300, help="submissions per round")
    parser.add_argument("--cost-n", type=int, default=50)
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="submission-bench-"))
    try:
        url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
        backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        print(f"{backend}; {platform.python_implementation()} {platform.python_version()}; "
              f"gunicorn 2 workers x {GUNICORN_THREADS} threads", flush=True)
        cost = measure_cost(url, args.cost_n)
        levels = [int(x) for x in args.concurrency.split(",")]
        rounds = measure_throughput(url, levels, args.rounds, args.total, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    print(f"per submission ({args.cost_n} submissions, both DMs delivered, in-process):")
    print(f"  SQL statements {cost['statements_total']:.2f}  "
          + "  ".join(f"{k} {v:.2f}" for k, v in cost["statements"].items()))
    print("  transactions   " + "  ".join(f"{k} {v:.2f}" for k, v in cost["transactions"].items())
          + f"   posts {cost['posts_per_submission']:.2f}")
    print()
    print("| concurrency | rounds | submissions/s to the last DM (median, min–max) | ack p50 ms | ack p99 ms "
          "| acks over 3 s or failed |")
    print("|---|---|---|---|---|---|")
    for level in sorted({r["concurrency"] for r in rounds}):
        mine = [r for r in rounds if r["concurrency"] == level]
        rates = [r["per_s"] for r in mine]
        print(f"| {level} | {len(mine)} | {statistics.median(rates):.0f} ({min(rates):.0f}–{max(rates):.0f}) "
              f"| {statistics.median(r['p50'] for r in mine):.1f} | {max(r['p99'] for r in mine):.1f} "
              f"| {sum(r['over_3s'] for r in mine)} of {sum(r['ok'] for r in mine)} |")
    odd = Counter()
    for r in rounds:
        odd.update({f"HTTP {k}": v for k, v in r["statuses"].items() if k != 200})
        odd.update(r["errors"])
        odd.update({f"body {k!r}": v for k, v in r["bodies"].items()})
    if odd:
        print(f"\nnot plain acks: {dict(odd)}")
    print(f"\n$ {shlex.join([sys.executable, *sys.argv])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
