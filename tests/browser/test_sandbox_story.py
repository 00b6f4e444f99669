"""The sandbox end to end in a real browser: a caseworker in area B asks for live
supervision, IFK B declines, the clock moves, the next candidate accepts, and
the caseworker's status message (one message, updated in place) says who.

The sandbox's clock starts at a fixed moment, never at the machine's "now", and
the story runs from the moments that used to break it: the evening before the
first working day of a month (the monthly Trinn 1 reminder arrives too), a
Friday afternoon, New Year's Eve and the night the clocks go back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sandbox.server import Sandbox

pytestmark = pytest.mark.browser

CW_B, IFK_B, IFK_A, IFR_1 = "U0CWB10001", "U0IFKB0001", "U0IFKA0001", "U0IFR00001"
TIMEOUT = 15_000
OSLO = ZoneInfo("Europe/Oslo")

#: Where the story starts, and the day *Neste arbeidsdag 08:00* must land on.
STARTS = {
    "evening-before-first-working-day-of-month": (datetime(2026, 11, 30, 16, 30, tzinfo=OSLO), "01.12.2026"),
    "friday-afternoon": (datetime(2026, 11, 27, 12, 30, tzinfo=OSLO), "30.11.2026"),
    "new-years-eve": (datetime(2026, 12, 31, 16, 30, tzinfo=OSLO), "04.01.2027"),
    "last-evening-of-summer-time": (datetime(2026, 10, 24, 22, 0, tzinfo=OSLO), "26.10.2026"),
}


@pytest.fixture(params=list(STARTS), ids=list(STARTS))
def start(request: pytest.FixtureRequest) -> tuple[datetime, str]:
    return STARTS[request.param]


@pytest.fixture
def sandbox(tmp_path: Path, start: tuple[datetime, str]) -> Iterator[Sandbox]:
    box = Sandbox(tmp_path / "sandbox-data", port=0, tick_interval=1.0, start_at=start[0]).start()
    try:
        yield box
    finally:
        box.stop()


def be(page: Any, user: str) -> None:
    page.select_option("#who", user)
    page.click(".nav-item[data-view='dm']")


def latest_bot_message(page: Any) -> Any:
    return page.locator("#conversation .msg:not(.msg-ephemeral)").last


def status_messages(page: Any) -> Any:
    """The caseworker's status messages for request #1 (other DMs, such as a
    monthly reminder on the first working day of a month, are not)."""
    return page.locator("#conversation .msg:not(.msg-ephemeral)", has_text="(#1)")


def test_live_supervision_story_in_the_browser(page, sandbox, start):
    _moment, morning = start
    page.set_default_timeout(TIMEOUT)
    page.goto(sandbox.url + "#" + CW_B)
    page.wait_for_selector("#who option[value='U0CWB10001']", state="attached")
    assert page.input_value("#who") == CW_B
    # The start is outside working hours: move to the next working morning.
    page.click("[data-step='next-working-day']")
    page.wait_for_function("document.querySelector('#clock').textContent.includes('08:00')")
    local = sandbox.services.calendar.to_local(sandbox.clock.now())
    assert local.strftime("%d.%m.%Y") == morning and local.hour == 8

    # Emil Strand types /ifn veiledning and fills the modal.
    page.fill("#composer", "/ifn veiledning")
    page.press("#composer", "Enter")
    modal = page.locator(".modal[data-callback-id='live_request']")
    modal.wait_for()
    assert modal.locator("[data-block-id='area'] select").input_value() == "B"
    modal.locator("[data-block-id='room'] input").fill("Rom 3")
    modal.locator("[data-block-id='description'] textarea").fill("Søkeren svarer unnvikende om reiseruten.")
    modal.locator(".modal-submit").click()
    try:
        modal.wait_for(state="detached")
    except Exception:
        raise AssertionError(f"modal still open: {page.inner_text('#notice')}") from None
    status_messages(page).get_by_text("Ola Hansen", exact=False).first.wait_for()

    # Ola Hansen, IFK B, declines.
    be(page, IFK_B)
    offer = latest_bot_message(page)
    offer.get_by_text("Løpende veiledning").first.wait_for()
    offer.locator(".bk-button[data-action-id='request_decline']").click()
    if page.locator(".bk-confirm").count():
        page.click(".bk-confirm-yes")
    page.locator("#conversation").get_by_text("Du avslo").first.wait_for()

    # Kari Nordmann (IFK A) is next and lets the offer time out: +3 min.
    be(page, IFK_A)
    latest_bot_message(page).locator(".bk-button[data-action-id='request_accept']").wait_for()
    page.click("[data-step='+3m']")
    page.locator("#notice").get_by_text("1 tidsavbrudd").wait_for()
    page.locator("#conversation").get_by_text("Tiden gikk ut").first.wait_for()

    # Now everyone left has it at once; Ingrid Solberg (IFR) accepts.
    be(page, IFR_1)
    latest_bot_message(page).locator(".bk-button[data-action-id='request_accept']").click()
    page.locator("#conversation").get_by_text("Rom 3").first.wait_for()

    # Emil's one status message now says who took it.
    be(page, CW_B)
    page.locator("#conversation").get_by_text("har tatt forespørselen").first.wait_for()
    statuses = status_messages(page)
    assert statuses.count() == 1, "one status message, updated in place"
    text = statuses.first.inner_text()
    assert "Ingrid Solberg har tatt forespørselen" in text
    assert statuses.first.locator("b", has_text="Ingrid Solberg").count() >= 1
    assert "(redigert)" in text
    assert sandbox.fake is not None
    assert sandbox.fake.calls("chat.update"), "updated with chat.update"
    sandbox.fake.assert_no_violations()
