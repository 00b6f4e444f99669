"""The sandbox page's directory choice (issue 15) in a real browser: the 2016
mandate's directory is loaded from the page, the people's labels follow it, and
a caseworker's request is routed in the new shape."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.browser.steps import IFK_B

pytestmark = pytest.mark.browser

#: Tuesday 1 December 2026, 07:55 in Oslo.
START = datetime(2026, 12, 1, 7, 55, tzinfo=ZoneInfo("Europe/Oslo"))
SOFIE, MOHAMMED = "U0CWA10002", "U0CWB20001"


def label(slack, user: str) -> str:
    return slack.page.locator(f"#who option[value='{user}']").inner_text()


def test_the_2016_directory_is_chosen_on_the_page_and_routes_by_unit(slack):
    assert slack.page.locator("#directory").input_value() == "org"
    assert label(slack, SOFIE) == "Sofie Andersen — saksbehandler (A1)"
    slack.page.select_option("#directory", "org-2016")
    notice = slack.page.locator("#notice").filter(has_text="org-2016.yaml er lastet")
    notice.wait_for()
    assert "koordinatorer per enhet" in notice.inner_text()
    slack.page.wait_for_function(
        "(id) => document.querySelector(`#who option[value='${id}']`).textContent.includes('(A3)')",
        arg=SOFIE)
    assert label(slack, SOFIE).startswith("Sofie Andersen — intervjufaglig koordinator (IFK)")
    # Mohammed's unit is the coordination unit, outside the network: area B's IFK is asked
    slack.clock("next-working-day")
    slack.be(MOHAMMED)
    modal = slack.command("veiledning", "live_request")
    modal.locator("[data-block-id='area'] select").select_option("B")
    modal.locator("[data-block-id='room'] input").fill("Rom 3")
    modal.locator("[data-block-id='start_time'] input").fill("10:15")
    modal.locator("[data-block-id='description'] textarea").fill("Søkeren svarer unnvikende.")
    slack.submit(modal)
    slack.be(IFK_B)
    assert "IFK i område B" in slack.message("Løpende veiledning").inner_text()
