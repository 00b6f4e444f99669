"""Turn a service ``Result`` into the words a user reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.language import Lang
from bot.domain.results import Result
from bot.i18n import t
from bot.messages.params import words

OSLO = ZoneInfo("Europe/Oslo")


def result_text(lang: Lang, result: Result, names: Callable[[int], str] | None = None,
                tz: ZoneInfo = OSLO, now: datetime | None = None) -> str:
    """``names`` turns the ``_person`` parameters into names (who decided), ``tz``
    and ``now`` the ``_at``/``_when`` ones into local times (when)."""
    params = words(result.params, lang, tz, names or (lambda pid: f"#{pid}"), now)
    return t(lang, result.message_key or "error.generic", **params)

