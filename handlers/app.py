"""App factory: builds the Bolt ``App`` with its own ``WebClient`` and registers
every listener. Nothing here runs at import time."""

from __future__ import annotations

from concurrent.futures import Executor

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from handlers import commands, errors, home
from handlers.deps import Deps


def build_client(deps: Deps) -> WebClient:
    """A WebClient on the configured API URL that retries what is worth retrying:
    rate limits (honouring Retry-After), 5xx answers and dropped connections."""
    return WebClient(
        token=deps.settings.slack_bot_token.get_secret_value(),
        base_url=deps.settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
            ConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_app(deps: Deps, *, listener_executor: Executor | None = None) -> App:
    """``listener_executor``: tests pass an inline executor so work after ``ack()``
    finishes before the HTTP response returns; production uses Bolt's thread pool."""
    client = build_client(deps)
    app = App(
        client=client,
        signing_secret=deps.settings.slack_signing_secret.get_secret_value(),
        listener_executor=listener_executor,
    )
    errors.register(app, deps)
    commands.register(app, deps)
    home.register(app, deps)
    return app
