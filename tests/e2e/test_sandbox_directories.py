"""The sandbox page's choice of demo directory (issue 15): the 2012 memo's
shape or the 2016 mandate's, switched on the page by an import over the running
bot — open requests stay, and the next request is routed in the new shape."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sandbox.server import Sandbox
from sandbox.slack_requests import (
    state_checkboxes,
    state_plain_text,
    state_static_select,
    state_timepicker,
    state_values,
)

CW_B, CW_B2, IFK_B = "U0CWB10001", "U0CWB20001", "U0IFKB0001"  # Emil (B1), Mohammed (B2), Ola
SOFIE = "U0CWA10002"
#: Monday 30 November 2026, 03:01 in Oslo; the tests move to 08:00 first.
START = datetime(2026, 11, 30, 3, 1, tzinfo=ZoneInfo("Europe/Oslo"))


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    box = Sandbox(tmp_path / "data", port=0, tick_interval=60, start_at=START).start()
    try:
        yield box
    finally:
        box.stop()


def post(sandbox: Sandbox, path: str, body: dict) -> tuple[int, dict]:
    req = urllib.request.Request(sandbox.url + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def get(sandbox: Sandbox, path: str) -> dict:
    with urllib.request.urlopen(sandbox.url + path) as resp:
        return json.loads(resp.read())


def ask_live(sandbox: Sandbox, user: str, area: str) -> None:
    sandbox.command(user, "veiledning")
    [modal] = sandbox.state(user)["modals"]
    values = state_values({"area": state_static_select(area), "child": state_checkboxes([]),
                           "description": state_plain_text("Søkeren svarer unnvikende om reiseruten."),
                           "room": state_plain_text("Rom 3"), "start_time": state_timepicker("10:15")})
    assert sandbox.submit(user, modal["id"], values) == {"status": 200}


def offers(sandbox: Sandbox, user: str) -> list[dict]:
    [dm] = [c for c in sandbox.state(user)["conversations"] if c["key"] == "dm"]
    return [m for m in dm["messages"] if "request_accept" in json.dumps(m.get("blocks", []))]


def test_the_page_lists_both_directories_and_switches_by_import(sandbox):
    sandbox.move_clock("next-working-day")
    listed = get(sandbox, "api/people")["directories"]
    assert [(d["name"], d["current"]) for d in listed] == [("org", True), ("org-2016", False)]
    ask_live(sandbox, CW_B, "B")  # open, offered to Ola, before the switch
    assert len(offers(sandbox, IFK_B)) == 1

    status, switched = post(sandbox, "api/directory", {"name": "org-2016"})
    assert status == 200 and switched["scope"] == "unit"
    now_loaded = [(d["name"], d["current"]) for d in switched["directories"]]
    assert now_loaded == [("org", False), ("org-2016", True)]
    sofie = next(p for p in get(sandbox, "api/people")["people"] if p["id"] == SOFIE)
    assert "ifk" in sofie["roles"] and sofie["unit"] == "A3"
    # the open request is still there, still Ola's to take
    assert len(offers(sandbox, IFK_B)) == 1
    # Mohammed's unit B2 is outside the network in 2016: his request goes to the area's IFK
    ask_live(sandbox, CW_B2, "B")
    assert len(offers(sandbox, IFK_B)) == 2
    assert "IFK i område B" in json.dumps(offers(sandbox, IFK_B)[-1]["blocks"], ensure_ascii=False)


def test_an_unknown_directory_is_refused_and_nothing_changes(sandbox):
    status, body = post(sandbox, "api/directory", {"name": "../../etc/passwd"})
    assert status == 500 and "unknown directory" in body["error"]
    assert [d["current"] for d in get(sandbox, "api/people")["directories"]] == [True, False]


def test_a_restart_keeps_the_directory_chosen_on_the_page(sandbox, tmp_path):
    post(sandbox, "api/directory", {"name": "org-2016"})
    sandbox.stop()
    again = Sandbox(tmp_path / "data", port=0, tick_interval=60).start()
    try:
        assert [d["current"] for d in again.directories()] == [False, True]
        assert again.org.organisation.scope == "unit"
    finally:
        again.stop()
