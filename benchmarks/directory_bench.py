"""Directory benchmark: what an admin waits for in a department of N people.

Builds a throw-away SQLite file (or uses the empty database given with
``--database-url``), generates a directory of N people (3 areas of 5 units;
per area an IFK and an area leader; a BFK; two IFRs; a unit leader per unit;
the rest caseworkers, each with a training record), and times with
``time.perf_counter_ns``:

(a) the first import of the file;
(b) ``--dry-run`` of the same file again (the import, rolled back);
(c) ``directory export``;
(d) one edit in Slack (``DirectoryAdminService.save``: a caseworker's roles
    changed and changed back, alternately), which validates the whole
    directory as a file would be before writing one person.

A benchmark, not a test: it reports numbers and asserts nothing.

    .venv/bin/python benchmarks/directory_bench.py
    .venv/bin/python benchmarks/directory_bench.py --people 3000 --edits 40
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bot.calendar import WorkingCalendar  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.directory_file import parse_directory  # noqa: E402
from bot.domain.language import Lang  # noqa: E402
from bot.routing_types import WorkingHours  # noqa: E402
from bot.services.directory import DirectoryService  # noqa: E402
from bot.services.directory_admin import DirectoryAdminService, PersonEdit  # noqa: E402
from bot.services.directory_cache import DirectoryCache  # noqa: E402
from bot.services.handover import HandoverService  # noqa: E402
from bot.services.outbox import OutboxService  # noqa: E402
from bot.settings import CoreSettings  # noqa: E402
from storage.db import make_engine, make_session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.repositories import directory as repo  # noqa: E402

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def directory_text(people: int) -> str:
    lines = ["areas:"] + [f"  - {{code: {a}, name: Område {a}}}" for a in "ABC"] + ["units:"]
    units = [f"{a}{i}" for a in "ABC" for i in range(1, 6)]
    lines += [f"  - {{code: {u}, name: Enhet {u}, area: {u[0]}}}" for u in units]
    lines.append("people:")

    def person(n: int, roles: str, where: str) -> str:
        return (f"  - {{name: Person {n:05d}, slack_id: U0P{n:06d}, email: p{n}@ifn.example, {where}, "
                f"roles: [{roles}], training: [{{level: 1, completed: 2025-03-01}}]}}")

    n = 0
    lines.append(person(n, "admin", "area: A"))
    for a in "ABC":
        n += 1
        lines.append(person(n, "ifk, caseworker", f"unit: {a}1"))
        n += 1
        lines.append(person(n, "area_leader", f"area: {a}"))
    n += 1
    lines.append(person(n, "bfk, caseworker", "unit: A2"))
    for _ in range(2):
        n += 1
        lines.append(person(n, "ifr", "area: A"))
    for u in units:
        n += 1
        lines.append(person(n, "unit_leader", f"unit: {u}"))
    while n < people - 1:
        n += 1
        lines.append(person(n, "caseworker", f"unit: {units[n % len(units)]}"))
    return "\n".join(lines) + "\n"


def timed(fn) -> float:
    start = time.perf_counter_ns()
    fn()
    return (time.perf_counter_ns() - start) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--database-url", default=None, help="an EMPTY database (thrown away after)")
    args = parser.parse_args(argv)
    command = "python benchmarks/directory_bench.py " + shlex.join(argv or sys.argv[1:])
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        clock = ManualClock(NOW)
        data = parse_directory(directory_text(args.people))
        service = DirectoryService(sessions, clock)
        first = timed(lambda: service.import_directory(data))
        dry = [timed(lambda: service.import_directory(data, dry_run=True)) for _ in range(3)]
        export = [timed(service.export) for _ in range(3)]

        settings = CoreSettings()
        hours = WorkingHours(settings.ifn_working_hours_start, settings.ifn_working_hours_end)
        calendar = WorkingCalendar(hours)
        outbox = OutboxService(sessions, clock, None, settings.tz)  # type: ignore[arg-type]
        outbox.set_dispatcher(lambda keys: None)
        cache = DirectoryCache(sessions, ttl=0)
        handover = HandoverService(sessions, clock, settings, calendar, outbox, cache)
        admin = DirectoryAdminService(sessions, clock, calendar, cache, handover)
        with sessions() as s:
            admin_id = repo.find_person(s, "U0P000000", None).id
            target = repo.find_person(s, f"U0P{args.people - 1:06d}", None)
            target_id, unit = target.id, next(u.code for u in repo.all_units(s) if u.id == target.unit_id)
        edits = []
        for i in range(args.edits):
            roles = "caseworker" if i % 2 else "caseworker\nunit_leader"
            edit = PersonEdit(target_id, f"Person {args.people - 1:05d}", f"U0P{args.people - 1:06d}",
                              f"p{args.people - 1}@ifn.example", None, unit, None, roles)
            start = time.perf_counter_ns()
            outcome = admin.save(admin_id, edit, Lang.NB)
            edits.append((time.perf_counter_ns() - start) / 1e6)
            assert outcome.ok, outcome
        engine.dispose()

    def row(what: str, values: list[float]) -> str:
        values = sorted(values)
        p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
        return (f"  {what:<40} {len(values):>4} {statistics.median(values):>10.1f} {p90:>10.1f} "
                f"{max(values):>10.1f}")

    print()
    print("directory_bench — ifn-bot directory import, export and edits in Slack")
    print(f"  command : {command}")
    print(f"  backend : {url.split(':', 1)[0]};  python {platform.python_version()};  "
          f"{os.cpu_count()} CPUs;  {args.people} people")
    print()
    print(f"  {'what (ms)':<40} {'n':>4} {'p50':>10} {'p90':>10} {'max':>10}")
    print(row("(a) first import", [first]))
    print(row("(b) import --dry-run, nothing changed", dry))
    print(row("(c) export", export))
    print(row("(d) one edit in Slack (validate all, write one)", edits))
    return 0


if __name__ == "__main__":
    sys.exit(main())
