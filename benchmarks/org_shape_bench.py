"""The routing policy in the two organisation shapes (issue 15): the same
department routed as the 2012 memo has it (coordinators per area, no shares, no
cap: today's behaviour) and as the 2016 mandate has it (an IFK per unit, shares
weighing the load, a weekly cap), on a pure in-memory World of 1,000 people.

A/B rounds alternate in one run (A = area model, B = unit model with capacity),
each round routing the same random requests; it prints the median time per
``route()`` call of each and the ratio B/A. A benchmark, not a test: it asserts
nothing.

Run from the repository root:

    .venv/bin/python benchmarks/org_shape_bench.py [--rounds 10] [--calls 2000]
"""

from __future__ import annotations

import argparse
import platform
import random
import shlex
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bot.domain.organisation import OrgShape, Scope  # noqa: E402
from bot.domain.requests import RequestType  # noqa: E402
from bot.domain.roles import Role  # noqa: E402
from bot.routing import route  # noqa: E402
from bot.routing_types import PersonInfo, RequestFacts, RoleHolding, World  # noqa: E402

TZ = ZoneInfo("Europe/Oslo")
#: A Tuesday, 10:00 in Oslo: a working day, in working hours.
NOW = datetime(2025, 11, 18, 10, 0, tzinfo=TZ).astimezone(UTC)
AREAS = ("A", "B", "C")
UNITS_PER_AREA = 5
ROUTED = (RequestType.LIVE, RequestType.FEEDBACK, RequestType.HOUR)


Department = tuple[dict[int, PersonInfo], dict[int, int], dict[int, str]]


def department(people: int, rng: random.Random) -> Department:
    """An IFK in every unit (15), a BFK, two IFRs, the rest caseworkers spread over the units."""
    unit_areas = {a_i * UNITS_PER_AREA + n + 1: area
                  for a_i, area in enumerate(AREAS) for n in range(UNITS_PER_AREA)}
    out: dict[int, PersonInfo] = {}
    units_of: dict[int, int] = {}

    def add(unit: int | None, roles: tuple[Role, ...], share: int | None) -> None:
        pid = len(out) + 1
        area = unit_areas[unit] if unit is not None else None
        holdings = tuple(RoleHolding(r, area if r is not Role.IFR else None) for r in roles)
        out[pid] = PersonInfo(pid, f"P{pid}", area, unit, holdings, share=share)
        if unit is not None:
            units_of[pid] = unit

    for unit in unit_areas:
        add(unit, (Role.IFK, Role.CASEWORKER), 30)
    add(2, (Role.BFK,), 80)
    add(None, (Role.IFR,), 75)
    add(None, (Role.IFR,), 75)
    while len(out) < people:
        add(rng.choice(list(unit_areas)), (Role.CASEWORKER,), None)
    return out, units_of, unit_areas


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--people", type=int, default=1000)
    args = parser.parse_args()
    rng = random.Random(2016)
    people, units_of, unit_areas = department(args.people, rng)
    coordinators = [p.id for p in people.values()
                    if any(h.role in (Role.IFK, Role.BFK, Role.IFR) for h in p.roles)]
    loads = {pid: rng.randrange(0, 4) for pid in coordinators}
    routing_people = {pid: people[pid] for pid in coordinators}
    area = World(people=routing_people, open_assignments=loads, units_of=units_of)
    unit = World(people=routing_people, open_assignments=loads, units_of=units_of, weekly_max=10,
                 week_counts={pid: rng.randrange(0, 4) for pid in coordinators},
                 org=OrgShape(scope=Scope.UNIT, bfk_home_unit=2, outside_units=frozenset({UNITS_PER_AREA}),
                              unit_codes={u: f"U{u}" for u in unit_areas}, unit_areas=unit_areas))
    caseworkers = [pid for pid, p in people.items() if pid not in routing_people]
    requests = []
    for _ in range(args.calls):
        requester = rng.choice(caseworkers)
        requests.append(RequestFacts(rng.choice(ROUTED), unit_areas[units_of[requester]], rng.random() < 0.2,
                                     requester))
    timings: dict[str, list[float]] = {"A area model": [], "B unit model + capacity": []}
    chains = {name: 0 for name in timings}
    for _ in range(args.rounds):
        for name, world in (("A area model", area), ("B unit model + capacity", unit)):
            t0 = time.perf_counter_ns()
            for facts in requests:
                chains[name] += len(route(facts, world, NOW).entries)
            timings[name].append((time.perf_counter_ns() - t0) / args.calls / 1000)
    print(f"org_shape_bench: {args.people} people ({len(coordinators)} coordinators/advisers), "
          f"{args.rounds} alternating A/B rounds of {args.calls} route() calls; "
          f"Python {platform.python_version()} on {platform.machine()}")
    medians = {}
    for name, values in timings.items():
        medians[name] = statistics.median(values)
        print(f"  {name:26s} median {medians[name]:8.1f} µs/call  (min {min(values):.1f}, "
              f"max {max(values):.1f}); {chains[name] / args.rounds / args.calls:.1f} entries/chain")
    a, b = medians.values()
    print(f"  ratio B/A: {b / a:.2f}")
    given = " ".join(shlex.quote(x) for x in sys.argv[1:])
    print(f"command: .venv/bin/python benchmarks/org_shape_bench.py {given}".rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
