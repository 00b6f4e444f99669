"""``app.server.limit_malloc_arenas``: the web server caps glibc's malloc arenas
before gunicorn forks its workers, unless the operator chose with
``MALLOC_ARENA_MAX``. Run in a child interpreter, so this test process keeps
its own allocator settings. (What the cap saves is measured by
``benchmarks/worker_memory_bench.py``, not asserted here.)"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROBE = "from app.server import limit_malloc_arenas; print(limit_malloc_arenas())"


def _limit(**env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    out = subprocess.run([sys.executable, "-c", PROBE], env={**base, "PYTHONPATH": str(REPO), **env},
                         capture_output=True, text=True, check=True, cwd=REPO)
    return out.stdout.strip()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_the_cap_is_set_on_glibc():
    assert _limit() == "True"


def test_an_operators_malloc_arena_max_is_left_to_glibc():
    assert _limit(MALLOC_ARENA_MAX="4") == "False"
