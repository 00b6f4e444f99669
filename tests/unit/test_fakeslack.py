"""The Slack test harness itself: the loopback fake Web API and signed requests.

Every test here drives the real ``slack_sdk.WebClient`` (and, at the end, a real
Bolt app over HTTP) against the fake, so the harness is checked against the
libraries the bot uses, not against itself.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.models.blocks import ActionsBlock, ButtonElement, SectionBlock
from slack_sdk.models.views import View
from slack_sdk.signature import SignatureVerifier

from bot.clock import ManualClock
from sandbox.fakeslack import ALLOW_NEWER_ARGS, RESPONSE_URL, FakeSlack, iter_blocks_text
from sandbox.slack_requests import (
    SignedRequests,
    button,
    sign,
    state_datepicker,
    state_plain_text,
)

SECRET = "test-signing-secret"



def _modal(callback_id: str = "ifn_request", private_metadata: str = "") -> View:
    return View(
        type="modal",
        callback_id=callback_id,
        private_metadata=private_metadata,
        title="IFN",
        submit="Send",
        close="Cancel",
        blocks=[SectionBlock(block_id="intro", text="Hello")],
    )


# ------------------------------------------------------------- Web API calls


def test_post_message_records_decoded_blocks_and_unique_increasing_ts(
    fake_slack: FakeSlack, clock: ManualClock,
) -> None:
    client = fake_slack.client()
    blocks = [
        SectionBlock(block_id="offer", text="*New request*"),
        ActionsBlock(elements=[ButtonElement(text="Accept", action_id="accept", value="42")]),
    ]

    first = client.chat_postMessage(channel="C0IFN", text="New request", blocks=blocks)
    second = client.chat_postMessage(channel="C0IFN", text="Another")

    call = fake_slack.calls("chat.postMessage")[0]
    assert call.token == "xoxb-test"
    assert call.headers["Content-Type"].startswith("application/json")
    assert call.args["channel"] == "C0IFN"
    assert call.args["blocks"] == [b.to_dict() for b in blocks]
    assert call.ok and call.response == first.data
    assert list(iter_blocks_text(call.args["blocks"])) == ["*New request*", "Accept"]
    assert first["ok"] and first["channel"] == "C0IFN"
    assert first["message"]["blocks"] == call.args["blocks"]
    assert first["message"]["bot_id"] == fake_slack.workspace.bot_id
    # a ts is the epoch time of posting, as in Slack (on the tests' clock, see conftest's fake_slack)
    assert abs(float(first["ts"]) - clock.now().timestamp()) < 1
    assert float(second["ts"]) > float(first["ts"])
    assert fake_slack.message("C0IFN", first["ts"])["text"] == "New request"


def test_form_encoded_json_string_arguments_are_decoded(fake_slack: FakeSlack) -> None:
    client = fake_slack.client()
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "form"}}]

    client.api_call(
        "chat.postMessage", params={"channel": "C0IFN", "text": "t", "blocks": json.dumps(blocks)}
    )

    call = fake_slack.last("chat.postMessage")
    assert call.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert call.args["blocks"] == blocks


def test_update_and_delete_follow_the_message(fake_slack: FakeSlack) -> None:
    client = fake_slack.client()
    blocks = [{"type": "section", "text": {"type": "plain_text", "text": "Waiting"}}]
    posted = client.chat_postMessage(channel="C0IFN", text="Waiting", blocks=blocks)

    client.chat_update(channel="C0IFN", ts=posted["ts"], text="Accepted")

    message = fake_slack.message("C0IFN", posted["ts"])
    assert message["text"] == "Accepted"
    assert message["blocks"] == blocks  # omitted on update: kept, as in Slack
    assert fake_slack.last("chat.postMessage").response["message"]["text"] == "Waiting"
    assert fake_slack.last("chat.update").response["message"]["text"] == "Accepted"
    with pytest.raises(SlackApiError) as missing:
        client.chat_update(channel="C0IFN", ts="1.000000", text="x")
    assert missing.value.response["error"] == "message_not_found"
    client.chat_delete(channel="C0IFN", ts=posted["ts"])
    assert fake_slack.message("C0IFN", posted["ts"]) is None


def test_post_message_without_content_is_no_text(fake_slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as err:
        fake_slack.client().api_call("chat.postMessage", json={"channel": "C0IFN"})
    assert err.value.response["error"] == "no_text"


def test_members_of_channels_dms_and_group_dms(fake_slack: FakeSlack) -> None:
    """conversations.members says who is in a conversation, and the fake's
    readers agree with it: a channel lists its members, a group DM the people
    it was opened for, a DM its one person; the app is in each."""
    bot = fake_slack.workspace.bot_user_id
    for user in ("U0ALICE", "U0BOB", "U0CAROL"):
        fake_slack.add_user(user, user.title())
    fake_slack.add_channel("C0LEAD", "ledelse", members=["U0ALICE"])
    fake_slack.add_channel("C0ALL", "alle")
    client = fake_slack.client()
    group = client.conversations_open(users="U0ALICE,U0BOB")["channel"]["id"]
    client.chat_postMessage(channel="U0CAROL", text="hei")

    def members(channel: str) -> list[str]:
        return client.conversations_members(channel=channel)["members"]

    assert members("C0LEAD") == ["U0ALICE", bot]
    assert set(members("C0ALL")) == {"U0ALICE", "U0BOB", "U0CAROL", bot}
    assert members(group) == ["U0ALICE", "U0BOB", bot]
    assert members(fake_slack.dm_channel("U0CAROL")) == ["U0CAROL", bot]
    with pytest.raises(SlackApiError) as unknown:
        client.conversations_members(channel="C0NOPE")
    assert unknown.value.response["error"] == "channel_not_found"
    assert fake_slack.conversations_of("U0ALICE") == ["C0LEAD", "C0ALL", group]
    assert fake_slack.conversations_of("U0CAROL") == ["C0ALL"]
    assert fake_slack.members("C0LEAD") == ["U0ALICE", bot]


def test_a_person_writes_only_where_they_are_a_member(fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U0ALICE", "Alice")
    fake_slack.add_channel("C0LEAD", "ledelse", members=["U0ALICE"])
    written = fake_slack.post_as_user("C0LEAD", "U0ALICE", "Hei")
    assert fake_slack.message("C0LEAD", written["ts"])["user"] == "U0ALICE"
    with pytest.raises(ValueError):
        fake_slack.post_as_user("C0LEAD", "U0BOB", "Slipp meg inn")
    assert [m["text"] for m in fake_slack.messages("C0LEAD")] == ["Hei"]


def test_ts_follow_the_clock_it_is_given_and_stay_unique() -> None:
    """The sandbox stamps messages with the bot's clock; two messages in the
    same microsecond still get different, increasing ts."""
    moment = 1796108400.0  # 2026-12-01 07:00 UTC
    with FakeSlack(clock=lambda: moment) as fake:
        client = fake.client()
        first = client.chat_postMessage(channel="C0IFN", text="a")["ts"]
        second = client.chat_postMessage(channel="C0IFN", text="b")["ts"]
        assert first == "1796108400.000000"
        assert second == "1796108400.000001"
        ephemeral = fake.new_ts()
        assert float(ephemeral) > float(second)


def test_conversations_open_is_stable_per_user_set(fake_slack: FakeSlack) -> None:
    client = fake_slack.client()

    alice = client.conversations_open(users="U0ALICE")
    again = client.conversations_open(users=["U0ALICE"])
    bob = client.conversations_open(users="U0BOB")
    group = client.conversations_open(users=["U0BOB", "U0ALICE"])

    assert alice["channel"]["id"] == again["channel"]["id"] == fake_slack.dm_channel("U0ALICE")
    assert alice["channel"]["id"].startswith("D")
    assert again["already_open"] is True
    assert bob["channel"]["id"] != alice["channel"]["id"]
    assert group["channel"]["id"] == fake_slack.dm_channel("U0ALICE", "U0BOB")
    assert fake_slack.last("conversations.open").args["users"] == "U0BOB,U0ALICE"
    im = client.conversations_info(channel=alice["channel"]["id"])["channel"]
    assert im["is_im"] is True and im["user"] == "U0ALICE"
    # chat.postMessage to a user id lands in the app's DM with that user.
    posted = client.chat_postMessage(channel="U0ALICE", text="hi")
    assert posted["channel"] == alice["channel"]["id"]


def test_views_open_with_json_view_then_update_with_hash(fake_slack: FakeSlack) -> None:
    client = fake_slack.client()

    opened = client.views_open(trigger_id="123.456.abc", view=_modal(private_metadata="req-7"))

    call = fake_slack.last("views.open")
    assert call.headers["Content-Type"].startswith("application/json")
    assert call.args["trigger_id"] == "123.456.abc"
    assert call.args["view"]["callback_id"] == "ifn_request"
    assert call.args["view"]["blocks"][0]["block_id"] == "intro"
    view = opened["view"]
    assert view["id"].startswith("V") and view["hash"]
    assert view["private_metadata"] == "req-7"
    assert fake_slack.view(view["id"])["callback_id"] == "ifn_request"

    updated = client.views_update(view_id=view["id"], hash=view["hash"], view=_modal("step2"))
    assert updated["view"]["id"] == view["id"]
    assert updated["view"]["callback_id"] == "step2"
    with pytest.raises(SlackApiError) as stale:
        client.views_update(view_id=view["id"], hash=view["hash"], view=_modal("step3"))
    assert stale.value.response["error"] == "hash_conflict"

    pushed = client.views_push(trigger_id="123.456.def", view=_modal("pushed"))
    assert pushed["view"]["id"] != view["id"]
    home = client.views_publish(user_id="U0ALICE", view={"type": "home", "blocks": []})
    assert fake_slack.home_view("U0ALICE")["id"] == home["view"]["id"]


def test_users_info_and_lookup_by_email(fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U0ALICE", "alice", "alice@example.org", "en-US")
    client = fake_slack.client()

    user = client.users_info(user="U0ALICE", include_locale=True)["user"]
    assert user["profile"]["email"] == "alice@example.org"
    assert user["locale"] == "en-US"
    assert "locale" not in client.users_info(user="U0ALICE")["user"]  # as in Slack
    found = client.users_lookupByEmail(email="Alice@Example.org")
    assert found["user"]["id"] == "U0ALICE"
    with pytest.raises(SlackApiError) as unknown:
        client.users_lookupByEmail(email="nobody@example.org")
    assert unknown.value.response["error"] == "users_not_found"


def test_ephemeral_and_permalink(fake_slack: FakeSlack) -> None:
    client = fake_slack.client()

    ephemeral = client.chat_postEphemeral(channel="C0IFN", user="U0ALICE", text="only you")
    link = client.chat_getPermalink(channel="C0IFN", message_ts="1700000000.000100")

    assert ephemeral["message_ts"]
    assert fake_slack.ephemerals()[0]["user"] == "U0ALICE"
    assert link["permalink"].endswith("/archives/C0IFN/p1700000000000100")


# ------------------------------------------------------------ spec checking


def test_unknown_argument_is_a_violation(fake_slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as err:
        fake_slack.client().chat_postMessage(channel="C0IFN", text="x", colour="red")

    assert err.value.response["error"] == "invalid_arguments"
    assert "unknown argument 'colour'" in err.value.response["response_metadata"]["messages"][0]
    assert fake_slack.take_violations() == [
        "chat.postMessage: unknown argument 'colour' (not in Slack's spec)"
    ]


def test_missing_required_argument_is_a_violation(fake_slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as err:
        fake_slack.client().api_call("chat.postEphemeral", json={"channel": "C0IFN", "text": "x"})

    assert err.value.response["error"] == "invalid_arguments"
    assert fake_slack.take_violations() == ["chat.postEphemeral: missing required argument 'user'"]


def test_unknown_method_is_a_violation(fake_slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as err:
        fake_slack.client().api_call("chat.postMassage", json={"channel": "C0IFN"})

    assert err.value.response["error"] == "unknown_method"
    assert fake_slack.take_violations() == [
        "chat.postMassage: not a method in Slack's Web API spec"
    ]


def test_assert_no_violations_lists_them(fake_slack: FakeSlack) -> None:
    client = fake_slack.client()
    with pytest.raises(SlackApiError):
        client.views_open(trigger_id="1.2.3", view=_modal(), colour="red")

    with pytest.raises(AssertionError, match="views.open: unknown argument 'colour'"):
        fake_slack.assert_no_violations()
    fake_slack.take_violations()
    fake_slack.assert_no_violations()


def test_allowed_newer_arguments_pass(fake_slack: FakeSlack) -> None:
    # Bolt gives each listener a client with team_id; slack_sdk adds it to every call.
    client = fake_slack.client(team_id=fake_slack.workspace.team_id)
    metadata = {"event_type": "ifn_request", "event_payload": {"id": "7"}}

    posted = client.chat_postMessage(channel="C0IFN", text="x", metadata=metadata)

    assert posted["ok"]
    assert fake_slack.last("chat.postMessage").args["metadata"] == metadata
    assert fake_slack.last().args["team_id"] == fake_slack.workspace.team_id
    assert set(ALLOW_NEWER_ARGS) == {"*", "chat.postMessage", "chat.update", "conversations.history"}


# ------------------------------------------------------------------- auth


def test_wrong_token_is_invalid_auth_and_missing_token_not_authed(
    fake_slack: FakeSlack,
) -> None:
    with pytest.raises(SlackApiError) as wrong:
        fake_slack.client(token="xoxb-wrong").auth_test()
    with pytest.raises(SlackApiError) as missing:
        WebClient(base_url=fake_slack.base_url).auth_test()

    assert wrong.value.response["error"] == "invalid_auth"
    assert missing.value.response["error"] == "not_authed"
    assert fake_slack.client().auth_test()["user_id"] == fake_slack.workspace.bot_user_id


def test_expected_token_is_configurable() -> None:
    with FakeSlack(token="xoxb-other") as fake:
        assert fake.client(token="xoxb-other").auth_test()["ok"]
        with pytest.raises(SlackApiError):
            fake.client(token="xoxb-test").auth_test()


# ---------------------------------------------------------------- outages


def test_set_down_makes_webclient_raise(fake_slack: FakeSlack) -> None:
    client = fake_slack.client(retry_handlers=[])

    fake_slack.set_down(True)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C0IFN", text="x")
    assert err.value.response.status_code == 503

    fake_slack.set_down(True, drop_connection=True)
    with pytest.raises(OSError):
        client.chat_postMessage(channel="C0IFN", text="x")

    fake_slack.set_down(False)
    assert client.chat_postMessage(channel="C0IFN", text="x")["ok"]
    assert [c.http_status for c in fake_slack.calls("chat.postMessage")] == [503, 503, 200]
    assert [c.ok for c in fake_slack.calls()] == [False, False, True]


def test_fail_next_answers_once_then_recovers(fake_slack: FakeSlack) -> None:
    client = fake_slack.client(retry_handlers=[])
    fake_slack.fail_next("chat.postMessage", retry_after=7)

    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C0IFN", text="x")

    assert err.value.response.status_code == 429
    assert err.value.response["error"] == "ratelimited"
    assert err.value.response.headers["Retry-After"] == "7"
    assert client.chat_postMessage(channel="C0IFN", text="x")["ok"]

    fake_slack.fail_next("views.open", error="expired_trigger_id", status=200, retry_after=None)
    with pytest.raises(SlackApiError) as expired:
        client.views_open(trigger_id="1.2.3", view=_modal())
    assert expired.value.response.status_code == 200
    assert expired.value.response["error"] == "expired_trigger_id"


def test_rate_limit_retry_handler_retries_against_the_fake(fake_slack: FakeSlack) -> None:
    client = fake_slack.client(retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    fake_slack.fail_next("chat.postMessage", retry_after=0)

    assert client.chat_postMessage(channel="C0IFN", text="x")["ok"]
    assert [c.http_status for c in fake_slack.calls("chat.postMessage")] == [429, 200]


# --------------------------------------------------------- signed requests


class _Capture(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], str]] = []

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        type(self).received.append((dict(self.headers.items()), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def capture() -> Iterator[tuple[str, list[tuple[dict[str, str], str]]]]:
    received: list[tuple[dict[str, str], str]] = []
    handler = type("Capture", (_Capture,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()
    server.server_close()
    thread.join()


def _verify(headers: dict[str, str], body: str, secret: str = SECRET) -> bool:
    return SignatureVerifier(secret).is_valid_request(body, headers)


def test_signed_requests_verify_with_slack_sdk(capture) -> None:  # type: ignore[no-untyped-def]
    url, received = capture
    requests = SignedRequests(url, SECRET)

    requests.slash_command("U0ALICE", "veiledning")
    requests.event({"type": "app_home_opened", "user": "U0ALICE", "tab": "home"})
    requests.view_submission("U0ALICE", "ifn_request", {"b": {"a": state_plain_text("x")}})

    assert len(received) == 3
    for headers, body in received:
        assert headers["X-Slack-Signature"] == sign(
            SECRET, headers["X-Slack-Request-Timestamp"], body
        )
        assert _verify(headers, body)
        assert not _verify(headers, body, secret="another-secret")
    command = {k: v[0] for k, v in parse_qs(received[0][1]).items()}
    assert received[0][0]["Content-Type"] == "application/x-www-form-urlencoded"
    assert command["command"] == "/ifn" and command["text"] == "veiledning"
    assert command["user_id"] == "U0ALICE" and command["trigger_id"].count(".") == 2
    assert json.loads(received[1][1])["type"] == "event_callback"


def test_wrong_secret_old_timestamp_and_retry_headers(capture) -> None:  # type: ignore[no-untyped-def]
    url, received = capture
    requests = SignedRequests(url, SECRET)

    requests.slash_command("U0ALICE", "x", sign_with="forged")
    requests.slash_command("U0ALICE", "x", timestamp=int(time.time()) - 600)
    SignedRequests(url, SECRET, clock=lambda: time.time() - 3600).slash_command("U0ALICE", "x")
    requests.event({"type": "app_home_opened", "user": "U0A"}, retry_num=1, retry_reason="x")
    requests.slash_command("U0ALICE", "x", unsigned=True)

    forged, old, old_clock, retried, unsigned = received
    assert not _verify(*forged)
    assert not _verify(*old)
    assert not _verify(*old_clock)
    assert _verify(*retried)
    assert retried[0]["X-Slack-Retry-Num"] == "1"
    assert retried[0]["X-Slack-Retry-Reason"] == "x"
    assert "X-Slack-Signature" not in unsigned[0]


# ------------------------------------- the harness end to end with real Bolt


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def bolt_app(fake_slack: FakeSlack) -> Iterator[tuple[App, SignedRequests]]:
    app = App(client=fake_slack.client(), signing_secret=SECRET, process_before_response=True)
    server: WSGIServer = make_server(
        "127.0.0.1", 0, SlackRequestHandler(app), handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    requests = SignedRequests(
        f"http://127.0.0.1:{server.server_port}", SECRET, response_url_base=fake_slack.hooks_url
    )
    yield app, requests
    server.shutdown()
    server.server_close()
    thread.join()


def test_bolt_parses_every_builder_and_its_calls_pass_the_spec(
    bolt_app: tuple[App, SignedRequests],
    fake_slack: FakeSlack,
) -> None:
    app, requests = bolt_app
    seen: dict[str, Any] = {}

    @app.command("/ifn")
    def command(ack, body, client) -> None:  # type: ignore[no-untyped-def]
        ack()
        seen["command_text"] = body["text"]
        client.views_open(trigger_id=body["trigger_id"], view=_modal(private_metadata="r1"))

    @app.view_submission("ifn_request")
    def submit(ack, body, view, client) -> None:  # type: ignore[no-untyped-def]
        ack()
        seen["state"] = view["state"]["values"]
        seen["metadata"] = view["private_metadata"]
        client.chat_postMessage(channel=body["user"]["id"], text="Received")

    @app.view_closed("ifn_request")
    def closed(ack, body) -> None:  # type: ignore[no-untyped-def]
        ack()
        seen["closed_by"] = body["user"]["id"]

    @app.action("accept")
    def accept(ack, action, respond) -> None:  # type: ignore[no-untyped-def]
        ack()
        seen["action_value"] = action["value"]
        respond(text="Accepted", replace_original=True)

    @app.event("app_home_opened")
    def home(event, client) -> None:  # type: ignore[no-untyped-def]
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": []})

    assert requests.slash_command("U0ALICE", "veiledning").status == 200
    opened = fake_slack.last("views.open").response["view"]
    state = {"dates": {"start": state_datepicker("2025-01-02")}}
    submitted = requests.view_submission("U0ALICE", None, state, view=opened)
    posted = fake_slack.last("chat.postMessage").response
    clicked = requests.block_actions(
        "U0ALICE",
        [button("accept", "42", block_id="offer")],
        message=posted["message"],
        channel=posted["channel"],
    )
    closed_resp = requests.view_closed("U0ALICE", "ifn_request")
    event = requests.event({"type": "app_home_opened", "user": "U0ALICE", "tab": "home"})
    challenge = requests.url_verification("abc")
    forged = requests.slash_command("U0ALICE", "x", sign_with="forged")
    stale = requests.slash_command("U0ALICE", "x", timestamp=int(time.time()) - 600)

    assert [submitted.status, clicked.status, closed_resp.status, event.status] == [200] * 4
    assert seen == {
        "command_text": "veiledning",
        "state": state,
        "metadata": "r1",
        "action_value": "42",
        "closed_by": "U0ALICE",
    }
    assert posted["channel"] == fake_slack.dm_channel("U0ALICE")
    hook = fake_slack.last(RESPONSE_URL)
    assert hook.path.startswith("/hooks/") and hook.args["text"] == "Accepted"
    assert fake_slack.home_view("U0ALICE") is not None
    assert challenge.json() == {"challenge": "abc"}
    assert (forged.status, stale.status) == (401, 401)
    assert fake_slack.last("views.publish").args["team_id"] == fake_slack.workspace.team_id
