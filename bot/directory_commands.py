"""What users type after ``/ifn fungerende``, ``/ifn språk`` and ``/ifn katalog``,
parsed by pure functions (as ``bot.dates`` does for status, absence and
substitutes): the parsed command, or a ``ParseError`` naming a catalog key."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from bot.dates import ParseError, Period, parse_date, parse_mention, parse_period, tokens
from bot.domain.language import Lang
from bot.domain.roles import Role

_LIST_WORDS = frozenset({"liste", "list", "vis", "show"})
_DELETE_WORDS = frozenset({"slett", "delete", "fjern", "remove"})
_AREA_WORDS = frozenset({"for", "område", "omrade", "area"})

#: Language words: codes and names, Norwegian and English.
LANGUAGE_WORDS: dict[str, Lang] = {
    "nb": Lang.NB,
    "no": Lang.NB,
    "norsk": Lang.NB,
    "bokmål": Lang.NB,
    "bokmal": Lang.NB,
    "norwegian": Lang.NB,
    "en": Lang.EN,
    "engelsk": Lang.EN,
    "english": Lang.EN,
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


# --- the roles field of the directory form ------------------------------------------

#: Role words an admin may type: the codes and the Norwegian and English names.
ROLE_WORDS: dict[str, Role] = {
    **{r.value: r for r in Role},
    "saksbehandler": Role.CASEWORKER,
    "enhetsleder": Role.UNIT_LEADER,
    "områdeleder": Role.AREA_LEADER,
    "omradeleder": Role.AREA_LEADER,
    "avdelingsledelse": Role.MANAGEMENT,
    "ledelse": Role.MANAGEMENT,
    "administrator": Role.ADMIN,
    "area-leader": Role.AREA_LEADER,
    "unit-leader": Role.UNIT_LEADER,
}
_FROM_WORDS = frozenset({"fra", "from", "f.o.m.", "fom"})
_TO_WORDS = frozenset({"til", "to", "until", "t.o.m.", "tom", "-", "–", "—"})


@dataclass(frozen=True, slots=True)
class RoleLine:
    role: Role
    area: str | None
    valid_from: date | None
    valid_to: date | None

    def entry(self) -> dict[str, object]:
        """The directory file's role entry."""
        out: dict[str, object] = {"role": self.role.value}
        if self.area:
            out["area"] = self.area
        if self.valid_from:
            out["from"] = self.valid_from
        if self.valid_to:
            out["to"] = self.valid_to
        return out


def parse_role_lines(text: str) -> list[RoleLine] | ParseError:
    """One role a line: ``ROLE [AREA] [fra DATO] [til DATO]`` (``ifk B fra
    01.01.2027``, ``områdeleder A 01.12.2026 til 31.12.2026``); two bare dates
    are from and to. Empty lines are skipped."""
    out: list[RoleLine] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        words = line.replace(",", " ").split()
        if not words:
            continue
        role = ROLE_WORDS.get(_norm(words[0]))
        if role is None:
            return ParseError("dir.form.role_unknown", {"line": str(number), "text": words[0]})
        area: str | None = None
        valid_from: date | None = None
        valid_to: date | None = None
        target = "from"
        for word in words[1:]:
            low = _norm(word)
            if low in _FROM_WORDS:
                target = "from"
            elif low in _TO_WORDS:
                target = "to"
            elif (day := parse_date(word)) is not None:
                if target == "from" and valid_from is None:
                    valid_from, target = day, "to"
                elif target == "to" and valid_to is None:
                    valid_to = day
                else:
                    return ParseError("dir.form.role_line", {"line": str(number), "text": line.strip()})
            elif (
                area is None and valid_from is None and valid_to is None and word.isalnum() and len(word) <= 8
            ):
                area = word.upper()
            else:
                return ParseError("dir.form.role_line", {"line": str(number), "text": line.strip()})
        out.append(RoleLine(role, area, valid_from, valid_to))
    return out


def role_line_text(
    role: str, area: str | None, valid_from: date | None, valid_to: date | None, lang: Lang
) -> str:
    """A stored role as the form shows it (and ``parse_role_lines`` reads back)."""
    words = [role] + ([area] if area else [])
    if valid_from:
        words += ["fra" if lang is Lang.NB else "from", valid_from.strftime("%d.%m.%Y")]
    if valid_to:
        words += ["til" if lang is Lang.NB else "to", valid_to.strftime("%d.%m.%Y")]
    return " ".join(words)
