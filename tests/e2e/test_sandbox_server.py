"""The sandbox's server side without a browser: the page's gestures reach the real
bot signed as Slack signs them, modals land on the right user's screen, field
errors come back, and the clock control moves the bot's clock and ticks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sandbox.clock_control import next_weekday_at
from sandbox.server import Sandbox
from sandbox.slack_requests import (
    state_checkboxes,
    state_plain_text,
    state_static_select,
    state_timepicker,
    state_values,
)

CW_B, IFK_B = "U0CWB10001", "U0IFKB0001"
OSLO = ZoneInfo("Europe/Oslo")
#: Monday 30 November 2026, 03:01 in Oslo: before the working day starts.
START = datetime(2026, 11, 30, 3, 1, tzinfo=OSLO)


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    box = Sandbox(tmp_path / "data", port=0, tick_interval=60, start_at=START).start()
    try:
        yield box
    finally:
        box.stop()


def live(room: str | None = "Rom 3") -> dict:
    return state_values({"area": state_static_select("B"), "child": state_checkboxes([]),
                         "description": state_plain_text("Søkeren svarer unnvikende om reiseruten."),
                         "room": state_plain_text(room), "start_time": state_timepicker("10:15")})


def messages(seen: dict, key: str) -> list[dict]:
    """The messages of one conversation on a user's screen, their own ephemeral ones left out."""
    [conversation] = [c for c in seen["conversations"] if c["key"] == key]
    return [m for m in conversation["messages"] if not m.get("ephemeral")]


def test_people_come_from_the_demo_directory(sandbox):
    people = {p["id"]: p for p in sandbox.people()}
    assert people[CW_B]["name"] == "Emil Strand" and people[CW_B]["area"] == "B"
    assert "ifk" in people[IFK_B]["roles"]
    assert all(p["id"] for p in people.values()), "people without a Slack id are not selectable"


def test_a_modal_opens_for_the_user_who_typed_and_errors_come_back(sandbox):
    sandbox.move_clock("next-working-day")
    assert sandbox.command(CW_B, "veiledning") == {"status": 200}
    [modal] = sandbox.state(CW_B)["modals"]
    assert modal["callback_id"] == "live_request"
    assert sandbox.state(IFK_B)["modals"] == []
    refused = sandbox.submit(CW_B, modal["id"], live(room=None))
    assert set(refused["errors"]) == {"room"}
    assert sandbox.state(CW_B)["modals"], "the modal stays open with its errors"
    assert sandbox.submit(CW_B, modal["id"], live()) == {"status": 200}
    seen = sandbox.state(CW_B)
    assert seen["modals"] == []
    assert "Ola Hansen" in messages(seen, "dm")[-1]["text"]
    offer = messages(sandbox.state(IFK_B), "dm")[-1]
    assert sandbox.fake is not None
    sandbox.fake.assert_no_violations()
    assert offer["blocks"]


def test_a_click_and_its_ephemeral_answer_reach_only_the_clicker(sandbox):
    sandbox.move_clock("next-working-day")
    sandbox.command(CW_B, "veiledning")
    sandbox.submit(CW_B, sandbox.state(CW_B)["modals"][0]["id"], live())
    offer = messages(sandbox.state(IFK_B), "dm")[-1]
    button = next(e for b in offer["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"] == "request_accept")
    click = {"type": "button", "action_id": "request_accept", "block_id": "b1", "value": button["value"],
             "text": button["text"]}
    channel = sandbox.state(IFK_B)["dm_channel"]
    assert sandbox.action(IFK_B, {"channel": channel, "ts": offer["ts"], "action": click}) == {"status": 200}
    # a second click from someone not offered is answered only to them
    intruder = "U0CWB10002"
    assert sandbox.action(intruder, {"channel": channel, "ts": offer["ts"], "action": click})["status"] == 200
    assert sandbox.state(intruder)["ephemerals"], "the refusal is shown to the clicker"
    assert not [e for e in sandbox.state(IFK_B)["ephemerals"] if not e.get("typed")]


def test_a_slash_command_answer_is_ephemeral(sandbox):
    sandbox.command(CW_B, "hjelp")
    answers = [e for e in sandbox.state(CW_B)["ephemerals"] if not e.get("typed")]
    assert answers and answers[-1]["blocks"]


def test_a_forged_request_is_refused_by_the_bot(sandbox):
    forged = sandbox.slack.slash_command(CW_B, "hjelp", sign_with="not-the-secret")
    assert forged.status == 401


def test_the_clock_moves_forward_and_ticks(sandbox):
    before = sandbox.clock.now()
    moved = sandbox.move_clock("+1h")
    assert timedelta(hours=1) <= sandbox.clock.now() - before < timedelta(hours=1, seconds=30)
    assert set(moved["tick"]) == {"timeouts", "timers", "daily", "delivered"}
    sandbox.move_clock("friday-noon")
    local = sandbox.services.calendar.to_local(sandbox.clock.now())
    assert (local.weekday(), local.hour, local.minute) == (4, 12, 0)
    # persisted: a restart keeps the moved clock
    assert (sandbox.data_dir / "clock.json").exists()
    assert sandbox._saved_offset() == sandbox.clock.offset


def test_the_sandbox_starts_at_the_moment_it_is_given(sandbox):
    assert START <= sandbox.clock.now() < START + timedelta(seconds=30)
    assert sandbox.clock_info()["iso"].startswith("2026-11-30T03:0")


def test_next_working_day_before_eight_on_a_working_day_is_today(sandbox):
    sandbox.move_clock("next-working-day")
    local = sandbox.services.calendar.to_local(sandbox.clock.now())
    assert (local.date().isoformat(), local.hour, local.minute) == ("2026-11-30", 8, 0)
    sandbox.move_clock("next-working-day")  # now at 08:00: the next one is tomorrow
    local = sandbox.services.calendar.to_local(sandbox.clock.now())
    assert (local.date().isoformat(), local.hour, local.minute) == ("2026-12-01", 8, 0)


def test_a_restart_without_a_start_resumes_the_saved_clock(sandbox, tmp_path):
    sandbox.move_clock("friday-noon")
    saved = sandbox.clock.now()
    sandbox.stop()
    again = Sandbox(sandbox.data_dir, port=0, tick_interval=60).start()
    try:
        assert saved <= again.clock.now() < saved + timedelta(seconds=30)
    finally:
        again.stop()


def test_next_weekday_is_strictly_after_now(sandbox):
    cal = sandbox.services.calendar
    friday_noon = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)  # 12:00 in Oslo
    assert next_weekday_at(cal, friday_noon - timedelta(minutes=1), 4, time(12, 0)) == friday_noon
    assert next_weekday_at(cal, friday_noon, 4, time(12, 0)) == friday_noon + timedelta(days=7)


def test_the_page_and_its_static_files_are_served(sandbox):
    import urllib.request

    with urllib.request.urlopen(sandbox.url) as resp:
        assert b"blockkit.js" in resp.read()
    with urllib.request.urlopen(sandbox.url + "static/blockkit.js") as resp:
        assert b"BlockKit" in resp.read()
    for escape in ("static/..%2Fserver.py", "static/%2E%2E/server.py"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(sandbox.url + escape)
        assert refused.value.code == 404


def click_menu(sandbox, action_id: str) -> dict:
    sandbox.command(CW_B, "")
    menu = [e for e in sandbox.state(CW_B)["ephemerals"] if e.get("blocks")][-1]
    button = next(e for b in menu["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"] == action_id)
    click = {"type": "button", "action_id": action_id, "block_id": "m", "text": button["text"]}
    if "value" in button:
        click["value"] = button["value"]
    assert sandbox.action(CW_B, {"ephemeral_ts": menu["ts"], "action": click}) == {"status": 200}
    [modal] = sandbox.state(CW_B)["modals"]
    return modal


def test_a_button_in_an_ephemeral_menu_reaches_the_bot_and_opens_a_modal(sandbox):
    assert click_menu(sandbox, "menu_hour")["callback_id"] == "hour_request"


@pytest.mark.parametrize(("button", "form"), [("menu_live", "live_request"),
                                              ("menu_feedback", "feedback_request")])
def test_each_button_in_the_ephemeral_menu_opens_its_own_form(sandbox, button, form):
    assert click_menu(sandbox, button)["callback_id"] == form
