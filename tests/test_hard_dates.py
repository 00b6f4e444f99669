"""Every test that lets the machine's clock into the bot, run again as if the
machine's clock read one of the moments that used to break the suite: the
evening before the first working day of a month, a Monday before 08:00, a
Friday after 12:00, the day before Maundy Thursday, Christmas Eve, New Year's
Eve and the last evening of summer time.

Each run is a subprocess of pytest with ``IFN_TEST_NOW`` set (the root conftest
travels the session there with time-machine, time flowing on), so a test that
only passes on "good" days fails here on any day. The browser story runs its
own fixed dates (``tests/browser/test_sandbox_story.py``) and is left out here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

HARD_MOMENTS = {
    "evening-before-first-working-day-of-month": "2026-11-30T16:30:00+01:00",
    "monday-before-eight": "2026-11-30T03:01:00+01:00",
    "friday-after-noon": "2026-11-27T12:30:00+01:00",
    "day-before-maundy-thursday": "2027-03-24T15:00:00+01:00",
    "christmas-eve": "2026-12-24T10:00:00+01:00",
    "new-years-eve": "2026-12-31T16:30:00+01:00",
    "last-evening-of-summer-time": "2026-10-24T22:00:00+02:00",
}


def _skip_reason() -> str | None:
    if os.environ.get("IFN_TEST_NOW"):
        return "already running at a travelled moment"
    if os.environ.get("IFN_TEST_DATABASE_URL", "").startswith("postgresql"):
        return "run once, in the SQLite pass (the sandbox always uses its own SQLite file)"
    return None


def _run_at(moment: str, basetemp: Path) -> tuple[str, int, str]:
    env = {**os.environ, "IFN_TEST_NOW": moment}
    env.pop("IFN_TEST_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "real_clock and not browser",
         "--basetemp", str(basetemp), "tests"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    lines = result.stdout.strip().splitlines()
    return moment, result.returncode, "\n".join(lines[-40:]) + result.stderr[-2000:]


@pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")
@pytest.mark.timeout(900)  # seven pytest sessions, two at a time: past the suite's 120 s on a busy machine
def test_real_clock_tests_pass_at_every_hard_moment(tmp_path: Path) -> None:
    """Two at a time (the machine has two cores); each date is its own session."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda item: _run_at(item[1], tmp_path / item[0]), HARD_MOMENTS.items()))
    failed = [f"{moment}:\n{output}" for moment, code, output in runs if code != 0]
    assert not failed, "\n\n".join(failed)
    for moment, _code, output in runs:
        passed = re.search(r"(\d+) passed", output)
        assert passed and int(passed.group(1)) >= 10, f"at {moment}: too few real-clock tests ran: {output}"
