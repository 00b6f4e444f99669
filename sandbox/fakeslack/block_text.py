"""Every text string inside Block Kit blocks (for "the message mentions X" checks)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def iter_blocks_text(blocks: list[dict[str, Any]] | None) -> Iterator[str]:
    """Every text string inside Block Kit blocks, for 'message mentions X' asserts."""

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
                yield node["text"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    yield from walk(blocks or [])
