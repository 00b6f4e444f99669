"""What the fake Slack answers about people, scopes and channels (issue 12), as
Slack does: DMs to deactivated, unknown or bot users are refused, lookups by
e-mail find only known addresses, ``auth.test`` tells the token's scopes and a
method needing a scope the token lacks answers ``missing_scope``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk.errors import SlackApiError

from sandbox.fakeslack import FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


def error_of(call) -> str:
    with pytest.raises(SlackApiError) as err:
        call()
    return err.value.response["error"]


def test_dms_to_deactivated_unknown_and_bot_users_are_refused(fake):
    client = fake.client()
    fake.add_user("U0KARI", name="Kari", email="kari@x.no")
    fake.add_user("U0GONE", name="Gone", email="gone@x.no", deleted=True)
    fake.add_user("U0ROBOT", name="Robot", is_bot=True)
    assert client.conversations_open(users="U0KARI")["ok"]
    assert error_of(lambda: client.conversations_open(users="U0GONE")) == "user_disabled"
    assert error_of(lambda: client.conversations_open(users="U0NOBODY")) == "user_not_found"
    assert error_of(lambda: client.conversations_open(users="U0ROBOT")) == "cannot_dm_bot"


def test_lookup_by_email_finds_known_addresses_only(fake):
    client = fake.client()
    fake.add_user("U0KARI", name="Kari", email="Kari@X.no")
    assert client.users_lookupByEmail(email="kari@x.no")["user"]["id"] == "U0KARI"
    assert error_of(lambda: client.users_lookupByEmail(email="nobody@x.no")) == "users_not_found"


def test_auth_test_tells_the_scopes_and_a_missing_one_is_refused(fake):
    client = fake.client()
    scopes = client.auth_test().headers["X-OAuth-Scopes"].split(",")
    assert "users:read.email" in scopes and "chat:write" in scopes
    fake.set_scopes(["chat:write", "users:read"])
    assert client.auth_test().headers["X-OAuth-Scopes"] == "chat:write,users:read"
    with pytest.raises(SlackApiError) as err:
        client.users_lookupByEmail(email="kari@x.no")
    answer = err.value.response
    assert (answer["error"], answer["needed"]) == ("missing_scope", "users:read.email")
    fake.add_user("U0KARI", name="Kari")
    assert client.users_info(user="U0KARI")["ok"]  # users:read is there


def test_a_channel_the_bot_is_not_in(fake):
    client = fake.client()
    fake.add_channel("C0NET", "ifn-nettverk", bot_member=False)
    assert client.conversations_info(channel="C0NET")["channel"]["is_member"] is False
    assert error_of(lambda: client.chat_postMessage(channel="C0NET", text="hei")) == "not_in_channel"
    assert fake.workspace.bot_user_id not in fake.members("C0NET")
