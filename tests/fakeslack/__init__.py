"""Loopback fake Slack Web API for tests. It lives in ``sandbox.fakeslack`` (the sandbox
runs it too); this package re-exports it and adds the pytest fixtures (``fixtures.py``)."""

from sandbox.fakeslack.identity import DEFAULT_WORKSPACE, Workspace
from sandbox.fakeslack.server import RESPONSE_URL, Call, FakeSlack, FakeUser, iter_blocks_text
from sandbox.fakeslack.validate import ALLOW_NEWER_ARGS, check_call

__all__ = [
    "ALLOW_NEWER_ARGS",
    "DEFAULT_WORKSPACE",
    "RESPONSE_URL",
    "Call",
    "FakeSlack",
    "FakeUser",
    "Workspace",
    "check_call",
    "iter_blocks_text",
]
