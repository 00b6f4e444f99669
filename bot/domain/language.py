"""UI languages: Norwegian bokmål by default, English per user."""

from __future__ import annotations

from enum import StrEnum


class Lang(StrEnum):
    NB = "nb"
    EN = "en"

    @classmethod
    def parse(cls, value: str | None) -> Lang:
        """Map a stored language or a Slack locale ("en-US", "nb-NO") to a Lang."""
        if not value:
            return cls.NB
        head = value.lower().replace("_", "-").split("-")[0]
        if head == "en":
            return cls.EN
        return cls.NB


DEFAULT_LANG = Lang.NB
