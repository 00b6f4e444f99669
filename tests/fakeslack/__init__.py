"""Loopback fake Slack Web API for tests; see ``server.py`` and ``fixtures.py``."""

from tests.fakeslack.identity import DEFAULT_WORKSPACE, Workspace
from tests.fakeslack.server import RESPONSE_URL, Call, FakeSlack, FakeUser, iter_blocks_text
from tests.fakeslack.validate import ALLOW_NEWER_ARGS, check_call

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
