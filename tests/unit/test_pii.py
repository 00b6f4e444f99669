"""National identity numbers in free text (SPEC §7)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.pii import find_national_id, is_national_id
from tests.national_ids import DNR, FNR, K1, K2, make_number, valid_number
from tests.national_ids import control as _control


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


@pytest.mark.parametrize(
    "written",
    [
        f"{FNR[:6]}  {FNR[6:]}",  # two spaces
        f"{FNR[:2]} {FNR[2:4]} {FNR[4:6]} {FNR[6:]}",  # DD MM YY NNNNN
        f"{FNR[:6]} {FNR[6:9]} {FNR[9:]}",  # DDMMYY NNN NN
        f"{FNR[:2]}.{FNR[2:4]}.{FNR[4:6]} {FNR[6:]}",  # DD.MM.YY NNNNN
        f"{FNR[:2]}.{FNR[2:4]}.{FNR[4:6]} - {FNR[6:]}",  # several separators
        f"{FNR[:6]}\u00a0{FNR[6:]}",  # non-breaking space
        f"{FNR[:5]} {FNR[5:]}",  # a separator elsewhere
        f"{FNR[:3]}\u200b{FNR[3:]}",  # zero-width space inside
        "".join(chr(0xFF10 + int(d)) for d in FNR),  # full-width digits
    ],
)
def test_the_number_is_found_however_it_is_written(written: str):
    assert find_national_id(f"søker med fnr {written}, se notat") == written


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
