"""Small readers over the fake Slack for request-flow tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sandbox.fakeslack import FakeSlack, iter_blocks_text
from storage.models import Person


def person_id(bot, slack_id: str) -> int:
    with bot.services.sessions() as s:
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


# --- driving the bot through HTTP as a Slack user would ----------------------

from sandbox.fakeslack import RESPONSE_URL  # noqa: E402
from sandbox.slack_requests import button  # noqa: E402


def open_form(bot, user: str, text: str) -> dict[str, Any]:
    """Type ``/ifn <text>``; return the modal the bot opened."""
    before = len(bot.fake.calls("views.open"))
    resp = bot.slack.slash_command(user, text)
    assert resp.status == 200, resp.body
    opened = bot.fake.calls("views.open")
    assert len(opened) == before + 1, f"no modal opened for /ifn {text}: {resp.body}"
    return bot.fake.view(opened[-1].response["view"]["id"])


def submit(bot, user: str, view: dict[str, Any], values: dict[str, Any], **options):
    return bot.slack.view_submission(user, view["callback_id"], values, view.get("private_metadata"),
                                     view["id"], view=view, **options)


def click(bot, user: str, message: dict[str, Any], action_id: str, **options):
    """Press the button ``action_id`` in a message the user sees."""
    values = buttons(message)
    assert action_id in values, f"no {action_id} button in {text_of(message)[:200]}"
    return bot.slack.block_actions(
        user, [button(action_id, values[action_id])], message=message, channel=message["channel"],
        **options,
    )


def replies(fake: FakeSlack) -> list[dict[str, Any]]:
    """What listeners sent back through response_url (ephemeral answers to clicks)."""
    return [c.args for c in fake.calls(RESPONSE_URL)]



def is_digest(message: dict[str, Any]) -> bool:
    """A scheduled digest: the production goal's Friday reminder, Monday report
    and exemption messages, or the monthly quality report. Tests of other
    features that move the clock across weeks or months leave these out."""
    text = text_of(message)
    return "production_" in str(message.get("blocks")) or text.startswith(
        ("*Produksjonsmål uke", "*Production goal week", "*Kvalitetsrapport", "*Quality report"))


def dms_without_digests(fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    return [m for m in dms(fake, user) if not is_digest(m)]
