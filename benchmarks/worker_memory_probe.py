"""What a web worker's memory is made of: the resident memory (VmRSS) of a fresh
interpreter after each import step, then after building the worker's app
exactly as ``app.server.build_web_app`` does, and which packages that loaded.

Each line runs in a fresh child interpreter (``-X importtime`` is not used: it
times, it does not weigh). ``master`` is what ``ifn-bot run --no-scheduler``'s
gunicorn master holds when it forks (the workers start as its copy); ``worker``
adds ``build_web_app`` against a migrated SQLite file and the fake Slack.
Reports numbers; asserts nothing.

    .venv/bin/python benchmarks/worker_memory_probe.py
    .venv/bin/python benchmarks/worker_memory_probe.py --modules alembic,yaml,apscheduler
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import REPO_ROOT, FakeSlackProcess, bot_env, prepare_database

#: What a worker should not load: the migrations, the scheduler and the sandbox are other processes' (yaml
#: and dateutil are needed: the i18n catalogs and the holiday calendar).
UNWANTED = ("alembic", "mako", "pygments", "apscheduler", "tzlocal", "sandbox",
            "scheduler", "gunicorn.app.wsgiapp", "psutil")

_CHILD = r"""
import json, sys
def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
steps = {"python": rss()}
mode = sys.argv[1]
if mode == "module":
    __import__(sys.argv[2])
    steps[sys.argv[2]] = rss()
else:
    import gunicorn.app.base  # what the master holds when it forks
    import app.cli, app.server
    steps["master"] = rss()
    if mode == "worker":
        before = set(sys.modules)
        from app.server import build_web_app
        from bot.clock import SystemClock
        from bot.settings import Settings, load_settings
        web = build_web_app(load_settings(Settings), SystemClock(), threaded=True)
        steps["worker"] = rss()
        loaded = sorted(set(sys.modules) - before)
        web.close()
        print(json.dumps({"steps": steps, "loaded": loaded}))
        sys.exit(0)
print(json.dumps({"steps": steps, "loaded": []}))
"""


def child(mode: str, env: dict[str, str], *extra: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, mode, *extra], env=env, cwd=REPO_ROOT,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", default="slack_bolt,sqlalchemy,sqlalchemy.orm,pydantic,yaml,alembic,"
                        "apscheduler,prometheus_client,dateutil,gunicorn.app.base")
    args = parser.parse_args(argv)
    command = " ".join(shlex.quote(a) for a in [Path(sys.executable).as_posix(), *sys.argv])
    tmp = Path(tempfile.mkdtemp(prefix="ifn-mem-probe-"))
    fake = FakeSlackProcess(tmp / "fakeslack.log")
    try:
        db_url = f"sqlite:///{tmp}/bot.db"
        prepare_database(db_url)
        env = bot_env(fake.base_url, db_url)
        print("worker_memory_probe — VmRSS of a fresh interpreter (MiB)")
        print(f"  command : {command}")
        for name in filter(None, args.modules.split(",")):
            steps = child("module", env, name)["steps"]
            print(f"  import {name:<28} {(steps[name] - steps['python']) / 1024:+7.1f}")
        result = child("worker", env)
        steps = result["steps"]
        print(f"  {'python alone':<35} {steps['python'] / 1024:7.1f}")
        print(f"  {'gunicorn master (app.cli, server)':<35} {steps['master'] / 1024:7.1f}")
        print(f"  {'worker after build_web_app':<35} {steps['worker'] / 1024:7.1f}")
        tops: dict[str, int] = {}
        for name in result["loaded"]:
            tops[name.split(".")[0]] = tops.get(name.split(".")[0], 0) + 1
        print("  packages the worker loaded (modules): "
              + ", ".join(f"{k} {v}" for k, v in sorted(tops.items(), key=lambda kv: -kv[1])))
        unwanted = [u for u in UNWANTED if any(m == u or m.startswith(u + ".") for m in result["loaded"])]
        print(f"  loaded but not needed on the request path: {', '.join(unwanted) or 'none'}")
    finally:
        fake.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
