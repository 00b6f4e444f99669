"""The lock files pin what pyproject.toml asks for: every dependency (runtime, and
runtime + test extra) at a version inside its range, each with sha256 hashes, so
`pip install --require-hashes` (scripts/setup.sh) installs the same program every
time. A range changed without `bash scripts/lock.sh` fails here."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)")


def pins(lock: str) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes)."""
    out: dict[str, tuple[str, int]] = {}
    current = None
    for line in (ROOT / "requirements" / lock).read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            out[current] = (match.group(2), 0)
        elif current and "--hash=sha256:" in line:
            version, hashes = out[current]
            out[current] = (version, hashes + 1)
    return out


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _check(requirements: list[str], locked: dict[str, tuple[str, int]]) -> None:
    for spec in requirements:
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        assert name in locked, f"{req.name} is not in the lock: run bash scripts/lock.sh"
        version, hashes = locked[name]
        assert req.specifier.contains(version, prereleases=True), f"{name}=={version} outside {req.specifier}"
        assert hashes >= 1, f"{name} has no hash"


def test_runtime_lock_pins_every_runtime_dependency_with_hashes():
    locked = pins("runtime.txt")
    _check(project()["dependencies"], locked)
    assert "pytest" not in locked and "playwright" not in locked  # the image gets no test tools
    assert all(hashes for _, hashes in locked.values())


def test_test_lock_pins_runtime_and_test_extra_at_the_same_versions():
    runtime, test = pins("runtime.txt"), pins("test.txt")
    _check(project()["dependencies"] + project()["optional-dependencies"]["test"], test)
    assert {name: test[name][0] for name in runtime} == {name: v for name, (v, _) in runtime.items()}
    assert all(hashes for _, hashes in test.values())


def test_every_dependency_has_an_upper_bound():
    for spec in project()["dependencies"] + project()["optional-dependencies"]["test"]:
        req = Requirement(spec)
        assert any(s.operator in ("<", "<=", "~=", "==") for s in req.specifier), f"{req.name} is unbounded"
