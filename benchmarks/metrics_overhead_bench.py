"""What the metrics cost: a Slack call through the plain ``WebClient`` against the
same call through ``app.slack_client.InstrumentedWebClient`` (A/B rounds, alternated
in one run, against the loopback fake Slack), the recording functions alone, and one
``/metrics`` render with the database collector over an outbox of N rows.

    .venv/bin/python benchmarks/metrics_overhead_bench.py [--rounds 10] [--calls 300] [--outbox 10000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import timeit
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from slack_sdk import WebClient  # noqa: E402

from app.metrics_http import metrics_registry, render  # noqa: E402
from app.slack_client import InstrumentedWebClient  # noqa: E402
from bot import metrics  # noqa: E402
from sandbox.fakeslack import FakeSlack  # noqa: E402
from storage.db import make_engine, make_session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import OutboxMessage  # noqa: E402


def per_call(client: WebClient, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        client.auth_test()
    return (time.perf_counter() - started) / calls


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--outbox", type=int, default=10000)
    args = parser.parse_args()

    fake = FakeSlack().start()
    try:
        plain = WebClient(token=fake.token, base_url=fake.base_url)
        counted = InstrumentedWebClient(token=fake.token, base_url=fake.base_url)
        per_call(plain, 50), per_call(counted, 50)  # warm up both
        a_times, b_times = [], []
        for i in range(args.rounds):  # A B, then B A: neither always runs second
            fake.clear()  # the fake records every call; keep its lists short
            if i % 2 == 0:
                a_times.append(per_call(plain, args.calls))
                b_times.append(per_call(counted, args.calls))
            else:
                b_times.append(per_call(counted, args.calls))
                a_times.append(per_call(plain, args.calls))
    finally:
        fake.stop()
    a, b = statistics.median(a_times), statistics.median(b_times)

    n = 100_000
    record = timeit.timeit(lambda: metrics.slack_call("chat.postMessage", 0.01), number=n) / n
    offer = timeit.timeit(lambda: metrics.offer_outcome("live", "made"), number=n) / n

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        engine = make_engine(url)
        now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
        with engine.begin() as conn:
            conn.execute(OutboxMessage.__table__.insert(), [
                {"key": f"notice:bench-{i}", "kind": "notice", "payload": {},
                 "state": "pending" if i % 10 else "done", "attempts": 0,
                 "next_attempt_at": now, "created_at": now} for i in range(args.outbox)])
        registry = metrics_registry(metrics.DatabaseCollector(make_session_factory(engine), lambda: now))
        render(registry)
        scrape = statistics.median(timeit.repeat(lambda: render(registry), number=1, repeat=20))
        engine.dispose()

    print(f"{'what':<52} {'value':>12}")
    print(f"{'Slack call, plain WebClient (median of rounds)':<52} {a * 1e6:>9.0f} µs")
    print(f"{'Slack call, InstrumentedWebClient (median of rounds)':<52} {b * 1e6:>9.0f} µs")
    print(f"{'ratio instrumented / plain':<52} {b / a:>12.3f}")
    print(f"{'metrics.slack_call() alone':<52} {record * 1e6:>9.2f} µs")
    print(f"{'metrics.offer_outcome() alone':<52} {offer * 1e6:>9.2f} µs")
    print(f"{f'/metrics render, {args.outbox} outbox rows (SQLite)':<52} {scrape * 1e3:>9.2f} ms")
    print(f"\ncommand: .venv/bin/python benchmarks/metrics_overhead_bench.py --rounds {args.rounds} "
          f"--calls {args.calls} --outbox {args.outbox}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
