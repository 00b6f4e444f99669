"""The working calendar: Oslo working hours, weekends, Norwegian holidays, DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.calendar import WorkingCalendar, norwegian_public_holidays
from bot.routing_types import WorkingHours

OSLO = ZoneInfo("Europe/Oslo")
ONE_WORKING_DAY = 7 * 3600 + 45 * 60  # 08:00-15:45


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar(WorkingHours(time(8, 0), time(15, 45)))


def oslo(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    """Oslo wall-clock time as aware UTC (what the calendar takes and returns)."""
    return datetime(y, mo, d, h, mi, s, tzinfo=OSLO).astimezone(UTC)


# --- holidays -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2024, 1, 1), "første nyttårsdag"),
        (date(2024, 3, 28), "skjærtorsdag"),
        (date(2024, 3, 29), "langfredag"),
        (date(2024, 4, 1), "2. påskedag"),
        (date(2024, 5, 1), "arbeidernes dag"),
        (date(2024, 5, 9), "Kristi himmelfartsdag"),
        (date(2024, 5, 17), "grunnlovsdag"),
        (date(2024, 5, 20), "2. pinsedag"),
        (date(2024, 12, 25), "1. juledag"),
        (date(2024, 12, 26), "2. juledag"),
        (date(2026, 4, 2), "skjærtorsdag 2026"),
        (date(2026, 4, 3), "langfredag 2026"),
        (date(2026, 4, 6), "2. påskedag 2026"),
    ],
)
def test_public_holidays_on_weekdays_are_not_working_days(cal, day, name):
    assert day.weekday() < 5, name
    assert cal.is_public_holiday(day), name
    assert not cal.is_working_day(day), name


@pytest.mark.parametrize(
    "day",
    [
        date(2024, 12, 24),  # julaften is not a public holiday
        date(2024, 12, 31),
        date(2024, 3, 27),  # Wednesday before Easter
        date(2024, 4, 2),  # Tuesday after Easter
        date(2024, 5, 16),
    ],
)
def test_ordinary_weekdays_are_working_days(cal, day):
    assert cal.is_working_day(day)


def test_weekends_are_not_working_days(cal):
    assert not cal.is_working_day(date(2025, 6, 14))  # Saturday
    assert not cal.is_working_day(date(2025, 6, 15))  # Sunday


def test_ordinary_sundays_are_not_listed_as_public_holidays():
    listed = norwegian_public_holidays(2025)
    assert date(2025, 1, 5) not in listed  # an ordinary Sunday
    assert date(2025, 4, 20) in listed  # påskedag is a Sunday holiday
    assert date(2025, 5, 17) in listed
    assert len(listed) == 12


# --- working time ---------------------------------------------------------------


def test_working_time_boundaries(cal):
    assert not cal.is_working_time(oslo(2025, 6, 11, 7, 59, 59))
    assert cal.is_working_time(oslo(2025, 6, 11, 8, 0))
    assert cal.is_working_time(oslo(2025, 6, 11, 15, 44, 59))
    assert not cal.is_working_time(oslo(2025, 6, 11, 15, 45))
    assert not cal.is_working_time(oslo(2025, 6, 11, 20, 0))


def test_working_time_on_weekend_and_holidays(cal):
    assert not cal.is_working_time(oslo(2025, 6, 14, 10, 0))  # Saturday
    assert not cal.is_working_time(oslo(2024, 5, 17, 10, 0))  # 17 May, a Friday
    assert not cal.is_working_time(oslo(2025, 12, 25, 10, 0))


def test_working_time_is_judged_in_oslo_time_not_utc(cal):
    # 06:30 UTC is 08:30 in Oslo in summer, 07:30 in winter.
    assert cal.is_working_time(datetime(2025, 6, 11, 6, 30, tzinfo=UTC))
    assert not cal.is_working_time(datetime(2025, 1, 15, 6, 30, tzinfo=UTC))
    # 14:00 UTC is 15:00 in winter, 16:00 in summer.
    assert cal.is_working_time(datetime(2025, 1, 15, 14, 0, tzinfo=UTC))
    assert not cal.is_working_time(datetime(2025, 6, 11, 14, 0, tzinfo=UTC))


def test_naive_datetimes_are_refused(cal):
    with pytest.raises(ValueError):
        cal.is_working_time(datetime(2025, 6, 11, 10, 0))


# --- next working start ---------------------------------------------------------


def test_next_working_start_inside_working_time_is_now(cal):
    now = oslo(2025, 6, 11, 10, 17, 3)
    assert cal.next_working_start(now) == now
    assert cal.next_working_start(now).tzinfo is UTC


def test_next_working_start_before_opening_is_same_morning(cal):
    assert cal.next_working_start(oslo(2025, 6, 11, 6, 0)) == oslo(2025, 6, 11, 8, 0)


def test_next_working_start_after_closing_is_next_morning(cal):
    assert cal.next_working_start(oslo(2025, 6, 11, 15, 45)) == oslo(2025, 6, 12, 8, 0)


def test_next_working_start_friday_evening_is_monday(cal):
    assert cal.next_working_start(oslo(2025, 6, 13, 20, 0)) == oslo(2025, 6, 16, 8, 0)


def test_next_working_start_skips_easter(cal):
    # Wednesday before Easter 2024, evening -> Tuesday after 2. påskedag.
    assert cal.next_working_start(oslo(2024, 3, 27, 16, 0)) == oslo(2024, 4, 2, 8, 0)


def test_next_working_start_across_spring_dst(cal):
    # Night of the spring change 2025 (Sunday 30 March): Monday 08:00 CEST = 06:00 UTC.
    start = cal.next_working_start(datetime(2025, 3, 30, 23, 30, tzinfo=UTC))
    assert start == datetime(2025, 3, 31, 6, 0, tzinfo=UTC)


def test_next_working_start_across_autumn_dst(cal):
    # Friday 24 October 2025 evening (CEST) -> Monday 27 October 08:00 CET = 07:00 UTC.
    start = cal.next_working_start(datetime(2025, 10, 24, 18, 0, tzinfo=UTC))
    assert start == datetime(2025, 10, 27, 7, 0, tzinfo=UTC)


# --- adding working time --------------------------------------------------------


def test_one_working_day_from_mid_afternoon_is_same_time_next_day(cal):
    # Wednesday 15:00 + 7h45 of working time: 45 min today, 7 h tomorrow -> Thursday 15:00.
    assert cal.add_working_time(oslo(2025, 6, 11, 15, 0), ONE_WORKING_DAY) == oslo(2025, 6, 12, 15, 0)


def test_friday_afternoon_plus_one_working_day_is_monday(cal):
    assert cal.add_working_time(oslo(2025, 6, 13, 15, 0), ONE_WORKING_DAY) == oslo(2025, 6, 16, 15, 0)


def test_holiday_friday_is_skipped(cal):
    # Thursday 16 May 2024; Friday is 17 May, Monday 20 May is 2. pinsedag -> Tuesday.
    assert cal.add_working_time(oslo(2024, 5, 16, 15, 0), ONE_WORKING_DAY) == oslo(2024, 5, 21, 15, 0)


def test_easter_is_skipped(cal):
    # Wednesday 27 March 2024 12:00 + one working day -> Tuesday 2 April 12:00.
    assert cal.add_working_time(oslo(2024, 3, 27, 12, 0), ONE_WORKING_DAY) == oslo(2024, 4, 2, 12, 0)


def test_christmas_is_skipped(cal):
    # Wednesday 24 Dec 2025 (julaften, a working day) 10:00 -> Monday 29 Dec 10:00.
    assert cal.add_working_time(oslo(2025, 12, 24, 10, 0), ONE_WORKING_DAY) == oslo(2025, 12, 29, 10, 0)


def test_add_working_time_across_spring_dst(cal):
    # Friday 28 March 2025 15:00 CET -> Monday 31 March 15:00 CEST: 25 h of UTC... minus the hour.
    start = oslo(2025, 3, 28, 15, 0)
    end = cal.add_working_time(start, ONE_WORKING_DAY)
    assert end == oslo(2025, 3, 31, 15, 0)
    assert end == datetime(2025, 3, 31, 13, 0, tzinfo=UTC)


def test_add_working_time_across_autumn_dst(cal):
    start = oslo(2025, 10, 24, 15, 0)
    end = cal.add_working_time(start, ONE_WORKING_DAY)
    assert end == datetime(2025, 10, 27, 14, 0, tzinfo=UTC)


def test_short_timeout_within_the_day(cal):
    assert cal.add_working_time(oslo(2025, 6, 11, 10, 0), 180) == oslo(2025, 6, 11, 10, 3)


def test_timeout_that_ends_at_closing_stays_at_closing(cal):
    assert cal.add_working_time(oslo(2025, 6, 11, 15, 0), 45 * 60) == oslo(2025, 6, 11, 15, 45)


def test_counting_starts_at_next_working_moment(cal):
    # Saturday night + 2 h -> Monday 10:00.
    assert cal.add_working_time(oslo(2025, 6, 14, 23, 0), 7200) == oslo(2025, 6, 16, 10, 0)
    assert cal.add_working_time(oslo(2025, 6, 14, 23, 0), 0) == oslo(2025, 6, 16, 8, 0)


def test_several_working_days(cal):
    # Monday 9:00 + 5 working days -> next Monday 9:00.
    assert cal.add_working_time(oslo(2025, 9, 1, 9, 0), 5 * ONE_WORKING_DAY) == oslo(2025, 9, 8, 9, 0)


def test_negative_time_is_refused(cal):
    with pytest.raises(ValueError):
        cal.add_working_time(oslo(2025, 6, 11, 10, 0), -1)


def test_working_seconds_between_is_inverse_of_add(cal):
    start = oslo(2024, 3, 27, 11, 13)
    for seconds in (0, 60, 3600, ONE_WORKING_DAY, 3 * ONE_WORKING_DAY + 1234):
        end = cal.add_working_time(start, seconds)
        assert cal.working_seconds_between(start, end) == pytest.approx(seconds)


# --- working days ---------------------------------------------------------------


def test_next_working_day(cal):
    assert cal.next_working_day(date(2025, 6, 11)) == date(2025, 6, 12)
    assert cal.next_working_day(date(2025, 6, 13)) == date(2025, 6, 16)  # Friday -> Monday
    assert cal.next_working_day(date(2024, 5, 16)) == date(2024, 5, 21)  # 17 May, pinse
    assert cal.next_working_day(date(2025, 12, 24)) == date(2025, 12, 29)


def test_working_days_before(cal):
    assert cal.working_days_before(date(2025, 6, 16), 1) == date(2025, 6, 13)  # Monday -> Friday
    assert cal.working_days_before(date(2024, 4, 2), 1) == date(2024, 3, 27)  # over Easter
    assert cal.working_days_before(date(2024, 5, 21), 1) == date(2024, 5, 16)  # over 17 May + pinse
    assert cal.working_days_before(date(2025, 9, 11), 3) == date(2025, 9, 8)
    assert cal.working_days_before(date(2025, 6, 12), 0) == date(2025, 6, 12)


def test_local_date_is_oslo_date(cal):
    # 23:30 UTC on 16 May is already 17 May in Oslo.
    assert cal.local_date(datetime(2024, 5, 16, 23, 30, tzinfo=UTC)) == date(2024, 5, 17)


def test_other_working_hours(cal):
    short = WorkingCalendar(WorkingHours(time(9, 0), time(12, 0)))
    assert short.add_working_time(oslo(2025, 6, 11, 11, 0), 2 * 3600) == oslo(2025, 6, 12, 10, 0)
    assert not short.is_working_time(oslo(2025, 6, 11, 12, 30))
    assert cal.is_working_time(oslo(2025, 6, 11, 12, 30))
    assert timedelta(0) == cal.next_working_start(oslo(2025, 6, 11, 12, 30)) - oslo(2025, 6, 11, 12, 30)


def test_whit_monday_counts_in_working_days(cal):
    # 9 June 2025 is 2. pinsedag: three working days before Thursday 12 June is Friday 6 June.
    assert cal.working_days_before(date(2025, 6, 12), 3) == date(2025, 6, 6)


def test_the_holiday_rules_agree_with_the_holidays_package_from_1950_to_2100():
    """bot.calendar writes Norway's holidays out from the law; the well-kept
    ``holidays`` package (a test dependency) is the reference."""
    import holidays

    from bot.calendar import norwegian_public_holidays

    for year in range(1950, 2101):  # the package knows Norway to 2100
        expected = frozenset(holidays.Norway(years=year, include_sundays=False).keys())
        assert norwegian_public_holidays(year) == expected, year
