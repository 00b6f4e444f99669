"""What users type after ``/ifn fungerende``, ``/ifn språk`` and ``/ifn katalog``,
parsed by pure functions (as ``bot.dates`` does for status, absence and
substitutes): the parsed command, or a ``ParseError`` naming a catalog key."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bot.dates import ParseError, Period, parse_mention, parse_period, tokens
from bot.domain.language import Lang

_LIST_WORDS = frozenset({"liste", "list", "vis", "show"})
_DELETE_WORDS = frozenset({"slett", "delete", "fjern", "remove"})
_AREA_WORDS = frozenset({"for", "område", "omrade", "area"})

#: Language words: codes and names, Norwegian and English.
LANGUAGE_WORDS: dict[str, Lang] = {
    "nb": Lang.NB, "no": Lang.NB, "norsk": Lang.NB, "bokmål": Lang.NB, "bokmal": Lang.NB,
    "norwegian": Lang.NB,
    "en": Lang.EN, "engelsk": Lang.EN, "english": Lang.EN,
}


def _norm(word: str) -> str:
    return unicodedata.normalize("NFC", word).lower()


# --- /ifn fungerende -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListActing:
    pass


@dataclass(frozen=True, slots=True)
class DesignateActing:
    person_user: str  # Slack user id
    period: Period
    area: str | None = None  # None: the area the designating leader leads


@dataclass(frozen=True, slots=True)
class DeleteActing:
    number: int  # as shown in the list, from 1


def parse_acting(text: str) -> ListActing | DesignateActing | DeleteActing | ParseError:
    """``@person FRA TIL [område X]``, ``slett NR``, or nothing (the list)."""
    words = tokens(text)
    if not words or (len(words) == 1 and _norm(words[0]) in _LIST_WORDS):
        return ListActing()
    if _norm(words[0]) in _DELETE_WORDS:
        number = words[1].lstrip("#") if len(words) == 2 else ""
        if not (number.isascii() and number.isdigit() and 0 < int(number) < 10_000):
            return ParseError("acting.delete_usage")
        return DeleteActing(int(number))
    area: str | None = None
    if len(words) >= 2 and _norm(words[-2]) in _AREA_WORDS:
        area = words[-1].upper()
        words = words[:-2]
    person = parse_mention(words[0])
    if person is None:
        if words[0].startswith(("@", "<")):
            return ParseError("acting.bad_mention", {"text": words[0]})
        return ParseError("acting.usage")
    period = parse_period(words[1:], "acting.usage")
    if isinstance(period, ParseError):
        return period
    return DesignateActing(person, period, area)


# --- /ifn språk ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShowLanguage:
    pass


@dataclass(frozen=True, slots=True)
class SetLanguage:
    lang: Lang


def parse_language(args: tuple[str, ...] | list[str]) -> ShowLanguage | SetLanguage | ParseError:
    if not args:
        return ShowLanguage()
    if len(args) == 1 and _norm(args[0]) in LANGUAGE_WORDS:
        return SetLanguage(LANGUAGE_WORDS[_norm(args[0])])
    return ParseError("lang.usage")
