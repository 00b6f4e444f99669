"""Turn a service ``Result`` into the words a user reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.language import Lang
from bot.domain.results import Result
from bot.i18n import t
from bot.messages.params import words
from bot.messages.text import escape

OSLO = ZoneInfo("Europe/Oslo")


def result_text(lang: Lang, result: Result, names: Callable[[int], str] | None = None,
                tz: ZoneInfo = OSLO, now: datetime | None = None) -> str:
    """``names`` turns the ``_person`` parameters into names (who decided), ``tz``
    and ``now`` the ``_at``/``_when`` ones into local times (when). Texts among
    the parameters (a title someone typed) are escaped for mrkdwn."""
    typed = {key: escape(value) if isinstance(value, str) else value for key, value in result.params.items()}
    params = words(typed, lang, tz, names or (lambda pid: f"#{pid}"), now)
    return t(lang, result.message_key or "error.generic", **params)

