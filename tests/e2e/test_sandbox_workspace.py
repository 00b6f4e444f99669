"""The sandbox's workspace as Slack would have it, without a browser: who is in
which channel (from the demo directory's roles, the same in the fake's
conversations.members and on the page), group DMs for their members only,
messages stamped with the bot's clock, the clock and the roles in Norwegian."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sandbox.server import Sandbox
from sandbox.workspace import MANAGEMENT, NETWORK
from tests.e2e.test_sandbox_server import live, messages
from tests.e2e.test_support_flows import support_values
from tests.flows import buttons

OSLO = ZoneInfo("Europe/Oslo")
#: Tuesday 1 December 2026, 07:55 in Oslo.
START = datetime(2026, 12, 1, 7, 55, tzinfo=OSLO)
CW_B, IFK_B, IFR_1 = "U0CWB10001", "U0IFKB0001", "U0IFR00001"
LEADER_B, UNIT_LEADER_B1 = "U0ALEADB01", "U0ULB10001"
COORDINATORS = ("U0IFKA0001", IFK_B, "U0IFKC0001", "U0BFK00001", IFR_1, "U0IFR00002")


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    box = Sandbox(tmp_path / "data", port=0, tick_interval=60, start_at=START).start()
    try:
        yield box
    finally:
        box.stop()


def keys(sandbox: Sandbox, user: str) -> list[str]:
    return [c["key"] for c in sandbox.state(user)["conversations"]]


def test_the_management_channel_is_for_leaders_and_advisers_only(sandbox):
    assert keys(sandbox, IFK_B) == ["dm", "network"]
    assert keys(sandbox, CW_B) == ["dm", "network"]
    assert keys(sandbox, UNIT_LEADER_B1) == ["dm", "network"]
    for member in (LEADER_B, IFR_1, "U0FAGSJEF1", "U0MGMT0001", "U0ADMIN001"):
        assert keys(sandbox, member) == ["dm", "network", "management"], member
    # the fake's conversations.members says the same as the page
    assert sandbox.fake is not None
    client = sandbox.fake.client()
    management = set(client.conversations_members(channel=MANAGEMENT.id)["members"])
    assert management == {LEADER_B, "U0ALEADA01", "U0ALEADC01", IFR_1, "U0IFR00002", "U0FAGSJEF1",
                          "U0MGMT0001", "U0ADMIN001", sandbox.fake.workspace.bot_user_id}
    network = set(client.conversations_members(channel=NETWORK.id)["members"])
    assert {p["id"] for p in sandbox.people()} | {sandbox.fake.workspace.bot_user_id} == network


def test_people_are_labelled_with_norwegian_role_names(sandbox):
    people = {p["id"]: p for p in sandbox.people()}
    assert people[IFK_B]["label"] == "Ola Hansen — intervjufaglig koordinator (IFK), saksbehandler (B1)"
    assert people[LEADER_B]["label"] == "Bjørn Dahl — områdeleder (B)"
    assert "area_leader" not in people[LEADER_B]["label"]


def test_the_clock_and_the_messages_show_the_bots_time_in_norwegian(sandbox):
    assert sandbox.clock_info()["text"] == "tirsdag 1. desember 2026 kl. 07:55"
    sandbox.move_clock("next-working-day")
    sandbox.move_clock("+1h")
    assert sandbox.clock_info()["text"] == "tirsdag 1. desember 2026 kl. 09:00"
    sandbox.command(CW_B, "veiledning")
    sandbox.submit(CW_B, sandbox.state(CW_B)["modals"][0]["id"], live())
    status = [m for m in messages(sandbox.state(CW_B), "dm") if "(#1)" in m["text"]][-1]
    assert (status["time"], status["day"], status["author"]) == ("09:00", "i dag", "ifn-bot")
    assert datetime.fromtimestamp(float(status["ts"]), OSLO).date().isoformat() == "2026-12-01"
    assert status["edited"] is False
    sandbox.move_clock("+3m")  # Ola lets it time out: the status message is updated
    status = [m for m in messages(sandbox.state(CW_B), "dm") if "(#1)" in m["text"]][-1]
    assert status["edited"] is True
    sandbox.move_clock("next-working-day")
    status = [m for m in messages(sandbox.state(CW_B), "dm") if "(#1)" in m["text"]][-1]
    assert status["day"] == "i går"


def test_a_support_conversation_puts_the_two_in_a_group_dm_they_alone_see(sandbox):
    sandbox.move_clock("next-working-day")
    sandbox.command(CW_B, "støtte")
    [modal] = sandbox.state(CW_B)["modals"]
    assert sandbox.submit(CW_B, modal["id"], support_values()) == {"status": 200}
    # (on this first working day of the month, coordinators get the monthly Trinn 1 list too)
    offers = {u: [m for m in messages(sandbox.state(u), "dm") if "request_accept" in buttons(m)]
              for u in COORDINATORS}
    [(taker, [offer])] = [(u, found) for u, found in offers.items() if found]
    accept = {"type": "button", "action_id": "request_accept", "block_id": "a",
              "value": buttons(offer)["request_accept"], "text": {"type": "plain_text", "text": "Godta"}}
    clicked = sandbox.action(taker, {"channel": offer["channel"], "ts": offer["ts"], "action": accept})
    assert clicked["status"] == 200

    names = {p["id"]: p["name"] for p in sandbox.people()}
    [group] = [c for c in sandbox.state(CW_B)["conversations"] if c["kind"] == "group"]
    assert group["name"] == names[taker] and set(group["members"]) == {CW_B, taker}
    [same] = [c for c in sandbox.state(taker)["conversations"] if c["kind"] == "group"]
    assert same["id"] == group["id"] and same["name"] == "Emil Strand"
    assert "bare dere to" in group["messages"][0]["text"]
    for outsider in (LEADER_B, UNIT_LEADER_B1, next(u for u in COORDINATORS if u != taker)):
        assert [c for c in sandbox.state(outsider)["conversations"] if c["kind"] == "group"] == []

    # the two talk there; nobody else can write in it
    assert sandbox.gestures.write(CW_B, group["id"], "Takk, passer det kl. 10?") == {"status": 200}
    [_, said] = [c for c in sandbox.state(taker)["conversations"] if c["kind"] == "group"][0]["messages"]
    assert (said["author"], said["is_app"]) == ("Emil Strand", False)
    assert said["text"] == "Takk, passer det kl. 10?"
    assert sandbox.gestures.write(LEADER_B, group["id"], "Hei")["status"] == 403
    assert sandbox.gestures.write(CW_B, sandbox.state(CW_B)["dm_channel"], "Hei")["status"] == 400


def test_a_command_typed_in_a_channel_is_answered_there_to_the_typer_only(sandbox):
    sandbox.command(IFK_B, "hjelp", NETWORK.id)
    [network] = [c for c in sandbox.state(IFK_B)["conversations"] if c["key"] == "network"]
    typed, answer = network["messages"]
    assert typed["typed"] and typed["text"] == "/ifn hjelp" and typed["author"] == "Ola Hansen"
    assert answer["ephemeral"] and answer["is_app"] and answer["blocks"]
    [theirs] = [c for c in sandbox.state(CW_B)["conversations"] if c["key"] == "network"]
    assert theirs["messages"] == []
