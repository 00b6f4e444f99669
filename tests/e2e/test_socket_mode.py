"""Socket Mode end to end: the bot's real Socket Mode client (Bolt's handler on
slack_sdk's built-in client, started by ``app.socket_mode``) connects to a local
WebSocket server playing Slack. ``apps.connections.open`` is answered by the fake
Web API with that server's URL; the server delivers a slash command, a button and
a view submission as Slack does (envelopes), and the test checks each ack and the
Web API calls — the same flows the HTTP tests drive.

The WebSocket server is the ``websockets`` library (test extra): a kept
implementation of RFC 6455, so the bot's client is checked against a real
handshake, framing and ping/pong rather than against our own idea of them.
"""

from __future__ import annotations

import itertools
import json
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.sync.server import ServerConnection, serve

from app.socket_mode import SocketModeRunner
from app.wiring import build_services, build_slack_app
from bot.directory_file import load_directory_file
from sandbox.fakeslack import DEFAULT_WORKSPACE
from sandbox.slack_requests import SignedRequests, button
from storage.models import Request
from tests.conftest import EXAMPLE_ORG
from tests.e2e.test_request_flows import CW_B, IFK_B, live_values
from tests.flows import buttons, dms, last_dm_text, text_of
from tests.harness import InlineExecutor, make_settings

ACK_TIMEOUT = 15.0


class SlackWebSocket:
    """The WebSocket half of Slack's Socket Mode, on 127.0.0.1."""

    def __init__(self) -> None:
        self._connected = threading.Event()
        self._conn: ServerConnection | None = None
        self._acks: queue.Queue[dict[str, Any]] = queue.Queue()
        self._ids = itertools.count(1)
        self._server = serve(self._handle, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.paths: list[str] = []

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/link/?ticket=test-ticket&app_id={DEFAULT_WORKSPACE.api_app_id}"

    def start(self) -> SlackWebSocket:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    def _handle(self, conn: ServerConnection) -> None:
        self.paths.append(conn.request.path)
        self._conn = conn
        conn.send(json.dumps({"type": "hello", "num_connections": 1,
                              "debug_info": {"host": "local", "approximate_connection_time": 3600},
                              "connection_info": {"app_id": DEFAULT_WORKSPACE.api_app_id}}))
        self._connected.set()
        for message in conn:  # until the client closes
            self._acks.put(json.loads(message))

    def wait_connected(self, timeout: float = 15.0) -> None:
        assert self._connected.wait(timeout), "the bot never opened the WebSocket"

    def send(self, envelope_type: str, payload: dict[str, Any]) -> str:
        envelope_id = f"env-{next(self._ids)}"
        assert self._conn is not None
        self._conn.send(json.dumps({"envelope_id": envelope_id, "type": envelope_type,
                                    "accepts_response_payload": envelope_type != "events_api",
                                    "retry_attempt": 0, "retry_reason": "", "payload": payload}))
        return envelope_id

    def deliver(self, envelope_type: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send one envelope and return the bot's ack (its ``payload`` is what an HTTP
        response body would have been)."""
        return self.ack_of(self.send(envelope_type, payload))

    def ack_of(self, envelope_id: str) -> dict[str, Any]:
        while True:
            ack = self._acks.get(timeout=ACK_TIMEOUT)
            if ack.get("envelope_id") == envelope_id:
                return ack


@pytest.fixture
def socket_bot(fake_slack, engine, db_url, clock) -> Iterator[tuple[SlackWebSocket, Any]]:
    ws = SlackWebSocket().start()
    fake_slack.serve_socket_mode(ws.url)
    settings = make_settings(fake_slack, db_url, slack_app_token=DEFAULT_WORKSPACE.app_token)
    assert settings.socket_mode
    services = build_services(settings, clock, engine=engine)
    data = load_directory_file(EXAMPLE_ORG)
    services.directory.import_directory(data)
    for person in data.people:
        if person.slack_id:
            fake_slack.add_user(person.slack_id, name=person.name, email=person.email)
    # Listeners run inline: when the ack arrives, every Web API call it caused is recorded.
    runner = SocketModeRunner(build_slack_app(services, listener_executor=InlineExecutor()),
                              settings.slack_app_token.get_secret_value()).start()
    try:
        ws.wait_connected()
        yield ws, services, runner
    finally:
        runner.stop(timeout=5)
        ws.stop()


def test_slash_command_button_and_view_submission_over_socket_mode(socket_bot, fake_slack):
    ws, services, _runner = socket_bot
    opened = fake_slack.calls("apps.connections.open")
    assert len(opened) == 1 and opened[0].token == DEFAULT_WORKSPACE.app_token
    assert ws.paths == ["/link/?ticket=test-ticket&app_id=A0IFNBOT"]
    envelopes = SignedRequests("http://unused", "unused", response_url_base=fake_slack.hooks_url)

    # /ifn veiledning → ack, and the modal opened with the trigger id Slack sent
    form = envelopes.slash_command_form(CW_B, "veiledning")
    ack = ws.deliver("slash_commands", form)
    assert ack == {"envelope_id": "env-1"}  # an empty ack: the listener answered by opening a modal
    views_open = fake_slack.calls("views.open")
    assert len(views_open) == 1 and views_open[0].args["trigger_id"] == form["trigger_id"]
    view = fake_slack.view(views_open[0].response["view"]["id"])
    assert view["callback_id"] == "live_request"

    # an invalid submission: the ack carries the field errors, nothing is stored
    bad = envelopes.view_submission_payload(CW_B, view["callback_id"], live_values(description=" "),
                                            view.get("private_metadata"), view["id"], view=view)
    ack = ws.deliver("interactive", bad)
    assert ack["payload"] == {"response_action": "errors",
                              "errors": {"description": "Dette feltet må fylles ut."}}
    with services.sessions() as s:
        assert s.query(Request).count() == 0

    # the real submission: stored, offered to area B's IFK, status DM to the requester
    good = envelopes.view_submission_payload(CW_B, view["callback_id"], live_values(),
                                             view.get("private_metadata"), view["id"], view=view)
    ack = ws.deliver("interactive", good)
    assert ack == {"envelope_id": "env-3"}  # no errors: the modal closes
    with services.sessions() as s:
        request = s.query(Request).one()
    assert request.state == "offered"
    offer = dms(fake_slack, IFK_B)[-1]
    assert "Løpende veiledning" in text_of(offer)
    assert "request_accept" in buttons(offer)

    # Godta → ack; the request is taken and both sides are told
    values = buttons(offer)
    press = envelopes.block_actions_payload(IFK_B, [button("request_accept", values["request_accept"])],
                                            message=offer, channel=offer["channel"])
    ack = ws.deliver("interactive", press)
    assert ack == {"envelope_id": "env-4"}
    with services.sessions() as s:
        assert s.get(Request, request.id).state == "accepted"
    assert "Gå til *Rom 3*" in last_dm_text(fake_slack, IFK_B)
    status = dms(fake_slack, CW_B)
    assert len(status) == 1 and "har tatt forespørselen" in text_of(status[0])


def test_a_stop_lets_the_envelope_in_progress_finish_and_acks_it(socket_bot, fake_slack):
    """SIGTERM's path (``SocketModeRunner.stop``) while a command waits on Slack:
    the modal still opens and Slack gets the ack before the socket closes."""
    ws, _services, runner = socket_bot
    envelopes = SignedRequests("http://unused", "unused", response_url_base=fake_slack.hooks_url)
    in_flight, release = threading.Event(), threading.Event()

    def slow_views_open(args):
        in_flight.set()
        release.wait(10)
        return fake_slack._views_open(args)

    fake_slack.set_handler("views.open", slow_views_open)
    envelope_id = ws.send("slash_commands", envelopes.slash_command_form(CW_B, "veiledning"))
    assert in_flight.wait(10), "the command never reached views.open"
    stopper = threading.Thread(target=runner.stop, kwargs={"timeout": 10})
    stopper.start()
    time.sleep(0.3)  # the stop is under way, waiting for the envelope in progress
    assert stopper.is_alive()
    release.set()
    assert ws.ack_of(envelope_id) == {"envelope_id": envelope_id}
    stopper.join(timeout=15)
    assert not stopper.is_alive()
    assert len(fake_slack.calls("views.open")) == 1


def test_ifn_bot_run_in_socket_mode_answers_and_stops_on_sigterm(fake_slack, engine, db_url, tmp_path):
    """The real entry point: `ifn-bot run` with SLACK_APP_TOKEN connects, answers
    `/ifn hjelp` in its ack, serves metrics on IFN_METRICS_PORT and stops cleanly."""
    from tests.integration.test_cli import _free_port
    from tests.integration.test_processes import Proc, _env, _get

    ws = SlackWebSocket().start()
    fake_slack.serve_socket_mode(ws.url)
    metrics_port = _free_port()
    bot = Proc(["run"], _env(db_url, fake_slack, SLACK_APP_TOKEN=DEFAULT_WORKSPACE.app_token,
                             IFN_METRICS_PORT=str(metrics_port)), tmp_path / "socket.log")
    try:
        ws.wait_connected(timeout=40)
        envelopes = SignedRequests("http://unused", "unused", response_url_base=fake_slack.hooks_url)
        ack = ws.deliver("slash_commands", envelopes.slash_command_form("U0SOMEONE1", "hjelp"))
        assert "IFN-boten – kommandoer" in ack["payload"]["text"]
        status, body = _get(f"http://127.0.0.1:{metrics_port}/metrics")
        assert status == 200 and b"ifn_database_up 1.0" in body
    finally:
        code = bot.stop()
        ws.stop()
    assert code == 0, bot.log()
    assert "Socket Mode stopped" in bot.log()
