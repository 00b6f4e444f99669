"""The recurrence rules of network meetings, the reminder times and the rotation (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.calendar import WorkingCalendar
from bot.recurrence import LAST, Freq, Rule, local_dates, nth_of, nth_weekday, occurrences, rotation, to_utc
from bot.routing_types import WorkingHours
from bot.services.meetings import reminder_times
from bot.services.minutes import archive_link, parse_actions

OSLO = ZoneInfo("Europe/Oslo")
CAL = WorkingCalendar(WorkingHours(time(8, 0), time(15, 45), "Europe/Oslo"))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def take(rule: Rule, first: date, n: int) -> list[date]:
    out = []
    for day in local_dates(rule, first):
        out.append(day)
        if len(out) == n:
            return out
    return out


def test_weekly_crosses_a_month_end_and_a_year_end():
    assert take(Rule(Freq.WEEKLY), date(2026, 12, 17), 4) == [
        date(2026, 12, 17), date(2026, 12, 24), date(2026, 12, 31), date(2027, 1, 7)]


def test_every_other_week_across_february():
    assert take(Rule(Freq.BIWEEKLY), date(2027, 2, 18), 3) == [
        date(2027, 2, 18), date(2027, 3, 4), date(2027, 3, 18)]


def test_monthly_on_the_second_tuesday():
    first = date(2027, 1, 12)  # 2nd Tuesday of January 2027
    assert nth_of(first) == 2
    assert take(Rule(Freq.MONTHLY, 2), first, 4) == [
        date(2027, 1, 12), date(2027, 2, 9), date(2027, 3, 9), date(2027, 4, 13)]


def test_monthly_on_the_last_friday_across_month_ends_of_every_length():
    days = take(Rule(Freq.MONTHLY, LAST), date(2027, 1, 29), 4)
    assert days == [date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 26), date(2027, 4, 30)]
    assert all(d.weekday() == 4 and (d + timedelta(days=7)).month != d.month for d in days)


def test_monthly_on_a_fifth_weekday_skips_months_without_one():
    first = date(2026, 12, 29)  # 5th Tuesday of December 2026
    assert take(Rule(Freq.MONTHLY, 5), first, 3) == [date(2026, 12, 29), date(2027, 3, 30), date(2027, 6, 29)]
    assert nth_weekday(2027, 2, 1, 5) is None


def test_once_is_one_date():
    assert list(local_dates(Rule(Freq.ONCE), date(2026, 12, 3))) == [date(2026, 12, 3)]


def test_weekly_keeps_the_local_time_across_the_autumn_dst_change():
    # 25 October 2026: summer time ends in Oslo.
    starts = occurrences(Rule(Freq.WEEKLY), date(2026, 10, 15), time(10, 0), OSLO, until=utc(2026, 11, 1))
    assert starts == [utc(2026, 10, 15, 8), utc(2026, 10, 22, 8), utc(2026, 10, 29, 9)]
    assert {s.astimezone(OSLO).time() for s in starts} == {time(10, 0)}


def test_weekly_keeps_the_local_time_across_the_spring_dst_change():
    # 28 March 2027: summer time starts in Oslo.
    starts = occurrences(Rule(Freq.WEEKLY), date(2027, 3, 22), time(9, 0), OSLO, until=utc(2027, 4, 6))
    assert starts == [utc(2027, 3, 22, 8), utc(2027, 3, 29, 7), utc(2027, 4, 5, 7)]


def test_a_time_skipped_by_the_spring_change_moves_forward():
    assert to_utc(date(2027, 3, 28), time(2, 30), OSLO) == utc(2027, 3, 28, 1, 30)


def test_occurrences_window_is_half_open():
    rule = Rule(Freq.WEEKLY)
    since, until = utc(2026, 12, 3, 9), utc(2026, 12, 17, 9)
    assert occurrences(rule, date(2026, 11, 26), time(10, 0), OSLO, until=until, since=since) == [
        utc(2026, 12, 3, 9), utc(2026, 12, 10, 9)]


def test_rule_round_trips_through_json():
    for rule in (Rule(Freq.ONCE), Rule(Freq.BIWEEKLY), Rule(Freq.MONTHLY, LAST)):
        assert Rule.from_json(rule.to_json()) == rule
    assert Rule.from_json(None) == Rule(Freq.ONCE)


def test_rotation_goes_round_in_order():
    assert [rotation([7, 3, 5], i) for i in range(7)] == [7, 3, 5, 7, 3, 5, 7]
    assert rotation([], 4) is None


def test_reminder_times_for_a_monday_meeting():
    times = reminder_times(CAL, utc(2026, 11, 30, 9), timedelta(minutes=60))  # Mon 30 Nov 10:00 Oslo
    assert times == {
        "mtg_remind_2d": utc(2026, 11, 26, 7),  # Thursday 08:00
        "mtg_taker_dm": utc(2026, 11, 27, 7),  # Friday 08:00
        "mtg_remind_1h": utc(2026, 11, 30, 8),
        "mtg_minutes_prompt": utc(2026, 11, 30, 10),
        "mtg_minutes_remind": utc(2026, 12, 2, 10),  # two working days after, at the end time
        "mtg_minutes_escalate": utc(2026, 12, 7, 10),  # five working days after
    }


def test_reminder_times_skip_easter():
    times = reminder_times(CAL, utc(2027, 3, 30, 8), timedelta(minutes=90))  # Tue 30 Mar 2027 10:00
    assert times["mtg_remind_2d"] == utc(2027, 3, 23, 7)  # Tue 23 Mar: Mon 29, Fri 26, Thu 25 are holidays
    assert times["mtg_taker_dm"] == utc(2027, 3, 24, 7)  # Wednesday before Maundy Thursday


@pytest.mark.parametrize(("text", "expected"), [
    ("Kari: send utkast\n- Ola: book rom\n\nles notatet", [
        {"owner": "Kari", "task": "send utkast"}, {"owner": "Ola", "task": "book rom"},
        {"owner": "", "task": "les notatet"}]),
    ("", []),
])
def test_parse_actions(text, expected):
    assert parse_actions(text) == expected


def test_archive_link():
    assert archive_link("C123", "1700000000.000100") == "https://slack.com/archives/C123/p1700000000000100"
