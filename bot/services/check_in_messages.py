"""The outbox's renderer for the requester's "Fikk du hjelpen du trengte?"
(``bot.lifecycle.check_in``): one message per request and round, rendered
from the state at delivery, so its buttons give way to the answer in place."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.messages.check_in import help_question
from bot.services.outbox import OutboxService, Rendered, ToPerson
from bot.services.snapshots import load_snapshot

HELP_QUESTION = "help_question"


class CheckInMessages:
    def __init__(self, tz: ZoneInfo) -> None:
        self._tz = tz

    def register(self, outbox: OutboxService) -> None:
        outbox.register(HELP_QUESTION, self.question)

    def question(self, s: Session, payload: dict[str, Any]) -> Rendered:
        snap = load_snapshot(s, int(payload["request_id"]))
        text, blocks = help_question(snap, int(payload["round"]), snap.requester.lang, self._tz)
        return Rendered(ToPerson(snap.requester.id), text, blocks)
