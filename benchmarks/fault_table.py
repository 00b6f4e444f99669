"""Issue 18's table, measured: the fault scenarios of ``tests/faults`` against
the real processes (two ``ifn-bot run --no-scheduler`` web processes, one
``ifn-bot scheduler``, the fake Slack with failure injection), on PostgreSQL
and on SQLite, with full counts; prints ``what was tried | trials | failures on
PG | failures on SQLite | measured`` (what a row measures besides failures: a
scheduler's takeover, how late timeouts fired, how long offers waited for their DM).

    .venv/bin/python benchmarks/fault_table.py --pg postgresql+psycopg://ifn@127.0.0.1:55452/ifn_test
    .venv/bin/python benchmarks/fault_table.py --scale 0.2 --only race,malformed --sqlite-only

``--pg`` is a PostgreSQL server URL the script may create and drop databases
on (each row gets a fresh cluster and database). The ``db-away`` row starts a
PostgreSQL server of its own (``scripts/pg-start.sh``; ``--own-pg-port``, else
a free port), stops it for 40 s and starts it again, and removes it at the end.
``--scale`` multiplies every row's trials. The failure definitions are the
scenarios' docstrings.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.faults import scenarios as sc  # noqa: E402
from tests.faults.cluster import Cluster  # noqa: E402
from tests.faults.db_away import database_away  # noqa: E402
from tests.faults.judges import Outcome  # noqa: E402
from tests.faults.kills import scheduler_kill, web_kill  # noqa: E402

Scenario = Callable[[Cluster, int], Outcome]

#: name -> (what was tried, full trials, scenario, cluster options)
ROWS: dict[str, tuple[str, int, Scenario, dict]] = {
    "race": ("two or three coordinators press Godta at the same instant", 100, sc.accept_race, {}),
    "timeout": ("Godta at the moment the offer times out", 50, sc.godta_at_timeout, {}),
    "signatures": ("forged, stale, future, missing signatures; wrong person; tampered values; unknown user",
                   88, sc.signatures, {}),
    "ids": ("fødselsnummer / D-number in 25 fields of 13 modals", 150, sc.national_ids, {}),
    "writings": ("the same numbers written other ways", 200, sc.other_writings_row, {}),
    "malformed": ("malformed requests, signed or not", 116, sc.malformed, {}),
    "hostile": ("hostile text in every field", 200, sc.hostile_text, {}),
    "doubles": ("Slack redelivers or the user submits twice", 90, sc.double_submits, {}),
    "http500": ("Slack answers 500 for 6 s", 12,
                lambda c, n: sc.slack_trouble(c, n, "http500", 6), {}),
    "ratelimit": ("Slack answers 429 (Retry-After: 30) for 6 s", 12,
                  lambda c, n: sc.slack_trouble(c, n, "ratelimit", 6, retry_after=30), {}),
    "refused": ("Slack refuses connections for 20 s", 12,
                lambda c, n: sc.slack_trouble(c, n, "refuse", 20), {}),
    "slow": ("Slack posts but answers after 12 s (the client gives up at 10 s)", 6,
             lambda c, n: sc.slack_trouble(c, n, "slow", 14, delay=12), {}),
    "support": ("support confidentiality: offer DMs to those who declined", 10,
                sc.support_confidentiality, {}),
    "scheduler-kill": ("kill -9 of the active scheduler (a standby runs); trials are kills", 15,
                       scheduler_kill, {"schedulers": 2}),
    "web-kill": ("kill -9 of a web process with 4 forms and 2 Godta in flight; trials are forms and clicks",
                 24, lambda c, n: web_kill(c, max(1, round(n / 6))), {"live_timeout": 600}),
    "db-away": ("database away for 40 s (PG: server stopped and started; SQLite: write lock held); "
                "trials are actions during it, plus one per outage", 36, database_away,
                {"schedulers": 2, "live_timeout": 20, "own_pg": True}),
}


def run_row(name: str, database: str, pg_url: str | None, scale: float, own_pg: int | None = None) -> Outcome:
    """One row on one database; a row that breaks off is reported with its
    processes' logs kept, never hidden."""
    title, trials, scenario, options = ROWS[name]
    options = dict(options)
    if options.get("own_pg"):  # a server of the row's own, on SQLite nothing
        options["own_pg"] = (own_pg or True) if database == "postgresql" else False
    workdir = Path(tempfile.mkdtemp(prefix=f"faults-{name}-{database}-"))
    try:
        with Cluster(workdir, database, admin_url=pg_url, **options) as cluster:
            outcome = scenario(cluster, max(1, round(trials * scale)))
    except Exception as exc:  # noqa: BLE001 - reported in the table, logs kept
        return Outcome(0, -1, [f"broke off: {type(exc).__name__}: {exc}; logs in {workdir}"])
    shutil.rmtree(workdir, ignore_errors=True)
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", default=None, help="PostgreSQL server URL (databases are created on it)")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every row's trials")
    parser.add_argument("--only", default="", help="comma-separated row names: " + ", ".join(ROWS))
    parser.add_argument("--notes", action="store_true", help="print what failed under the table")
    parser.add_argument("--own-pg-port", type=int, default=None,
                        help="port for the server the db-away row starts and stops (default: free)")
    args = parser.parse_args()
    names = [n for n in (args.only.split(",") if args.only else ROWS) if n]
    databases = ["sqlite"] if args.sqlite_only or not args.pg else ["postgresql", "sqlite"]
    print("| what was tried | trials | failures on PG | failures on SQLite | measured (PG; SQLite) |")
    print("|---|---|---|---|---|")
    notes: list[str] = []
    for name in names:
        results: dict[str, Outcome] = {}
        for database in databases:
            began = time.monotonic()
            results[database] = run_row(name, database, args.pg, args.scale, args.own_pg_port)
            notes += [f"{name} ({database}, {time.monotonic() - began:.0f} s): {n}"
                      for n in results[database].notes[:10]]
        trials = " + ".join(f"{results[d].trials} {'PG' if d == 'postgresql' else 'SQLite'}"
                            for d in databases)
        shown = {d: ("broke off" if r.failures < 0 else str(r.failures)) for d, r in results.items()}
        measured = "; ".join(f"{'PG' if d == 'postgresql' else 'SQLite'}: {r.figures()}"
                             for d, r in results.items() if r.figures())
        print(f"| {ROWS[name][0]} | {trials} | {shown.get('postgresql', '–')} | {shown['sqlite']} "
              f"| {measured} |", flush=True)
    if args.notes:
        print("\n" + "\n".join(notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
