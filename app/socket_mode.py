"""Socket Mode: the bot holds a WebSocket to Slack instead of taking HTTP requests
(no public URL needed). Bolt's ``SocketModeHandler`` with slack_sdk's built-in
client does the protocol; this module adds a stop that loses nothing in flight.

Stopping: no new envelope is taken from the queue; the ones being handled finish
and are acknowledged over the still-open connection (so Slack does not redeliver
them); then the connection closes and the work Bolt runs after ``ack()`` finishes.
Envelopes received but not yet started are not acknowledged, so Slack delivers
them again to the next connection.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Executor

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

log = logging.getLogger("ifn_bot.socket_mode")


def _bounded(what: str, run, timeout: float) -> None:
    worker = threading.Thread(target=run, name=f"stop:{what}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        log.warning("stop: %s did not finish within %.0f s", what, timeout)


class SocketModeRunner:
    def __init__(self, app: App, app_token: str) -> None:
        self._app = app
        self.handler = SocketModeHandler(app, app_token)

    def start(self) -> SocketModeRunner:
        self.handler.connect()
        log.info("connected to Slack in Socket Mode")
        return self

    def stop(self, timeout: float = 20.0) -> None:
        client = self.handler.client
        client.auto_reconnect_enabled = False
        # The client's queue reader loops until ``closed``; with it set, the reader hands
        # over what it holds and stops, while the connection stays open for the acks.
        client.closed = True
        _bounded("the envelope reader", client.message_processor.shutdown, timeout)
        _bounded("envelopes in progress", lambda: client.message_workers.shutdown(wait=True), timeout)
        self.handler.close()
        executor: Executor | None = getattr(self._app.listener_runner, "listener_executor", None)
        if executor is not None:
            _bounded("work after ack", lambda: executor.shutdown(wait=True), timeout)
        log.info("Socket Mode stopped")
