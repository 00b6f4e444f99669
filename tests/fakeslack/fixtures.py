"""Pytest fixtures for the fake Slack Web API.

Make them available with ``from tests.fakeslack.fixtures import fake_slack`` in a
conftest (or ``pytest_plugins = ["tests.fakeslack.fixtures"]`` in the root one).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakeslack.server import FakeSlack


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """A started FakeSlack expecting token ``xoxb-test``.

    At teardown it fails the test if any call was one Slack would reject; a test
    that provokes violations on purpose collects them with ``take_violations()``.
    """
    fake = FakeSlack().start()
    try:
        yield fake
    finally:
        fake.stop()
    fake.assert_no_violations()
