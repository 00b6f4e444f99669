"""Screening free text for Norwegian national identity numbers (SPEC §7).

A fødselsnummer or D-number is 11 digits: the birth date DDMMYY (a D-number adds
40 to the day), a three-digit individual number and two mod-11 control digits.
Requiring valid control digits keeps case numbers, phone numbers and other long
numbers from being refused by mistake.

People write these numbers in many ways, and a screen that knows only one is
no screen: ``DDMMYY NNNNN``, ``DD MM YY NNNNN``, ``DDMMYY NNN NN``,
``DD.MM.YY NNNNN``, two spaces, a dash with spaces around it, a zero-width
character or a soft hyphen inside, non-breaking or ideographic spaces,
full-width or other Unicode decimal digits. So the text is first read as a
sequence of *digit groups* (maximal runs of digits of any script) separated by
*gaps*:

* invisible characters (format characters such as U+200B–U+200D, U+2060,
  U+FEFF, U+00AD, and combining marks) are dropped before anything else;
* a gap is one to three separator characters: horizontal whitespace of any
  kind, dots and dashes (full-width forms included). Anything else — a letter,
  a slash, a colon, a comma, a line break — ends the number.

Any run of whole groups that holds exactly 11 digits is a candidate and gets the
mod-11 check. Groups are never split, so an 11-digit number inside a longer run
of digits (an account number, a 13-digit reference) is not a candidate.

Two shapes are left out on purpose: a run that starts ``D(D) M(M) YYYY`` or
``YYYY M(M) D(D)`` (groups of 1–2, 1–2 and 4 digits, or 4, 1–2 and 1–2) is a
date with a four-digit year followed by some other number — ``01.12.2026 123``,
``2012-05-03 1234`` — and a real number never holds a four-digit year.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# Longest month, leap years included: a real number never has 30 February.
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

_LENGTH = 11
#: At most this many separator characters between two groups of one number.
MAX_GAP = 3
#: Separators besides Unicode space separators (Zs) and dashes (Pd), after NFKC.
_EXTRA_SEPARATORS = frozenset({"\t", ".", "\u00b7", "\u2212"})  # tab, dot, middle dot, minus sign

_DIGIT, _SEPARATOR, _IGNORED, _OTHER = "d", "s", "i", "o"


@lru_cache(maxsize=4096)
def _classify(char: str) -> tuple[str, int]:
    """(kind, digit value) of one character. Classified after NFKC of the
    character alone, so full-width digits, ideographic spaces and the like count
    as what they look like."""
    category = unicodedata.category(char)
    if category == "Cf" or category.startswith("M"):
        return _IGNORED, 0
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) == 1:
        value = unicodedata.decimal(folded, None)
        if value is not None:
            return _DIGIT, value
        folded_category = unicodedata.category(folded)
        if folded_category in ("Zs", "Pd") or folded in _EXTRA_SEPARATORS:
            return _SEPARATOR, 0
    return _OTHER, 0


@dataclass(frozen=True, slots=True)
class _Group:
    digits: str  # ASCII digits
    start: int  # index of the first digit in the original text
    end: int  # index after the last digit
    gap_before: int | None  # separator characters between this group and the previous; None: no link


def _groups(text: str) -> list[_Group]:
    groups: list[_Group] = []
    digits: list[str] = []
    start = end = 0
    gap: int | None = None  # separators since the last group; None once the link is broken
    for index, char in enumerate(text):
        kind, value = _classify(char)
        if kind == _IGNORED:
            continue
        if kind == _DIGIT:
            if not digits:
                start = index
            digits.append(str(value))
            end = index + 1
            continue
        if digits:
            groups.append(_Group("".join(digits), start, end, gap if groups else None))
            digits = []
            gap = 0
        if kind == _SEPARATOR and gap is not None:
            gap += 1
            if gap > MAX_GAP:
                gap = None
        else:
            gap = None
    if digits:
        groups.append(_Group("".join(digits), start, end, gap if groups else None))
    return groups


def _control(digits: list[int], weights: tuple[int, ...]) -> int | None:
    """The mod-11 control digit, or None when the remainder makes it impossible."""
    remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def _plausible_date(digits: list[int]) -> bool:
    day = digits[0] * 10 + digits[1]
    month = digits[2] * 10 + digits[3]
    if day > 40:  # D-number: day + 40
        day -= 40
    if not 1 <= month <= 12:
        return False
    return 1 <= day <= _DAYS_IN_MONTH[month - 1]


def is_national_id(number: str) -> bool:
    """True if ``number`` (11 ASCII digits, nothing else) is a valid
    fødselsnummer or D-number: plausible date and both control digits right."""
    if len(number) != _LENGTH or not number.isascii() or not number.isdigit():
        return False
    digits = [int(c) for c in number]
    if not _plausible_date(digits):
        return False
    k1 = _control(digits[:9], _K1_WEIGHTS)
    if k1 is None or k1 != digits[9]:
        return False
    k2 = _control(digits[:10], _K2_WEIGHTS)
    return k2 is not None and k2 == digits[10]


def _is_long_date(run: list[_Group]) -> bool:
    """A date with a four-digit year at the start of ``run`` (day first or ISO)."""
    if len(run) < 3:
        return False
    a, b, c = (len(g.digits) for g in run[:3])
    return (a <= 2 and b <= 2 and c == 4) or (a == 4 and b <= 2 and c <= 2)


def find_national_id(text: str) -> str | None:
    """The first national identity number in ``text`` as written there (from its
    first digit to its last, separators and invisible characters included), or None."""
    if not text:
        return None
    groups = _groups(text)
    for first in range(len(groups)):
        run: list[_Group] = []
        length = 0
        for group in groups[first:]:
            if run and group.gap_before is None:
                break
            run.append(group)
            length += len(group.digits)
            if length >= _LENGTH:
                break
        if length != _LENGTH or _is_long_date(run):
            continue
        if is_national_id("".join(g.digits for g in run)):
            return text[run[0].start:run[-1].end]
    return None


def contains_national_id(*texts: str | None) -> bool:
    """True if any of ``texts`` holds a national identity number."""
    return any(text and find_national_id(text) is not None for text in texts)
