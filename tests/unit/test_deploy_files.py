"""The Slack manifest and the Procfile describe an app that actually exists."""

import shlex
from pathlib import Path

import yaml

from app.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]


def test_manifest_declares_what_the_bot_listens_to():
    manifest = yaml.safe_load((ROOT / "manifest.yaml").read_text())
    features, settings = manifest["features"], manifest["settings"]
    assert [c["command"] for c in features["slash_commands"]] == ["/ifn"]
    assert features["slash_commands"][0]["url"].endswith("/slack/events")
    assert features["app_home"]["home_tab_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    # commands, DMs (conversations.open + chat.postMessage), users.info with e-mail
    assert {"commands", "chat:write", "im:write", "users:read", "users:read.email"} <= scopes


def test_procfile_processes_are_real_cli_commands():
    entries = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line)
    assert set(entries) == {"web", "worker", "release"}
    parser = build_parser()
    for name, command in entries.items():
        argv = shlex.split(command.replace("$PORT", "3000"))
        assert argv[0] == "ifn-bot", name
        parsed = parser.parse_args(argv[1:])
        assert callable(parsed.func), name
    assert build_parser().parse_args(shlex.split(entries["web"].replace("$PORT", "1"))[1:]).no_scheduler
