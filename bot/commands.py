"""Parsing of the ``/ifn`` command text (SPEC §6), a pure function.

Bolt runs only the first listener that matches a command, so there is one
``/ifn`` listener and it dispatches on what ``parse`` returns.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Subcommand(StrEnum):
    MENU = "menu"
    HELP = "hjelp"
    LIVE = "veiledning"
    FEEDBACK = "tilbakemelding"
    HOUR = "time"
    SIT_IN = "bisitting"
    GROUP = "gruppe"
    SUPPORT = "stotte"
    ISSUE = "sak"
    STATUS = "status"
    ABSENCE = "fravaer"
    SUBSTITUTE = "stedfortreder"
    PRODUCTION = "produksjon"
    MEETING = "mote"
    MINUTES = "referat"
    TRAINING = "opplaering"
    LOG = "logg"
    LANGUAGE = "sprak"
    WHO = "hvem"
    DIRECTORY = "katalog"
    ACTING = "fungerende"
    UNKNOWN = "unknown"


#: Every spelling a user may type, Norwegian first, English aliases after.
ALIASES: dict[str, Subcommand] = {
    "hjelp": Subcommand.HELP,
    "help": Subcommand.HELP,
    "veiledning": Subcommand.LIVE,
    "live": Subcommand.LIVE,
    "tilbakemelding": Subcommand.FEEDBACK,
    "feedback": Subcommand.FEEDBACK,
    "time": Subcommand.HOUR,
    "hour": Subcommand.HOUR,
    "bisitting": Subcommand.SIT_IN,
    "bisitte": Subcommand.SIT_IN,
    "sit-in": Subcommand.SIT_IN,
    "sitin": Subcommand.SIT_IN,
    "gruppe": Subcommand.GROUP,
    "group": Subcommand.GROUP,
    "stotte": Subcommand.SUPPORT,
    "støtte": Subcommand.SUPPORT,
    "support": Subcommand.SUPPORT,
    "sak": Subcommand.ISSUE,
    "issue": Subcommand.ISSUE,
    "status": Subcommand.STATUS,
    "fravaer": Subcommand.ABSENCE,
    "fravær": Subcommand.ABSENCE,
    "absence": Subcommand.ABSENCE,
    "stedfortreder": Subcommand.SUBSTITUTE,
    "substitute": Subcommand.SUBSTITUTE,
    "produksjon": Subcommand.PRODUCTION,
    "production": Subcommand.PRODUCTION,
    "mote": Subcommand.MEETING,
    "møte": Subcommand.MEETING,
    "meeting": Subcommand.MEETING,
    "referat": Subcommand.MINUTES,
    "minutes": Subcommand.MINUTES,
    "opplaering": Subcommand.TRAINING,
    "opplæring": Subcommand.TRAINING,
    "training": Subcommand.TRAINING,
    "logg": Subcommand.LOG,
    "log": Subcommand.LOG,
    "sprak": Subcommand.LANGUAGE,
    "språk": Subcommand.LANGUAGE,
    "language": Subcommand.LANGUAGE,
    "hvem": Subcommand.WHO,
    "who": Subcommand.WHO,
    "katalog": Subcommand.DIRECTORY,
    "directory": Subcommand.DIRECTORY,
    "fungerende": Subcommand.ACTING,
    "acting": Subcommand.ACTING,
}

#: Words that hint at the user's language when they type a command.
ENGLISH_WORDS = frozenset(
    {"help", "live", "feedback", "hour", "sit-in", "sitin", "group", "support", "issue", "absence",
     "substitute", "production", "meeting", "minutes", "training", "log", "language", "who", "directory",
     "acting"}
)


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    sub: Subcommand
    args: tuple[str, ...]
    word: str  # the word the user typed for the subcommand, as typed
    raw: str


def parse(text: str | None) -> ParsedCommand:
    raw = (text or "").strip()
    if not raw:
        return ParsedCommand(Subcommand.MENU, (), "", raw)
    first, *rest = raw.split()
    key = unicodedata.normalize("NFC", first).lower()
    sub = ALIASES.get(key, Subcommand.UNKNOWN)
    return ParsedCommand(sub, tuple(rest), first, raw)
