"""App factory: builds the Bolt ``App`` with its own ``WebClient`` and registers
every listener of the features it is given. Nothing here runs at import time;
the composition root (``app.wiring``) builds each feature's handlers with the
services that feature uses."""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Protocol

from slack_bolt import App
from slack_sdk import WebClient

from bot.commands import Subcommand
from handlers import commands, errors
from handlers.commands import Sub
from handlers.prelude import Edge


class Feature(Protocol):
    def register(self, app: App) -> None: ...


class WithCommands(Protocol):
    def subcommands(self) -> dict[Subcommand, Sub]: ...


def build_app(client: WebClient, signing_secret: str, edge: Edge, features: list[object], *,
              listener_executor: Executor | None = None) -> App:
    """``listener_executor``: tests pass an inline executor so work after ``ack()``
    finishes before the HTTP response returns; production uses Bolt's thread pool."""
    app = App(client=client, signing_secret=signing_secret, listener_executor=listener_executor)
    errors.register(app)
    subs: dict[Subcommand, Sub] = {}
    for feature in features:
        if hasattr(feature, "subcommands"):
            subs.update(feature.subcommands())  # type: ignore[attr-defined]
    commands.register(app, edge, subs)
    for feature in features:
        if hasattr(feature, "register"):
            feature.register(app)  # type: ignore[attr-defined]
    return app
