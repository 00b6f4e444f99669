"""Messages about availability that the core queues: the daily request to an
area leader to designate a substitute, and the notices of a designation."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from bot.domain.language import Lang
from bot.i18n import t


class AvailabilityAction(StrEnum):
    """action_ids of buttons in these messages. The value of the designate button
    is the coordinator's person id; who may designate is checked by the service
    from the clicking user, never from the value."""

    DESIGNATE_SUBSTITUTE = "substitute_designate"


def substitute_reminder_blocks(lang: Lang, text: str, coordinator_id: int) -> list[dict[str, Any]]:
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "actions", "block_id": f"substitute_reminder_{coordinator_id}", "elements": [{
            "type": "button", "style": "primary",
            "action_id": AvailabilityAction.DESIGNATE_SUBSTITUTE.value, "value": str(coordinator_id),
            "text": {"type": "plain_text", "text": t(lang, "avail.reminder.button")},
        }]},
    ]
