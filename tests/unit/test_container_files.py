"""The container recipe cannot be built here (no Docker engine), so what can go
wrong in it is checked as text: the Dockerfile, compose.yaml and the Procfile name
the same ``ifn-bot`` commands, the image installs from the lock with the script CI
runs, and it does not run as root."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import yaml

from app.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
PORT_VALUES = ("$PORT", "${PORT}", "3000")


def _without_port(argv: list[str]) -> list[str]:
    """``--port X`` only restates PORT (the default of `ifn-bot run`)."""
    out, skip = [], False
    for i, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg == "--port" and i + 1 < len(argv) and argv[i + 1] in PORT_VALUES:
            skip = True
            continue
        out.append(arg)
    return out


def procfile() -> dict[str, list[str]]:
    entries = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line)
    return {name: shlex.split(cmd) for name, cmd in entries.items()}


def dockerfile() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip())
            for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_dockerfile_compose_and_procfile_name_the_same_commands():
    proc = procfile()
    assert all(argv[0] == "ifn-bot" for argv in proc.values())
    instructions = dockerfile()
    entrypoint = [json.loads(arg) for name, arg in instructions if name == "ENTRYPOINT"]
    cmd = [json.loads(arg) for name, arg in instructions if name == "CMD"]
    assert entrypoint == [["ifn-bot"]]
    assert _without_port(cmd[-1]) == _without_port(proc["web"][1:])

    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(proc) <= set(services)
    for name, argv in proc.items():
        assert services[name]["build"] == "."
        assert _without_port(services[name]["command"]) == _without_port(argv[1:]), name
    assert "postgres" in services["db"]["image"]
    assert services["web"]["depends_on"]["release"]["condition"] == "service_completed_successfully"
    assert services["worker"]["depends_on"]["release"]["condition"] == "service_completed_successfully"
    assert services["worker"]["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")

    parser = build_parser()  # and each is a real command of the CLI
    for argv in [cmd[-1], *(s["command"] for s in services.values() if "build" in s)]:
        assert callable(parser.parse_args(argv).func)


def test_the_image_installs_from_the_lock_with_the_ci_script_and_runs_unprivileged():
    instructions = dockerfile()
    runs = [arg for name, arg in instructions if name == "RUN"]
    assert any("IFN_LOCK=requirements/runtime.txt bash scripts/setup.sh" in run for run in runs)
    assert not any(re.search(r"\bpip3? install\b", run) for run in runs)  # only via the script
    users = [arg for name, arg in instructions if name == "USER"]
    assert users and users[-1] not in ("root", "0")
    setup_at = next(i for i, (name, arg) in enumerate(instructions) if "scripts/setup.sh" in arg)
    user_at = next(i for i, (name, _) in enumerate(instructions) if name == "USER")
    assert user_at < setup_at  # the virtualenv belongs to the unprivileged user
    assert "--require-hashes" in (ROOT / "scripts" / "setup.sh").read_text()
    assert "bash scripts/setup.sh" in (ROOT / ".ci" / "run").read_text()
    assert (ROOT / "requirements" / "runtime.txt").read_text().count("--hash=sha256:") > 20
