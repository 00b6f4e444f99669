"""The network's day: what the morning duty post, a leader's Home tab and the
monthly quality report cost on a department with a year of history.

Seeds the same department as ``router_bench.py`` (1,000 people, 100,000
requests; a throw-away SQLite file, or the EMPTY database given with
``--database-url``), then times with ``time.perf_counter_ns``:

(a) the duty post as the outbox renders it: one read transaction,
    ``load_roster`` (statuses, absences, substitutes) and the message;
(b) an area leader's Home data (``LeaderHomeService.load``): the roster, this
    week's production per coordinator, pending exemptions, open requests and
    line issues of the area;
(c) the quality report for one month (``load_report``), which now also sums
    the answers to "Fikk du hjelpen?" and the feedback ratings.

The directory comes from a ``DirectoryCache`` loaded once, as in a process.
This is a benchmark, not a test: it reports numbers and asserts nothing.

    .venv/bin/python benchmarks/network_day_bench.py
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shlex
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from router_bench import HOURS, NOW, TZ, fmt_ms, seed, summary  # noqa: E402

from bot.calendar import WorkingCalendar  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.domain.language import Lang  # noqa: E402
from bot.messages.duty_post import duty_post  # noqa: E402
from bot.services.directory_cache import DirectoryCache  # noqa: E402
from bot.services.home_leader import LeaderHomeService  # noqa: E402
from bot.services.on_duty import load_roster  # noqa: E402
from bot.services.reports import load_report  # noqa: E402
from bot.settings import CoreSettings  # noqa: E402
from storage.db import make_engine, make_session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url",
                        help="an EMPTY database to migrate and fill (default: a temp SQLite file)")
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20251118)
    parser.add_argument("--time-limit", type=float, default=150.0)
    args = parser.parse_args(argv)
    command = shlex.join([sys.executable, *sys.argv])
    started = time.perf_counter()
    deadline = started + args.time_limit
    tmp = None
    url = args.database_url
    if url is None:
        tmp = tempfile.TemporaryDirectory(prefix="ifn-network-day-bench-")
        url = f"sqlite:///{tmp.name}/bench.db"
    try:
        upgrade(url)
        engine = make_engine(url)
        seeded = seed(engine, people=1000, requests=args.requests, batch=5000, rng=random.Random(args.seed))
        sessions = make_session_factory(engine)
        clock = ManualClock(NOW)
        calendar = WorkingCalendar(HOURS)
        cache = DirectoryCache(sessions, ttl=3600)
        view = cache.view()
        today = calendar.local_date(NOW)
        leader = next(p.id for p in view.people.values()
                      if any(h.role.value == "area_leader" for h in p.roles))
        leaders = LeaderHomeService(sessions, clock, calendar, CoreSettings(database_url=url), cache)
        month = (date(today.year, today.month, 1) if today.month > 1 else date(today.year - 1, 12, 1))

        def post() -> None:
            with sessions() as s:
                duty_post(Lang.NB, load_roster(s, view, today, NOW), TZ, NOW)

        def home() -> None:
            leaders.load(leader)

        def report() -> None:
            with sessions() as s:
                load_report(s, calendar, month, today)

        results: dict[str, list[int]] = {}
        for name, fn, n in (("(a) duty post: roster + message", post, args.iterations),
                            ("(b) an area leader's Home data", home, args.iterations),
                            ("(c) quality report, this month so far", report, max(5, args.iterations // 20))):
            fn()  # warm-up
            times: list[int] = []
            for _ in range(n):
                if time.perf_counter() > deadline:
                    break
                t0 = time.perf_counter_ns()
                fn()
                times.append(time.perf_counter_ns() - t0)
            results[name] = times
        engine.dispose()
    finally:
        if tmp is not None:
            tmp.cleanup()

    print()
    print("network_day_bench — the duty post, a leader's Home tab, the quality report")
    print(f"  command : {command}")
    print(f"  backend : {url.split(':', 1)[0]};  python {platform.python_version()};  "
          f"{os.cpu_count()} CPUs;  now = {NOW.astimezone(TZ):%a %Y-%m-%d %H:%M %Z}")
    print(f"  seeded  : {seeded.people} people, {seeded.requests:,} requests, {seeded.absences} absences")
    print()
    print(f"  {'what':<42} {'n':>5} {'p50':>11} {'p99':>11} {'max':>11} {'mean':>11}")
    print(f"  {'-' * 42} {'-' * 5} {'-' * 11} {'-' * 11} {'-' * 11} {'-' * 11}")
    for name, times in results.items():
        s = summary(times)
        print(f"  {name:<42} {s['n']:>5} {fmt_ms(s['p50']):>11} {fmt_ms(s['p99']):>11} "
              f"{fmt_ms(s['max']):>11} {fmt_ms(s['mean']):>11}")
    print(f"\n  total run {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
