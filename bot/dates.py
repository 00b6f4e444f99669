"""What users type after ``/ifn status``, ``/ifn fravær`` and ``/ifn stedfortreder``,
parsed by pure functions.

Nothing here knows the clock, the database or Slack: a parser returns either the
parsed command or a :class:`ParseError` naming a catalog key (and its params), so
the caller answers in the user's language and nothing changes on bad input.
Rules that need "today" (a date in the past, an "until" time already gone) are
the service's business.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, time

from bot.domain.requests import AvailabilityStatus

#: dd.mm.yyyy (one-digit day and month allowed); ISO yyyy-mm-dd.
_NORWEGIAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
#: HH:MM or H:MM; Norwegians also write 14.30.
_CLOCK = re.compile(r"^(\d{1,2})[:.](\d{2})$")
#: A user mention as Slack escapes it in command text: <@U123ABC> or <@U123ABC|name>.
_MENTION = re.compile(r"^<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>$")
#: Tokens of command text: an escaped entity <...> (which may hold spaces) or a word.
_TOKEN = re.compile(r"<[^>]*>|\S+")

#: Words accepted between two dates: "01.12.2026 til 05.12.2026", "… - …".
_RANGE_WORDS = frozenset({"-", "–", "—", "til", "to", "until"})
_UNTIL_WORDS = frozenset({"til", "until", "to"})
_FOR_WORDS = frozenset({"for"})
_DELETE_WORDS = frozenset({"slett", "delete", "fjern", "remove"})
_LIST_WORDS = frozenset({"liste", "list", "vis", "show"})

#: Status words, Norwegian first, English aliases after.
STATUS_WORDS: dict[str, AvailabilityStatus] = {
    "ledig": AvailabilityStatus.AVAILABLE,
    "available": AvailabilityStatus.AVAILABLE,
    "opptatt": AvailabilityStatus.BUSY,
    "busy": AvailabilityStatus.BUSY,
    "borte": AvailabilityStatus.AWAY,
    "away": AvailabilityStatus.AWAY,
}


@dataclass(frozen=True, slots=True)
class ParseError:
    """Bad input: ``key`` is a catalog key, ``params`` fill its placeholders."""

    key: str
    params: dict[str, str] = field(default_factory=dict)


def _norm(word: str) -> str:
    return unicodedata.normalize("NFC", word).lower()


def tokens(text: str) -> list[str]:
    """Split command text into words, keeping an escaped mention in one piece."""
    return _TOKEN.findall(text or "")


def parse_date(text: str) -> date | None:
    """``dd.mm.yyyy`` or ISO ``yyyy-mm-dd``; None if it is neither or no such day."""
    text = (text or "").strip()
    match = _NORWEGIAN_DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO_DATE.match(text)
        if not match:
            return None
        year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_clock(text: str) -> time | None:
    """``HH:MM`` (or ``H:MM``, ``HH.MM``) on a 24-hour clock; None otherwise."""
    match = _CLOCK.match((text or "").strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_mention(text: str) -> str | None:
    """The Slack user id in an escaped mention (``<@U123|name>``), else None."""
    match = _MENTION.match((text or "").strip())
    return match.group(1) if match else None


# --- /ifn status ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShowStatus:
    pass


@dataclass(frozen=True, slots=True)
class SetStatus:
    status: AvailabilityStatus
    until: time | None = None  # local wall-clock time today


def parse_status(args: list[str] | tuple[str, ...]) -> ShowStatus | SetStatus | ParseError:
    """``[]`` shows the status; ``ledig|opptatt|borte [til HH:MM]`` sets it."""
    if not args:
        return ShowStatus()
    status = STATUS_WORDS.get(_norm(args[0]))
    if status is None:
        return ParseError("avail.status.usage")
    rest = [_norm(a) for a in args[1:]]
    if not rest:
        return SetStatus(status)
    if len(rest) == 2 and rest[0] in _UNTIL_WORDS:
        until = parse_clock(rest[1])
        if until is None:
            return ParseError("avail.status.bad_time", {"text": args[2]})
        return SetStatus(status, until)
    if len(rest) == 1 and parse_clock(rest[0]) is not None:
        return SetStatus(status, parse_clock(rest[0]))
    return ParseError("avail.status.usage")


# --- dates: FRA TIL ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date  # inclusive


def parse_period(words: list[str], usage_key: str) -> Period | ParseError:
    """``FRA TIL``, ``FRA til TIL``, ``FRA - TIL`` or one date (a one-day period).
    Only the form is checked here, not whether the end comes after the start."""
    words = [w for w in words if _norm(w) not in _RANGE_WORDS]
    if not 1 <= len(words) <= 2:
        return ParseError(usage_key)
    dates: list[date] = []
    for word in words:
        day = parse_date(word)
        if day is None:
            return ParseError("avail.bad_date", {"text": word})
        dates.append(day)
    return Period(dates[0], dates[-1])


# --- /ifn fravær ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListAbsences:
    pass


@dataclass(frozen=True, slots=True)
class AddAbsence:
    period: Period
    for_user: str | None = None  # Slack user id after "for": a leader registers their IFK's absence


@dataclass(frozen=True, slots=True)
class DeleteAbsence:
    number: int  # as shown in the list, from 1


AbsenceCommand = ListAbsences | AddAbsence | DeleteAbsence


def parse_absence(args: list[str] | tuple[str, ...]) -> AbsenceCommand | ParseError:
    if not args or (len(args) == 1 and _norm(args[0]) in _LIST_WORDS):
        return ListAbsences()
    if _norm(args[0]) in _DELETE_WORDS:
        if len(args) != 2:
            return ParseError("avail.absence.delete_usage")
        number = args[1].lstrip("#")
        if not number.isdigit() or int(number) < 1:
            return ParseError("avail.absence.delete_usage")
        return DeleteAbsence(int(number))
    words = list(args)
    for_user: str | None = None
    for i, word in enumerate(words):
        if _norm(word) in _FOR_WORDS:
            if i + 1 >= len(words):
                return ParseError("avail.absence.usage")
            for_user = parse_mention(words[i + 1])
            if for_user is None:
                return ParseError("avail.substitute.bad_mention", {"text": words[i + 1]})
            words = words[:i] + words[i + 2:]
            break
    period = parse_period(words, "avail.absence.usage")
    if isinstance(period, ParseError):
        return period
    return AddAbsence(period, for_user)


# --- /ifn stedfortreder ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListSubstitutes:
    pass


@dataclass(frozen=True, slots=True)
class DesignateSubstitute:
    substitute_user: str  # Slack user id
    period: Period
    coordinator_user: str | None = None  # Slack user id after "for"; None: the leader's own IFK


def parse_substitute(text: str) -> ListSubstitutes | DesignateSubstitute | ParseError:
    """``@person FRA TIL [for @koordinator]`` from the text after the subcommand
    word (mentions escaped by Slack, possibly with spaces in the name part)."""
    words = tokens(text)
    if not words or (len(words) == 1 and _norm(words[0]) in _LIST_WORDS):
        return ListSubstitutes()
    coordinator: str | None = None
    for i, word in enumerate(words):
        if _norm(word) in _FOR_WORDS:
            if i + 1 >= len(words):
                return ParseError("avail.substitute.usage")
            coordinator = parse_mention(words[i + 1])
            if coordinator is None:
                return ParseError("avail.substitute.bad_mention", {"text": words[i + 1]})
            words = words[:i] + words[i + 2:]
            break
    if not words:
        return ParseError("avail.substitute.usage")
    substitute = parse_mention(words[0])
    if substitute is None:
        if words[0].startswith("@") or words[0].startswith("<"):
            return ParseError("avail.substitute.bad_mention", {"text": words[0]})
        return ParseError("avail.substitute.usage")
    period = parse_period(words[1:], "avail.substitute.usage")
    if isinstance(period, ParseError):
        return period
    return DesignateSubstitute(substitute, period, coordinator)

