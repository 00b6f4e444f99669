"""National identity numbers written every which way are still found (issue 18),
and ordinary text with dates, times, phone and case numbers is still accepted."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.pii import MAX_GAP, contains_national_id, find_national_id
from tests.national_ids import (
    DIGIT_ZEROS,
    DNR,
    FNR,
    INVISIBLE,
    SEPARATORS,
    in_digits,
    make_number,
    other_writings,
)

_SINGLE_SEPARATORS = sorted({c for s in SEPARATORS for c in s})


def _digits_of(text: str) -> str:
    """The ASCII digits of ``text`` (any script), as the screen reads them."""
    out = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) == 1 and unicodedata.decimal(folded, None) is not None:
            out.append(str(unicodedata.decimal(folded)))
    return "".join(out)


def _looks_like_a_dated_number(lengths: list[int]) -> bool:
    """Group shapes the screen reads as a date with a four-digit year (documented
    in ``bot.pii``): 1–2, 1–2, 4 or 4, 1–2, 1–2 digits first."""
    if len(lengths) < 3:
        return False
    a, b, c = lengths[:3]
    return (a <= 2 and b <= 2 and c == 4) or (a == 4 and b <= 2 and c <= 2)


@st.composite
def written_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """(a valid number, that number written in a random way)."""
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2039, 12, 31)))
    individual = draw(st.integers(min_value=0, max_value=999))
    number = make_number(born, individual, d_number=draw(st.booleans()))
    assume(number is not None)
    assert number is not None
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=10), max_size=5)))
    bounds = [0, *cuts, 11]
    lengths = [b - a for a, b in zip(bounds, bounds[1:], strict=False)]
    assume(not _looks_like_a_dated_number(lengths))
    zeros = draw(st.lists(st.sampled_from(DIGIT_ZEROS), min_size=11, max_size=11))
    invisible_at = draw(st.sets(st.integers(min_value=1, max_value=10), max_size=3))
    parts: list[str] = []
    for index, digit in enumerate(number):
        if index in cuts:
            gap = draw(st.text(alphabet=_SINGLE_SEPARATORS, min_size=1, max_size=MAX_GAP))
            parts.append(gap)
        if index in invisible_at:
            parts.append(draw(st.sampled_from(INVISIBLE)))
        parts.append(in_digits(digit, zeros[index]))
    return number, "".join(parts)


_PREFIXES = ("", "fnr ", "Søker (", "f.nr.", "D-nummer: ", "abc")
_SUFFIXES = ("", ")", ", se notat", " ble intervjuet", "xyz", ".")


@settings(max_examples=400, deadline=None)
@given(written=written_numbers(), prefix=st.sampled_from(_PREFIXES), suffix=st.sampled_from(_SUFFIXES))
def test_a_valid_number_written_any_way_is_found(written: tuple[str, str], prefix: str, suffix: str):
    number, text = written
    found = find_national_id(f"{prefix}{text}{suffix}")
    assert found is not None
    assert _digits_of(found) == number


@settings(max_examples=200, deadline=None)
@given(written=written_numbers())
def test_the_same_writing_with_a_wrong_control_digit_is_not_a_number(written: tuple[str, str]):
    number, text = written
    last = text[-1]
    value = int(_digits_of(last))
    wrong = text[:-1] + chr(ord(last) - value + (value + 1) % 10)
    assert _digits_of(wrong) == number[:10] + str((int(number[10]) + 1) % 10)
    assert find_national_id(wrong) is None


@pytest.mark.parametrize("name, written", sorted(other_writings(FNR).items()))
def test_the_writings_issue_18_found_stored_are_refused(name: str, written: str):
    assert find_national_id(f"Gjelder søker {written} i saken") == written


def test_a_d_number_in_arabic_indic_digits_is_found():
    assert find_national_id(in_digits(DNR, 0x0660)) is not None


def test_a_number_inside_a_longer_run_of_digits_is_not_split_out():
    assert find_national_id(f"konto 1{FNR}") is None
    assert find_national_id(f"{FNR}\u200b9") is None  # the invisible character joins the runs


def test_four_separators_or_a_letter_end_the_number():
    assert find_national_id(f"{FNR[:6]}    {FNR[6:]}") is None
    assert find_national_id(f"{FNR[:6]} og {FNR[6:]}") is None
    assert find_national_id(f"{FNR[:6]}\n{FNR[6:]}") is None


def test_a_failing_run_does_not_hide_a_number_after_it():
    assert find_national_id(f"12 34 {FNR[:6]} {FNR[6:]}") == f"{FNR[:6]} {FNR[6:]}"


def test_contains_national_id_looks_at_every_text():
    assert contains_national_id(None, "", "ok", f"x {FNR[:6]}  {FNR[6:]}")
    assert not contains_national_id(None, "", "ok")


# ------------------------------------------------------------- ordinary text


ORDINARY = [
    "Intervjuet er 01.12.2026 kl. 10.30 i rom 301.",
    "Fra 01.12.2026 til 05.12.2026, deretter 07.12.2026 - 09.12.2026",
    "01.12.2026 123",
    "1.01.2026 1234",
    "2012-05-03 1234",
    "01.12.26 10:30",
    "Saksnummer 26/01234-3 og 26/01123-2, se også 25/00012",
    "Ring meg på 98765432 eller 22 33 44 55 eller +47 412 34 567",
    "Tlf 41 23 45 67, mobil 987 65 432",
    "kl 08.00–16.00, pause 11.30–12.00",
    "Rom 12 13 14 15 16 17",
    "Beløp 1 234 567,89 kr",
    "Versjon 2.10.3, side 12-14",
    "Referat fra møtet 14.02.2025, sak 3, 4 og 5",
    "12.00 - 13.00 og 14.00 - 15.00",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_not_refused(text: str):
    assert find_national_id(text) is None


@settings(max_examples=300, deadline=None)
@given(
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2039, 12, 31)),
    number=st.integers(min_value=0, max_value=99999),
    separator=st.sampled_from([".", "-", "/"]),
    gap=st.sampled_from([" ", "  ", " - "]),
)
def test_a_date_with_a_four_digit_year_and_a_number_after_it_is_a_date(
    day: date, number: int, separator: str, gap: str
):
    written = f"{day.day:02d}{separator}{day.month:02d}{separator}{day.year}{gap}{number}"
    assert find_national_id(written) is None
    iso = f"{day.isoformat()}{gap}{number}"
    assert find_national_id(iso) is None


@settings(max_examples=300, deadline=None)
@given(phone=st.integers(min_value=20000000, max_value=99999999),
       shape=st.sampled_from(["{}", "{} {} {} {}", "{} {} {}", "+47 {}"]))
def test_eight_digit_phone_numbers_in_any_grouping_pass(phone: int, shape: str):
    digits = str(phone)
    if shape == "{} {} {} {}":
        written = shape.format(digits[:2], digits[2:4], digits[4:6], digits[6:])
    elif shape == "{} {} {}":
        written = shape.format(digits[:3], digits[3:5], digits[5:])
    else:
        written = shape.format(digits)
    assert find_national_id(f"Ring {written} i dag") is None


@settings(max_examples=200, deadline=None)
@given(year=st.integers(min_value=0, max_value=99), serial=st.integers(min_value=0, max_value=99999),
       suffix=st.integers(min_value=1, max_value=99))
def test_case_references_pass(year: int, serial: int, suffix: int):
    text = f"Sak {year:02d}/{serial:05d}-{suffix} og {year:02d}/{serial:05d}"
    assert find_national_id(text) is None


@pytest.mark.parametrize("text", ["01.12.26 10.30-11.30", "1.12.2026 kl 9.15 - 10.45", "kl. 10 30 11 30"])
def test_a_time_range_on_a_date_passes(text: str):
    assert find_national_id(text) is None
