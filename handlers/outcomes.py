"""Turn a service ``Result`` into the words a user reads."""

from __future__ import annotations

from bot.domain.language import Lang
from bot.i18n import t
from bot.services.requests import Result


def result_text(lang: Lang, result: Result) -> str:
    params = dict(result.params)
    if "state_key" in params:
        params["state"] = t(lang, params.pop("state_key"))
    return t(lang, result.message_key or "error.generic", **params)
