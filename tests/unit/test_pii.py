"""National identity numbers in free text (SPEC §7)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.pii import find_national_id, is_national_id

K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _control(digits: str, weights: tuple[int, ...]) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return {0: 0, 1: None}.get(remainder, 11 - remainder)


def make_number(born: date, individual: int, *, d_number: bool = False) -> str | None:
    """A valid fødselsnummer (or D-number) for ``born``/``individual``, or None
    when that individual number has no valid control digits."""
    day = born.day + (40 if d_number else 0)
    base = f"{day:02d}{born.month:02d}{born.year % 100:02d}{individual:03d}"
    k1 = _control(base, K1)
    if k1 is None:
        return None
    k2 = _control(base + str(k1), K2)
    if k2 is None:
        return None
    return f"{base}{k1}{k2}"


def valid_number(born: date = date(1990, 1, 1), *, d_number: bool = False, start: int = 100) -> str:
    for individual in range(start, 1000):
        number = make_number(born, individual, d_number=d_number)
        if number:
            return number
    raise AssertionError("no valid individual number")  # pragma: no cover


FNR = valid_number()
DNR = valid_number(date(1985, 7, 15), d_number=True)


def with_bad_control(number: str) -> str:
    return number[:10] + str((int(number[10]) + 1) % 10)


def test_generator_matches_a_known_valid_number():
    # Worked out by hand: 01.01.90, individual number 124, controls 8 and 0.
    assert is_national_id("01019012480")
    assert make_number(date(1990, 1, 1), 124) == "01019012480"


def test_a_valid_fodselsnummer_is_found():
    assert find_national_id(FNR) == FNR


def test_a_d_number_is_found():
    assert int(DNR[:2]) > 40
    assert find_national_id(f"D-nummer {DNR}") == DNR


@pytest.mark.parametrize("separator", [" ", ".", "-"])
def test_a_separator_between_date_and_personal_part_is_allowed(separator: str):
    written = f"{FNR[:6]}{separator}{FNR[6:]}"
    assert find_national_id(f"søker med fnr {written}, se notat") == written


def test_two_separators_or_a_separator_elsewhere_is_not_a_number():
    assert find_national_id(f"{FNR[:6]}  {FNR[6:]}") is None
    assert find_national_id(f"{FNR[:5]} {FNR[5:]}") is None


def test_numbers_embedded_in_text_are_found():
    text = f"Søkeren (f.nr.{FNR}) ble intervjuet i går."
    assert find_national_id(text) == FNR
    assert find_national_id(f"abc{FNR}xyz") == FNR


def test_wrong_control_digits_are_not_a_number():
    assert find_national_id(with_bad_control(FNR)) is None
    first_wrong = FNR[:9] + str((int(FNR[9]) + 1) % 10) + FNR[10]
    assert find_national_id(first_wrong) is None


def test_an_eleven_digit_case_number_that_fails_the_check_passes():
    # Case numbers, archive references and the like are long digit runs too.
    for text in ("Saksnummer 20260101234", "ref 12345678901", "00000000000"):
        assert find_national_id(text) is None


def test_a_longer_digit_run_is_not_matched():
    assert find_national_id(FNR + "7") is None
    assert find_national_id("7" + FNR) is None
    assert find_national_id(f"kontonr 1{FNR}2") is None


def test_phone_numbers_and_short_numbers_pass():
    for text in ("Ring meg på 98765432", "+47 987 65 432", "tlf 22 33 44 55", "26/01234-2", "rom 301"):
        assert find_national_id(text) is None


def _first_with_controls(date_part: str) -> str:
    """``date_part`` + the first individual number whose control digits exist:
    passes the mod-11 check whatever the date says."""
    for individual in range(100, 1000):
        digits = f"{date_part}{individual:03d}"
        k1 = _control(digits, K1)
        k2 = None if k1 is None else _control(digits + str(k1), K2)
        if k2 is not None:
            return f"{digits}{k1}{k2}"
    raise AssertionError(date_part)  # pragma: no cover


@pytest.mark.parametrize("date_part", ["011390", "320190", "300290", "001290", "010090", "720190"])
def test_impossible_dates_are_not_numbers(date_part: str):
    # Correct control digits, but month 13 or 0, day 32 or 0, 30 February, D-day 72.
    assert find_national_id(_first_with_controls(date_part)) is None


@pytest.mark.parametrize("date_part", ["014190", "018190"])
def test_synthetic_test_numbers_with_month_plus_40_or_80_are_not_matched(date_part: str):
    # Only real numbers (month 1–12) are looked for.
    assert find_national_id(_first_with_controls(date_part)) is None


def test_29_february_and_d_number_day_71_are_dates():
    assert find_national_id(_first_with_controls("290200")) is not None
    assert find_national_id(_first_with_controls("710190")) is not None


def test_a_failing_candidate_does_not_hide_a_real_number_right_after_it():
    text = f"12345 {FNR[:6]} {FNR[6:]}"
    assert find_national_id(text) == f"{FNR[:6]} {FNR[6:]}"


def test_empty_text():
    assert find_national_id("") is None


@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2039, 12, 31)),
    individual=st.integers(min_value=0, max_value=999),
    d_number=st.booleans(),
)
def test_every_valid_number_is_found_and_a_changed_last_digit_is_not(
    born: date, individual: int, d_number: bool
):
    number = make_number(born, individual, d_number=d_number)
    if number is None:
        return
    assert find_national_id(f"x {number} y") == number
    assert find_national_id(with_bad_control(number)) is None


def test_dates_across_a_year_are_accepted():
    born = date(2000, 1, 1)
    for offset in range(0, 366, 7):
        number = valid_number(born + timedelta(days=offset))
        assert find_national_id(number) == number
