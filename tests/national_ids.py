"""Valid Norwegian national identity numbers for tests, and ways to write them.

Made here from the rules (date, individual number, two mod-11 control digits),
not copied from ``bot.pii``, so a test of the screen does not grade itself.
"""

from __future__ import annotations

from datetime import date

K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

#: Separator characters a person (or a copy from another system) may put inside a number.
SEPARATORS = (" ", "  ", ".", "-", " - ", ". ", "\u00a0", "\u202f", "\u2009", "\u3000", "\t",
              "\u2013", "\u2014", "\u2010", "\u2212", "\uff0e", "\uff0d")
#: Characters that show nothing: zero-width space/non-joiner/joiner, word joiner, BOM, soft hyphen.
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")
#: Zero of decimal digit sets: ASCII, full-width, Arabic-Indic, Devanagari, mathematical bold.
DIGIT_ZEROS = (0x30, 0xFF10, 0x0660, 0x0966, 0x1D7CE)


def control(digits: str, weights: tuple[int, ...]) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return {0: 0, 1: None}.get(remainder, 11 - remainder)


def make_number(born: date, individual: int, *, d_number: bool = False) -> str | None:
    """A valid fødselsnummer (or D-number) for ``born``/``individual``, or None
    when that individual number has no valid control digits."""
    day = born.day + (40 if d_number else 0)
    base = f"{day:02d}{born.month:02d}{born.year % 100:02d}{individual:03d}"
    k1 = control(base, K1)
    if k1 is None:
        return None
    k2 = control(base + str(k1), K2)
    if k2 is None:
        return None
    return f"{base}{k1}{k2}"


def valid_number(born: date = date(1990, 1, 1), *, d_number: bool = False, start: int = 100) -> str:
    for individual in range(start, 1000):
        number = make_number(born, individual, d_number=d_number)
        if number:
            return number
    raise AssertionError("no valid individual number")  # pragma: no cover


def in_digits(number: str, zero: int) -> str:
    """``number`` written with the decimal digits that start at code point ``zero``."""
    return "".join(chr(zero + int(d)) for d in number)


FNR = valid_number()
DNR = valid_number(date(1985, 7, 15), d_number=True)


def other_writings(number: str) -> dict[str, str]:
    """The ways of writing ``number`` that issue 18 found accepted, by name."""
    n = number
    return {
        "DD MM YY NNNNN": f"{n[:2]} {n[2:4]} {n[4:6]} {n[6:]}",
        "DDMMYY NNN NN": f"{n[:6]} {n[6:9]} {n[9:]}",
        "DD.MM.YY NNNNN": f"{n[:2]}.{n[2:4]}.{n[4:6]} {n[6:]}",
        "two spaces": f"{n[:6]}  {n[6:]}",
        "zero-width inside": f"{n[:4]}\u200b{n[4:]}",
        "full-width digits": in_digits(n, 0xFF10),
        "nbsp and dash": f"{n[:6]}\u00a0-\u00a0{n[6:]}",
        "word joiner, dots": f"{n[:2]}.{n[2:4]}.{n[4:6]}\u2060{n[6:]}",
    }
