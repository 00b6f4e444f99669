"""Routing benchmark: the pure policy and the full decision the service makes.

Builds a throw-away database (a fresh SQLite file in a temp dir, or the empty
PostgreSQL database given with ``--database-url``), migrates it with
``storage.migrate.upgrade``, seeds a department of 1,000 people and a year of
100,000 past requests (no ``ANALYZE``, as the target says, unless
``--analyze``), then times, with ``time.perf_counter_ns``:

(a) ``route(facts, world, now)`` on a World loaded once (the pure policy);
(b) what ``RequestService`` does before it writes: a read session (outside the
    write lock, as the service reads its world), the directory cache's version
    check, ``load_routing_world`` from the cached directory (statuses, loads,
    absences, substitutes from the database), ``route(...)``, close;
(c) filling the directory cache (at start, and once after a directory change).

Each iteration draws random request facts (live/feedback/hour, random area,
child flag, random caseworker as requester) at one fixed working-hours ``now``.
This is a benchmark, not a test: it reports numbers and asserts nothing.

Run from the repository root:

    .venv/bin/python benchmarks/router_bench.py
    .venv/bin/python benchmarks/router_bench.py --database-url postgresql+psycopg://u@127.0.0.1:5432/empty_db
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import shlex
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from bot.calendar import WorkingCalendar  # noqa: E402
from bot.domain.requests import RequestType  # noqa: E402
from bot.routing import route  # noqa: E402
from bot.routing_types import RequestFacts, WorkingHours  # noqa: E402
from bot.services.directory_cache import DIRECTORY_VERSION, load_view  # noqa: E402
from bot.services.world import load_routing_world  # noqa: E402
from storage.db import make_engine, make_session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import (  # noqa: E402
    Absence,
    Area,
    AvailabilityStatus,
    Person,
    Request,
    RoleAssignment,
    Substitute,
    Unit,
)
from storage.repositories import app_state  # noqa: E402

TZ = ZoneInfo("Europe/Oslo")
#: A Tuesday, 10:00 in Oslo: a working day, inside the default 08:00-15:45 hours.
NOW = datetime(2025, 11, 18, 10, 0, tzinfo=TZ).astimezone(UTC)
HOURS = WorkingHours(datetime.strptime("08:00", "%H:%M").time(), datetime.strptime("15:45", "%H:%M").time())
AREAS = ("A", "B", "C")
UNITS_PER_AREA = 5
ROUTED = (RequestType.LIVE, RequestType.FEEDBACK, RequestType.HOUR)


def load_world(session, now: datetime, hours: WorkingHours, view=None):
    """The router's world as ``bot.services.world`` loads it for a step: the
    directory from the process's cache (``view``; the cache compares its
    version with ``app_state`` at most every 2 s — here on every decision, the
    worst case — and reloads only after a directory change) and, from the
    database, statuses, loads, absences and substitutes."""
    app_state.get(session, DIRECTORY_VERSION)
    return load_routing_world(session, view if view is not None else load_view(session, 0), now,
                              WorkingCalendar(hours))


# ----------------------------------------------------------------- seeding


@dataclass
class Seeded:
    people: int
    role_rows: int
    requests: int
    statuses: int
    absences: int
    substitutes: int
    coordinators: list[int]
    caseworkers: list[int]
    seconds: float
    requests_seconds: float


def _batched(rows: list[dict], size: int):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def seed(engine: Engine, *, people: int, requests: int, absences: int, batch: int,
         rng: random.Random, analyze: bool = False) -> Seeded:
    """Insert the department and its history with Core ``insert()`` in batches.

    Interpretation of the brief: per area one IFK and one area leader; one BFK
    (area A, serving all areas, as the directory file models it) and two IFRs
    for the department; five units per area, each with a unit leader; the rest
    caseworkers. One former IFK per area keeps an expired IFK holding, and a
    few caseworkers are inactive, so role validity and ``active`` are exercised.
    """
    t0 = time.perf_counter()
    today = NOW.astimezone(TZ).date()
    stamp = NOW - timedelta(days=400)
    area_rows = [{"code": a, "name": f"Område {a}"} for a in AREAS]
    unit_rows, units_by_area = [], {a: [] for a in AREAS}
    uid = 0
    for a in AREAS:
        for n in range(1, UNITS_PER_AREA + 1):
            uid += 1
            unit_rows.append({"id": uid, "code": f"{a}{n}", "name": f"Enhet {a}{n}", "area_code": a})
            units_by_area[a].append(uid)
    unit_area = {u["id"]: u["area_code"] for u in unit_rows}

    person_rows: list[dict] = []
    role_rows: list[dict] = []
    coordinators: list[int] = []
    caseworkers: list[int] = []

    Holding = tuple[str, str | None, date | None, date | None]

    def add_person(area: str | None, unit: int | None, roles: list[Holding], active: bool = True) -> int:
        pid = len(person_rows) + 1
        person_rows.append({
            "id": pid, "slack_user_id": f"UB{pid:08d}", "email": f"person{pid}@ifn.example",
            "name": f"Person {pid}", "language": "en" if pid % 10 == 0 else "nb",
            "area_code": area, "unit_id": unit, "active": active,
            "created_at": stamp, "updated_at": stamp,
        })
        for role, role_area, valid_from, valid_to in roles:
            role_rows.append({"person_id": pid, "role": role, "area_code": role_area,
                              "valid_from": valid_from, "valid_to": valid_to})
        return pid

    for a in AREAS:
        unit = units_by_area[a][0]
        coordinators.append(add_person(a, unit, [("ifk", a, None, None), ("caseworker", a, None, None)]))
        add_person(a, None, [("area_leader", a, None, None)])
    coordinators.append(add_person("A", units_by_area["A"][1], [("bfk", "A", None, None),
                                                                ("caseworker", "A", None, None)]))
    coordinators.append(add_person(None, None, [("ifr", None, None, None)]))
    coordinators.append(add_person(None, None, [("ifr", None, None, None)]))
    for a in AREAS:
        for unit in units_by_area[a]:
            add_person(a, unit, [("unit_leader", a, None, None)])
    n_leaders = len(person_rows)  # coordinators, advisers and leaders: they have statuses
    for a in AREAS:  # former IFKs: an expired holding the router must ignore
        unit = units_by_area[a][2]
        caseworkers.append(add_person(a, unit, [("ifk", a, date(2024, 1, 1), date(2025, 6, 30)),
                                                ("caseworker", a, None, None)]))
    all_units = [u["id"] for u in unit_rows]
    while len(person_rows) < people:
        unit = all_units[len(person_rows) % len(all_units)]
        area = unit_area[unit]
        active = len(person_rows) % 97 != 0
        pid = add_person(area, unit, [("caseworker", area, None, None)], active=active)
        if active:
            caseworkers.append(pid)

    # Availability: every coordinator and leader has a status row; some expired.
    status_rows = []
    for pid in range(1, n_leaders + 1):
        kind = rng.choice(["available", "available", "busy", "away"])
        until = NOW + timedelta(minutes=rng.choice([-90, -30, 20, 45, 120])) if kind != "available" else None
        status_rows.append({"person_id": pid, "status": kind, "until": until, "updated_at": NOW})
    # Absences: ``absences`` periods spread over the year, some covering today; the
    # area C IFK is absent today and a caseworker stands in for them.
    absence_rows = []
    for _ in range(absences - 1):
        pid = rng.randint(1, len(person_rows))
        start = today - timedelta(days=rng.randint(-30, 365))
        absence_rows.append({"person_id": pid, "starts_on": start,
                             "ends_on": start + timedelta(days=rng.randint(0, 14)), "created_at": NOW})
    ifk_c = coordinators[2]
    absence_rows.append({"person_id": ifk_c, "starts_on": today - timedelta(days=2),
                         "ends_on": today + timedelta(days=3), "created_at": NOW})
    substitute_rows = [{"absent_person_id": ifk_c, "substitute_person_id": caseworkers[-1], "role": "ifk",
                        "area_code": "C", "starts_on": today - timedelta(days=2),
                        "ends_on": today + timedelta(days=3), "designated_by_id": coordinators[-1],
                        "created_at": NOW}]

    with engine.begin() as conn:
        conn.execute(insert(Area), area_rows)
        conn.execute(insert(Unit), unit_rows)
        for chunk in _batched(person_rows, batch):
            conn.execute(insert(Person), chunk)
        for chunk in _batched(role_rows, batch):
            conn.execute(insert(RoleAssignment), chunk)
        conn.execute(insert(AvailabilityStatus), status_rows)
        for chunk in _batched(absence_rows, batch):
            conn.execute(insert(Absence), chunk)
        conn.execute(insert(Substitute), substitute_rows)

    # A year of requests. States by age: old ones are final; the last weeks hold
    # the open ones (accepted = an open assignment for the router's load key).
    t_req = time.perf_counter()
    types = (["live"] * 35 + ["feedback"] * 30 + ["hour"] * 20 + ["support"] * 10
             + ["group"] * 3 + ["issue"] * 2)
    year_s = 365 * 24 * 3600
    inserted = 0
    with engine.begin() as conn:
        rows: list[dict] = []
        for _ in range(requests):
            created = NOW - timedelta(seconds=rng.randint(60, year_s))
            age_days = (NOW - created).days
            r = rng.random()
            if age_days < 14:
                state = ("new" if r < 0.05 else "offered" if r < 0.15 else "accepted" if r < 0.45
                         else "completed" if r < 0.9 else "cancelled")
            else:
                state = "completed" if r < 0.86 else "cancelled" if r < 0.95 else "unassigned"
            rtype = rng.choice(types)
            assignee = accepted = completed = None
            if state in ("accepted", "completed"):
                assignee = rng.choice(coordinators)
                accepted = created + timedelta(seconds=rng.randint(30, 3 * 3600))
                if state == "completed":
                    completed = accepted + timedelta(minutes=rng.randint(15, 240))
            chain = [{"person_id": p, "tier": "area_ifk", "reason": "area_ifk", "params": {}}
                     for p in rng.sample(coordinators, 3)]
            rows.append({
                "type": rtype, "state": state, "requester_id": rng.choice(caseworkers),
                "area_code": rng.choice(AREAS), "child_involved": rng.random() < 0.2,
                "description": "", "details": {}, "chain": chain, "cursor": 1, "widened": False,
                "assignee_id": assignee, "created_at": created, "accepted_at": accepted,
                "completed_at": completed, "updated_at": completed or accepted or created,
            })
            if len(rows) == batch:
                conn.execute(insert(Request), rows)
                inserted += len(rows)
                rows = []
        if rows:
            conn.execute(insert(Request), rows)
            inserted += len(rows)
        if conn.dialect.name == "postgresql":
            for table in ("people", "units"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
    if analyze:  # the target is "without ANALYZE": the indexes must do without statistics
        if engine.dialect.name == "sqlite":
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        elif engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
    end = time.perf_counter()
    return Seeded(len(person_rows), len(role_rows), inserted, len(status_rows), len(absence_rows),
                  len(substitute_rows), coordinators, caseworkers, end - t0, end - t_req)


# ---------------------------------------------------------------- measuring


def pct(sorted_ns: list[int], p: float) -> int:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_ns:
        return 0
    k = max(0, min(len(sorted_ns) - 1, int(round(p / 100.0 * len(sorted_ns) + 0.5)) - 1))
    return sorted_ns[k]


def summary(ns: list[int]) -> dict[str, float]:
    s = sorted(ns)
    return {"n": len(s), "p50": pct(s, 50), "p99": pct(s, 99), "max": s[-1] if s else 0,
            "mean": statistics.fmean(s) if s else 0.0}


def random_facts(rng: random.Random, caseworkers: list[int]) -> RequestFacts:
    return RequestFacts(type=rng.choice(ROUTED), area=rng.choice(AREAS),
                        child_involved=rng.random() < 0.3, requester_id=rng.choice(caseworkers))


def fmt_us(ns: float) -> str:
    return f"{ns / 1e3:,.1f} µs"


def fmt_ms(ns: float) -> str:
    return f"{ns / 1e6:,.2f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an EMPTY PostgreSQL (or SQLite) database to migrate and "
                        "seed; default: a fresh SQLite file in a temp dir")
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--absences", type=int, default=10_000, help="absence periods over the year")
    parser.add_argument("--batch", type=int, default=5000, help="rows per insert() batch")
    parser.add_argument("--seed", type=int, default=20251118)
    parser.add_argument("--analyze", action="store_true",
                        help="run ANALYZE after seeding (default: no statistics, as the target says)")
    parser.add_argument("--time-limit", type=float, default=150.0,
                        help="seconds; measuring stops early (and says so) when the run gets this old")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    deadline = started + args.time_limit
    rng = random.Random(args.seed)
    command = " ".join(shlex.quote(a) for a in [Path(sys.executable).as_posix(), *sys.argv])
    tmp = None
    url = args.database_url
    if url is None:
        tmp = tempfile.TemporaryDirectory(prefix="ifn-router-bench-")
        url = f"sqlite:///{tmp.name}/bench.db"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]

    try:
        t_mig = time.perf_counter()
        upgrade(url)
        migrate_s = time.perf_counter() - t_mig
        engine = make_engine(url)
        with engine.connect() as conn:
            existing = conn.execute(select(func.count()).select_from(Person)).scalar_one()
        if existing:
            print(f"router_bench: the database already has {existing} people; give an empty database",
                  file=sys.stderr)
            return 2
        seeded = seed(engine, people=args.people, requests=args.requests, absences=args.absences,
                      batch=args.batch, rng=rng, analyze=args.analyze)
        sessions = make_session_factory(engine)

        # (c) the directory cache filled (a process does it at start and after a directory change).
        view_load: list[int] = []
        for _ in range(20):
            t0 = time.perf_counter_ns()
            with sessions() as s:
                view = load_view(s, 0)
            view_load.append(time.perf_counter_ns() - t0)

        # (a) the pure policy on a World loaded once.
        with sessions.begin() as s:
            world = load_world(s, NOW, HOURS, view)
        facts = [random_facts(rng, seeded.caseworkers) for _ in range(args.iterations + args.warmup)]
        for f in facts[:args.warmup]:
            route(f, world, NOW)
        pure: list[int] = []
        chain_lens: list[int] = []
        skipped_lens: list[int] = []
        for f in facts[args.warmup:]:
            t0 = time.perf_counter_ns()
            chain = route(f, world, NOW)
            pure.append(time.perf_counter_ns() - t0)
            chain_lens.append(len(chain.entries))
            skipped_lens.append(len(chain.skipped))

        # (b) the full decision, as the service makes it, in its own transaction.
        full: list[int] = []
        full_cpu: list[int] = []  # this thread's CPU time: what a quiet machine would show as wall time
        load_part: list[int] = []
        route_part: list[int] = []
        for f in facts[:args.warmup]:
            with sessions() as s:
                route(f, load_world(s, NOW, HOURS, view), NOW)
        stopped_early = False
        load_before = os.getloadavg()
        gc_before = [g["collections"] for g in gc.get_stats()]
        gc_pauses: list[int] = []
        gc_started: list[int] = []

        def on_gc(phase: str, _info: dict) -> None:
            if phase == "start":
                gc_started.append(time.perf_counter_ns())
            elif gc_started:
                gc_pauses.append(time.perf_counter_ns() - gc_started.pop())

        gc.callbacks.append(on_gc)
        for f in facts[args.warmup:]:
            if time.perf_counter() > deadline:
                stopped_early = True
                break
            c0 = time.thread_time_ns()
            t0 = time.perf_counter_ns()
            with sessions() as s:
                w = load_world(s, NOW, HOURS, view)
                t1 = time.perf_counter_ns()
                route(f, w, NOW)
                t2 = time.perf_counter_ns()
            t3 = time.perf_counter_ns()
            full_cpu.append(time.thread_time_ns() - c0)
            full.append(t3 - t0)
            load_part.append(t1 - t0)
            route_part.append(t2 - t1)
        gc.callbacks.remove(on_gc)
        gc_runs = [g["collections"] - n for g, n in zip(gc.get_stats(), gc_before, strict=True)]
        engine.dispose()
    finally:
        if tmp is not None:
            tmp.cleanup()

    a, b, bl, br, c = (summary(pure), summary(full), summary(load_part), summary(route_part),
                       summary(view_load))
    bc = summary(full_cpu)
    backend = url.split(":", 1)[0] + ("" if args.database_url else " (temp file)")
    print()
    print("router_bench — ifn-bot routing decision")
    print(f"  command : {command}")
    stats = "ANALYZE after seeding" if args.analyze else "no ANALYZE"
    print(f"  backend : {backend}, {stats};  python {platform.python_version()};  {os.cpu_count()} CPUs;  "
          f"now = {NOW.astimezone(TZ):%a %Y-%m-%d %H:%M %Z}")
    print(f"  seeded  : {seeded.people} people ({len(seeded.coordinators)} coordinators/advisers, "
          f"{seeded.role_rows} role rows), {seeded.requests:,} requests, {seeded.statuses} statuses, "
          f"{seeded.absences} absences, {seeded.substitutes} substitute")
    print(f"  world   : {len(world.people)} people loaded, {len(world.statuses)} statuses, "
          f"{len(world.absences)} absent today, {sum(world.open_assignments.values())} open assignments; "
          f"chain length mean {statistics.fmean(chain_lens):.2f}, "
          f"skipped mean {statistics.fmean(skipped_lens):.2f}")
    print()
    print(f"  {'what':<44} {'n':>6} {'p50':>12} {'p99':>12} {'max':>12} {'mean':>12}")
    print(f"  {'-' * 44} {'-' * 6} {'-' * 12} {'-' * 12} {'-' * 12} {'-' * 12}")
    print(f"  {'(a) route() on a loaded World':<44} {a['n']:>6} {fmt_us(a['p50']):>12} "
          f"{fmt_us(a['p99']):>12} {fmt_us(a['max']):>12} {fmt_us(a['mean']):>12}")
    print(f"  {'(b) read: version + load_world + route':<44} {b['n']:>6} {fmt_ms(b['p50']):>12} "
          f"{fmt_ms(b['p99']):>12} {fmt_ms(b['max']):>12} {fmt_ms(b['mean']):>12}")
    print(f"  {'    the same, CPU time of the thread':<44} {bc['n']:>6} {fmt_ms(bc['p50']):>12} "
          f"{fmt_ms(bc['p99']):>12} {fmt_ms(bc['max']):>12} {fmt_ms(bc['mean']):>12}")
    print(f"  {'    of which version + load_world':<44} {bl['n']:>6} {fmt_ms(bl['p50']):>12} "
          f"{fmt_ms(bl['p99']):>12} {fmt_ms(bl['max']):>12} {fmt_ms(bl['mean']):>12}")
    print(f"  {'    of which route':<44} {br['n']:>6} {fmt_us(br['p50']):>12} "
          f"{fmt_us(br['p99']):>12} {fmt_us(br['max']):>12} {fmt_us(br['mean']):>12}")
    print(f"  {'(c) directory cache fill (start, after import)':<44} {c['n']:>6} {fmt_ms(c['p50']):>12} "
          f"{fmt_ms(c['p99']):>12} {fmt_ms(c['max']):>12} {fmt_ms(c['mean']):>12}")
    print()
    print(f"  during (b): garbage collections by generation {gc_runs}, "
          f"pauses total {fmt_ms(sum(gc_pauses))}, longest {fmt_ms(max(gc_pauses, default=0))}")
    print(f"  load average before (b): {' '.join(f'{x:.2f}' for x in load_before)}")
    print(f"  load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"(wall-time percentiles include waiting for the CPU on a shared machine; CPU time does not)")
    print(f"  migrate {migrate_s:.2f} s;  seeding {seeded.seconds:.2f} s "
          f"(of which {seeded.requests:,} requests {seeded.requests_seconds:.2f} s, "
          f"batches of {args.batch});  "
          f"total run {time.perf_counter() - started:.1f} s")
    if stopped_early:
        print(f"  NOTE: (b) stopped early at the {args.time_limit:.0f} s time limit "
              f"after {b['n']} of {args.iterations} iterations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
