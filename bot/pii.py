"""Screening free text for Norwegian national identity numbers (SPEC §7).

A fødselsnummer or D-number is 11 digits: the birth date DDMMYY (a D-number adds
40 to the day), a three-digit individual number and two mod-11 control digits.
Requiring valid control digits keeps case numbers, phone numbers and other long
numbers from being refused by mistake, while a real number pasted into a form
is caught even when written ``DDMMYY NNNNN``.
"""

from __future__ import annotations

import re

# Overlapping candidates (the lookahead captures without consuming), so a
# non-matching run cannot hide a real number that starts inside it. The date
# part and the personal part may be separated by one space, dot or dash.
_CANDIDATE = re.compile(r"(?<![0-9])(?=([0-9]{6}[ \u00a0.\-]?[0-9]{5})(?![0-9]))")

_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# Longest month, leap years included: a real number never has 30 February.
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


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
    """True if ``number`` (11 digits, nothing else) is a valid fødselsnummer or
    D-number: plausible date and both control digits right."""
    if len(number) != 11 or not number.isascii() or not number.isdigit():
        return False
    digits = [int(c) for c in number]
    if not _plausible_date(digits):
        return False
    k1 = _control(digits[:9], _K1_WEIGHTS)
    if k1 is None or k1 != digits[9]:
        return False
    k2 = _control(digits[:10], _K2_WEIGHTS)
    return k2 is not None and k2 == digits[10]


def find_national_id(text: str) -> str | None:
    """The first national identity number in ``text`` as written there, or None.

    Matches 11 digits (optionally ``DDMMYY NNNNN`` with one space, dot or dash)
    that are not part of a longer digit run and pass the mod-11 check.
    """
    if not text:
        return None
    for match in _CANDIDATE.finditer(text):
        written = match.group(1)
        if is_national_id(re.sub(r"[^0-9]", "", written)):
            return written
    return None
