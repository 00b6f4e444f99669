"""Small readers over the fake Slack for request-flow tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage.models import Person
from tests.fakeslack import FakeSlack, iter_blocks_text


def person_id(bot, slack_id: str) -> int:
    with bot.deps.sessions() as s:
        return s.scalar(select(Person.id).where(Person.slack_user_id == slack_id))


def dms(fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    """Current DMs to ``user``, oldest first."""
    return fake.messages(fake.dm_channel(user))


def text_of(message: dict[str, Any]) -> str:
    return " ".join(iter_blocks_text(message.get("blocks"))) or message.get("text", "")


def last_dm_text(fake: FakeSlack, user: str) -> str:
    found = dms(fake, user)
    assert found, f"no DM to {user}"
    return text_of(found[-1])


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """action_id -> value of every button in a message."""
    out: dict[str, str] = {}
    for block in message.get("blocks") or []:
        for el in block.get("elements", []) if block.get("type") == "actions" else []:
            if el.get("type") == "button":
                out[el["action_id"]] = el.get("value", "")
        acc = block.get("accessory")
        if isinstance(acc, dict) and acc.get("type") == "button":
            out[acc["action_id"]] = acc.get("value", "")
    return out
