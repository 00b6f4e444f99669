"""The README's pictures: each moment of ``screenshots.MOMENTS`` reached in the
real sandbox from its fixed start and saved as a PNG. Run by
``scripts/screenshots.sh`` (which sets ``IFN_SCREENSHOTS`` to the folder);
skipped in an ordinary test run, where the browser stories cover the same steps."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.screenshots import MOMENTS, Moment

pytestmark = pytest.mark.browser

FOLDER = os.environ.get("IFN_SCREENSHOTS")
VIEWPORT = {"width": 1200, "height": 680}


@pytest.fixture(params=MOMENTS, ids=[m.name for m in MOMENTS])
def moment(request: pytest.FixtureRequest) -> Moment:
    found: Moment = request.param
    if not FOLDER:
        pytest.skip("screenshots are made by scripts/screenshots.sh")
    if found.pending:
        pytest.skip(f"{found.name}: {found.pending}")
    return found


@pytest.fixture
def start(moment: Moment):
    return moment.start


def test_screenshot(moment, start, page, slack):
    assert FOLDER
    page.set_viewport_size(VIEWPORT)
    moment.reach(slack)
    page.wait_for_timeout(300)  # the next poll of the page has drawn what the last step caused
    page.evaluate("document.querySelector('#notice').hidden = true")  # the clock's note, not the moment
    target = Path(FOLDER) / f"{moment.name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000
