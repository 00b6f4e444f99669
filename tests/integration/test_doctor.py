"""``ifn-bot doctor`` and the start-up warnings of ``ifn-bot run`` (issue 12),
as an operator runs them: a real subprocess against the fake Slack, which
answers ``auth.test`` with the token's scopes as Slack does."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from slack_sdk.errors import SlackApiError

from bot.slack_directory import REQUIRED_SCOPES
from sandbox.fakeslack.server import DEFAULT_SCOPES
from tests.integration.test_cli import _free_port, clean_env, run_cli  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[2]
ORG = """
people:
  - {name: Kari Nordmann, slack_id: U0IFKA0001, email: kari.nordmann@ifn.example, area: A, roles: [ifk]}
  - {name: Julie Sand, email: julie.sand@ifn.example, area: C, roles: [caseworker]}
"""


def test_the_manifest_asks_for_exactly_the_scopes_the_features_need():
    manifest = yaml.safe_load((ROOT / "manifest.yaml").read_text(encoding="utf-8"))
    asked = manifest["oauth_config"]["scopes"]["bot"]
    assert sorted(asked) == sorted(REQUIRED_SCOPES) == sorted(DEFAULT_SCOPES)


def slack_env(env, fake, tmp_path) -> dict[str, str]:
    return {**env, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": fake.base_url, "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
            "IFN_NETWORK_CHANNEL": "CNETWORK01", "IFN_MANAGEMENT_CHANNEL": "CMGMT00001"}


def load_org(env, tmp_path) -> None:
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    plain = {k: v for k, v in env.items() if not k.startswith("SLACK_")}
    assert run_cli("directory", "import", str(org), env=plain, cwd=tmp_path).returncode == 0


def test_doctor_says_all_is_well(clean_env, tmp_path, fake_slack):  # noqa: F811
    env = slack_env(clean_env, fake_slack, tmp_path)
    fake_slack.add_channel("CNETWORK01", "ifn-nettverk")
    fake_slack.add_channel("CMGMT00001", "ifn-ledelse")
    org = tmp_path / "org.yaml"
    org.write_text(ORG.split("  - {name: Julie")[0], encoding="utf-8")
    plain = {k: v for k, v in env.items() if not k.startswith("SLACK_")}
    assert run_cli("directory", "import", str(org), env=plain, cwd=tmp_path).returncode == 0
    result = run_cli("doctor", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "ok: token: accepted for IFN Test (bot user U0IFNBOT)",
        "ok: scopes: all 11 the features need",
        "ok: IFN_NETWORK_CHANNEL: #ifn-nettverk, the bot is a member",
        "ok: IFN_MANAGEMENT_CHANNEL: #ifn-ledelse, the bot is a member",
        "ok: directory: 1 active people, 0 unreachable",
    ]


def test_doctor_lists_one_line_per_problem_and_exits_non_zero(clean_env, tmp_path, fake_slack):  # noqa: F811
    env = slack_env(clean_env, fake_slack, tmp_path)
    env.pop("IFN_MANAGEMENT_CHANNEL")
    fake_slack.add_channel("CNETWORK01", "ifn-nettverk", bot_member=False)
    fake_slack.set_scopes([s for s in DEFAULT_SCOPES if s != "users:read.email"])
    load_org(env, tmp_path)
    result = run_cli("doctor", env=env, cwd=tmp_path)
    assert result.returncode == 1
    problems = [line for line in result.stdout.splitlines() if line.startswith("problem: ")]
    assert problems == [
        "problem: scope users:read.email is missing (needed for linking people known by e-mail to their "
        "Slack account); add it under OAuth & Permissions as manifest.yaml lists it, then reinstall the app",
        "problem: IFN_NETWORK_CHANNEL: the bot is not a member of #ifn-nettverk (CNETWORK01); invite it with "
        "/invite @IFN in the channel",
        "problem: IFN_MANAGEMENT_CHANNEL is not set: minutes, work plans and the monthly quality report are "
        "not posted",
        "problem: unreachable: Julie Sand (julie.sand@ifn.example) is not linked to a Slack user; they are "
        "offered nothing (fix the directory or their Slack account)",
    ]
    assert result.stderr.strip() == "ifn-bot doctor: 4 problems"
    # The fake answers like Slack: without the scope, lookupByEmail is refused.
    with pytest.raises(SlackApiError) as refused:
        fake_slack.client().users_lookupByEmail(email="julie.sand@ifn.example")
    assert (refused.value.response["error"], refused.value.response["needed"]) == \
        ("missing_scope", "users:read.email")


def test_doctor_with_a_refused_token(clean_env, tmp_path, fake_slack):  # noqa: F811
    env = {**slack_env(clean_env, fake_slack, tmp_path), "SLACK_BOT_TOKEN": "xoxb-wrong"}
    load_org(env, tmp_path)
    result = run_cli("doctor", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "problem: SLACK_BOT_TOKEN: Slack refused it (invalid_auth)" in result.stdout.splitlines()


def test_run_warns_at_start_about_each_problem(clean_env, tmp_path, fake_slack):  # noqa: F811
    env = slack_env(clean_env, fake_slack, tmp_path)
    env.pop("IFN_NETWORK_CHANNEL")
    fake_slack.add_channel("CMGMT00001", "ifn-ledelse")
    load_org(env, tmp_path)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "run", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
         "--no-scheduler"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                    assert json.loads(resp.read())["status"] == "ok"
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"bot did not start: {proc.communicate()[0]}") from None
                time.sleep(0.1)
    finally:
        proc.terminate()
        output = proc.communicate(timeout=20)[0]
    warnings = [line.split(" ifn_bot.doctor: ", 1)[1] for line in output.splitlines()
                if "WARNING ifn_bot.doctor: " in line]
    assert warnings == [
        "IFN_NETWORK_CHANNEL is not set: meeting reminders, group sessions and minutes are not posted",
        "unreachable: Julie Sand (julie.sand@ifn.example) is not linked to a Slack user; they are offered "
        "nothing (fix the directory or their Slack account)",
    ]
