"""The ``ifn-bot`` command as a user runs it: a real subprocess."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sandbox.slack_requests import SignedRequests
from storage.models import Person, RoleAssignment
from tests.conftest import EXAMPLE_ORG

ROOT = Path(__file__).resolve().parents[2]


def wall_clock() -> float:
    """The machine's real time, even inside a time-machine travel."""
    try:
        import time_machine
    except ImportError:  # pragma: no cover - a test extra
        return time.time()
    if not time_machine.escape_hatch.is_travelling():
        return time.time()
    return time_machine.escape_hatch.time.time()


def run_cli(*args: str, env: dict[str, str], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture
def clean_env(tmp_path) -> dict[str, str]:
    """The environment without any Slack/IFN settings, run from an empty folder
    (so no .env is picked up)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "IFN_", "DATABASE_URL", "PORT"))}
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_run_without_a_token_prints_one_line_and_exits_2(clean_env, tmp_path):
    result = run_cli("run", env=clean_env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "ifn-bot: SLACK_BOT_TOKEN: is required but not set (and 1 more problem)"
    assert "Traceback" not in result.stderr + result.stdout


def test_invalid_setting_exits_2_naming_it(clean_env, tmp_path):
    env = {**clean_env, "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "IFN_TIMEOUT_LIVE": "abc"}
    result = run_cli("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "ifn-bot: IFN_TIMEOUT_LIVE: Input should be a valid integer, unable to parse string as an integer"
    ]


def test_directory_import_twice_leaves_the_same_rows(clean_env, tmp_path, db_url, engine):
    env = {**clean_env, "DATABASE_URL": db_url}
    first = run_cli("directory", "import", str(EXAMPLE_ORG), env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "30 created, 0 updated, 0 unchanged, 0 deactivated" in first.stdout

    def rows():
        with engine.connect() as conn:
            people = conn.execute(select(Person.id, Person.slack_user_id, Person.email, Person.name,
                                         Person.updated_at).order_by(Person.id)).all()
            roles = conn.execute(select(RoleAssignment.id, RoleAssignment.person_id, RoleAssignment.role,
                                        RoleAssignment.area_code).order_by(RoleAssignment.id)).all()
        return people, roles

    before = rows()
    second = run_cli("directory", "import", str(EXAMPLE_ORG), env=env, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "0 created, 0 updated, 30 unchanged, 0 deactivated" in second.stdout
    assert rows() == before
    assert len(before[0]) == 30


def test_bad_directory_file_is_refused_and_writes_nothing(clean_env, tmp_path, db_url, engine):
    bad = tmp_path / "bad.yaml"
    bad.write_text("people:\n  - {name: Per, slack_id: U0PER, area: A, roles: [sjef]}\n")
    result = run_cli("directory", "import", str(bad), env={**clean_env, "DATABASE_URL": db_url}, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"ifn-bot: refused {bad}: people[0] (Per): unknown role 'sjef' (known: caseworker, unit_leader, "
        "area_leader, ifk, bfk, ifr, fagsjef, management, admin); nothing was written"
    )
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Person)) == 0


def test_db_upgrade_reports_the_revision(clean_env, tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    result = run_cli("db", "upgrade", env={**clean_env, "DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "database at revision 0006_organisation"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_run_serves_help_over_http_against_a_fake_slack(clean_env, tmp_path, fake_slack):
    """`ifn-bot run` under gunicorn, pointed at the fake Slack: /ifn hjelp answers."""
    port = _free_port()
    env = {
        **clean_env,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "cli-secret",
        "SLACK_API_URL": fake_slack.base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "run", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "1"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as resp:
                    assert json.loads(resp.read())["status"] == "ok"
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"bot did not start: {proc.communicate()[0]}") from None
                time.sleep(0.1)
        # The child process reads the machine's real clock, also when this session
        # runs at a travelled moment (tests/test_hard_dates.py): sign with that.
        slack = SignedRequests(base, "cli-secret", clock=wall_clock)
        resp = slack.slash_command("U0SOMEONE1", "hjelp")
        assert resp.status == 200
        assert resp.json()["response_type"] == "ephemeral"
        assert "IFN-boten – kommandoer" in resp.json()["text"]
        assert slack.slash_command("U0SOMEONE1", "hjelp", sign_with="wrong").status == 401
        assert fake_slack.calls("auth.test"), "the token is checked against Slack on start"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_run_with_a_token_slack_refuses_exits_2(clean_env, tmp_path, fake_slack):
    env = {
        **clean_env,
        "SLACK_BOT_TOKEN": "xoxb-wrong",
        "SLACK_SIGNING_SECRET": "s",
        "SLACK_API_URL": fake_slack.base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
    }
    result = run_cli("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last == "ifn-bot: SLACK_BOT_TOKEN: Slack refused it (invalid_auth)"
