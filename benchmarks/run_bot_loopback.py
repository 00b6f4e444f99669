"""Run ``ifn-bot`` exactly as ``python -m bot.cli ...`` does, but bound to 127.0.0.1.

``handlers.server.serve`` binds gunicorn to ``0.0.0.0:PORT``; the benchmark
must only use the loopback interface. This launcher changes that one gunicorn
option (``bind``) and nothing else: settings, the schema check, the token check
before forking, the worker class, threads, timeout, access log and the per-worker
app factory are the CLI's own code. Usage (same arguments as ``bot.cli``)::

    .venv/bin/python benchmarks/run_bot_loopback.py run --port 3000 --workers 2 --no-scheduler
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

LOOPBACK = "127.0.0.1"


def _patch_bind() -> None:
    from app import server

    original = server._Gunicorn.load_config

    def load_config(self: server._Gunicorn) -> None:
        original(self)
        port = str(self._options.get("bind", "")).rsplit(":", 1)[-1]
        self.cfg.set("bind", f"{LOOPBACK}:{port}")

    server._Gunicorn.load_config = load_config  # type: ignore[method-assign]


if __name__ == "__main__":
    _patch_bind()
    from app.cli import main

    sys.exit(main(sys.argv[1:]))
