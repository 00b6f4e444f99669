"""The Slack Web API client, counted: every call and every failure by method and
Slack's error code (``bot.metrics``). Instrumented here, at the client, so no
service or handler has to remember to record anything.

Bolt gives each incoming request a fresh ``WebClient`` of its own;
``instrument_context_client`` (a Bolt middleware) swaps it for an instrumented
copy, so listener calls are counted as well as the outbox's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot import metrics


class InstrumentedWebClient(WebClient):
    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:  # type: ignore[override]
        started = time.monotonic()
        try:
            response = super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
            metrics.slack_call(api_method, time.monotonic() - started,
                               error or f"http_{exc.response.status_code}")
            raise
        except Exception as exc:
            metrics.slack_call(api_method, time.monotonic() - started, _failure_label(exc))
            raise
        metrics.slack_call(api_method, time.monotonic() - started)
        return response

    @classmethod
    def like(cls, client: WebClient) -> InstrumentedWebClient:
        """An instrumented client with ``client``'s token, URL and every other setting
        (a shallow copy of its state, so nothing Bolt set on it is lost)."""
        copy = cls.__new__(cls)
        copy.__dict__.update(client.__dict__)
        return copy


def _failure_label(exc: Exception) -> str:
    """Connection failures by kind, never by message (which could carry anything)."""
    if isinstance(exc, TimeoutError) or "timeout" in type(exc).__name__.lower():
        return "timeout"
    return "connection_error"


def instrument_context_client(context: Any, next: Callable[[], Any]) -> Any:  # noqa: A002 - Bolt's name
    """Bolt global middleware: the listener's ``client`` counts its calls too."""
    client = context.get("client")
    if client is not None and not isinstance(client, InstrumentedWebClient):
        context["client"] = InstrumentedWebClient.like(client)
    return next()
