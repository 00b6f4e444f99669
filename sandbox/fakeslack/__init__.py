"""Loopback fake Slack Web API, used by the tests and by ``ifn-bot sandbox``; see ``server.py``."""

from sandbox.fakeslack.block_text import iter_blocks_text
from sandbox.fakeslack.identity import DEFAULT_WORKSPACE, Workspace
from sandbox.fakeslack.server import RESPONSE_URL, Call, FakeSlack, FakeUser
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
