"""Browser tests: Playwright (the PyPI package) driving Debian's chromium.

No browser is downloaded: ``executable_path`` points at ``/usr/bin/chromium``,
which ``.ci/run`` installs. Without it (or without playwright) these tests skip
on a developer's machine but FAIL in CI (``CI=true``), so they never go quietly
missing from a CI run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("IFN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _missing(what: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{what}; CI must run the browser tests (.ci/run installs chromium)")
    pytest.skip(f"{what}; browser tests skipped outside CI")


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A headless chromium (Playwright ``BrowserContext``) with a fresh profile."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed")
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        _missing(f"no chromium at {CHROMIUM}")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1280, "height": 900}, locale="nb-NO",
        )
        try:
            yield context
        finally:
            context.close()


#: Set on a test item when its body has returned: what the page reports after
#: that (a poll cut short while the fixtures stop) is not the test's failure.
_BODY_DONE = pytest.StashKey[bool]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    yield
    item.stash[_BODY_DONE] = True


@pytest.fixture
def page(chromium: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh tab. A test that uses a ``sandbox`` gets it started first, so the
    tab is closed before the sandbox stops (fixtures tear down in reverse).
    A JavaScript error while the test runs fails it; one after its last step
    does not."""
    if "sandbox" in request.fixturenames:
        request.getfixturevalue("sandbox")
    page = chromium.new_page()
    errors: list[str] = []

    def on_error(exc: Any) -> None:
        if not request.node.stash.get(_BODY_DONE, False):
            errors.append(str(exc))

    page.on("pageerror", on_error)
    try:
        yield page
    finally:
        page.remove_listener("pageerror", on_error)
        page.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def sandbox(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """The sandbox started at the test module's ``START`` (an aware datetime),
    or at the test's own ``start`` parameter, with a short scheduler tick."""
    from sandbox.server import Sandbox

    start = request.getfixturevalue("start") if "start" in request.fixturenames else request.module.START
    box = Sandbox(tmp_path / "sandbox-data", port=0, tick_interval=0.5, start_at=start).start()
    try:
        yield box
    finally:
        box.stop()


@pytest.fixture
def slack(page: Any, sandbox: Any, request: pytest.FixtureRequest) -> Any:
    """The page of ``sandbox``, seen by the test module's ``FIRST_USER`` (a caseworker by default)."""
    from tests.browser.steps import CW_B, Slack

    return Slack(page).open(sandbox.url, getattr(request.module, "FIRST_USER", CW_B))
