"""Pure parsing of what users type after /ifn status, fravær and stedfortreder,
and the pure rules on absence periods (merge, covering, "more than a week")."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.dates import (
    AddAbsence,
    DeleteAbsence,
    DesignateSubstitute,
    ListAbsences,
    ListSubstitutes,
    ParseError,
    Period,
    SetStatus,
    ShowStatus,
    parse_absence,
    parse_clock,
    parse_date,
    parse_mention,
    parse_status,
    parse_substitute,
    tokens,
)
from bot.domain.absence import Span, covering, is_long, merge
from bot.domain.language import Lang
from bot.domain.requests import AvailabilityStatus
from bot.i18n import catalog

# --- dates, times, mentions ------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("01.12.2026", date(2026, 12, 1)),
    ("1.2.2027", date(2027, 2, 1)),
    ("2026-12-01", date(2026, 12, 1)),
    ("29.02.2028", date(2028, 2, 29)),  # leap year
    (" 17.05.2027 ", date(2027, 5, 17)),
])
def test_dates_in_norwegian_and_iso_form(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", [
    "", "31.02.2027", "29.02.2027", "32.01.2027", "01.13.2027", "2026-13-01", "2026-1-1", "01.12.26",
    "01/12/2026", "i morgen", "01.12.2026x", "12.2026", "2026-12-01T10:00",
])
def test_bad_dates_are_refused(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("14:30", time(14, 30)), ("8:05", time(8, 5)), ("00:00", time(0, 0)), ("23:59", time(23, 59)),
    ("14.30", time(14, 30)),
])
def test_clock_times(text, expected):
    assert parse_clock(text) == expected


@pytest.mark.parametrize("text", ["24:00", "12:60", "1430", "14:3", "kl 14", "", "-1:00", "14:30:00"])
def test_bad_clock_times(text):
    assert parse_clock(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("<@U0IFKA0001>", "U0IFKA0001"),
    ("<@U0IFKA0001|kari.nordmann>", "U0IFKA0001"),
    ("<@W012ABCDEF|Kari Nordmann>", "W012ABCDEF"),
])
def test_mentions_as_slack_escapes_them(text, expected):
    assert parse_mention(text) == expected


@pytest.mark.parametrize("text", ["@kari", "U0IFKA0001", "<#C0123|general>", "<@>", "<@u0lower>", "<!here>"])
def test_things_that_are_not_user_mentions(text):
    assert parse_mention(text) is None


def test_tokens_keep_a_mention_with_spaces_whole():
    assert tokens(" <@U1AB|Kari Nordmann> 01.12.2026  for <@U2CD|Ola H>") == [
        "<@U1AB|Kari Nordmann>", "01.12.2026", "for", "<@U2CD|Ola H>"]


# --- /ifn status ---------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "expected"), [
    ([], ShowStatus()),
    (["ledig"], SetStatus(AvailabilityStatus.AVAILABLE)),
    (["Opptatt"], SetStatus(AvailabilityStatus.BUSY)),
    (["borte"], SetStatus(AvailabilityStatus.AWAY)),
    (["available"], SetStatus(AvailabilityStatus.AVAILABLE)),
    (["busy", "until", "14:30"], SetStatus(AvailabilityStatus.BUSY, time(14, 30))),
    (["opptatt", "til", "9:05"], SetStatus(AvailabilityStatus.BUSY, time(9, 5))),
    (["borte", "TIL", "15.45"], SetStatus(AvailabilityStatus.AWAY, time(15, 45))),
    (["away", "16:00"], SetStatus(AvailabilityStatus.AWAY, time(16, 0))),
])
def test_status_arguments(args, expected):
    assert parse_status(args) == expected


@pytest.mark.parametrize(("args", "key"), [
    (["sulten"], "avail.status.usage"),
    (["ledig", "til"], "avail.status.usage"),
    (["ledig", "i", "morgen"], "avail.status.usage"),
    (["opptatt", "til", "25:00"], "avail.status.bad_time"),
    (["opptatt", "til", "halv", "tre"], "avail.status.usage"),
    (["opptatt", "til", "snart"], "avail.status.bad_time"),
])
def test_bad_status_arguments_name_the_problem(args, key):
    result = parse_status(args)
    assert isinstance(result, ParseError) and result.key == key
    assert key in catalog(Lang.NB) and key in catalog(Lang.EN)


# --- /ifn fravær ------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "expected"), [
    ([], ListAbsences()),
    (["liste"], ListAbsences()),
    (["01.12.2026", "05.12.2026"], AddAbsence(Period(date(2026, 12, 1), date(2026, 12, 5)))),
    (["2026-12-01", "til", "2026-12-05"], AddAbsence(Period(date(2026, 12, 1), date(2026, 12, 5)))),
    (["01.12.2026", "–", "5.12.2026"], AddAbsence(Period(date(2026, 12, 1), date(2026, 12, 5)))),
    (["01.12.2026"], AddAbsence(Period(date(2026, 12, 1), date(2026, 12, 1)))),
    # the order is the service's business: it refuses an end before the start
    (["05.12.2026", "01.12.2026"], AddAbsence(Period(date(2026, 12, 5), date(2026, 12, 1)))),
    (["slett", "2"], DeleteAbsence(2)),
    (["delete", "#1"], DeleteAbsence(1)),
])
def test_absence_arguments(args, expected):
    assert parse_absence(args) == expected


@pytest.mark.parametrize(("args", "key", "params"), [
    (["01.12.2026", "31.02.2027"], "avail.bad_date", {"text": "31.02.2027"}),
    (["neste", "uke"], "avail.bad_date", {"text": "neste"}),
    (["01.12.2026", "02.12.2026", "03.12.2026"], "avail.absence.usage", {}),
    (["slett"], "avail.absence.delete_usage", {}),
    (["slett", "en"], "avail.absence.delete_usage", {}),
    (["slett", "0"], "avail.absence.delete_usage", {}),
    (["slett", "1", "2"], "avail.absence.delete_usage", {}),
])
def test_bad_absence_arguments(args, key, params):
    assert parse_absence(args) == ParseError(key, params)


# --- /ifn stedfortreder -----------------------------------------------------------------------


def test_substitute_list_and_designation():
    assert parse_substitute("") == ListSubstitutes()
    assert parse_substitute("  ") == ListSubstitutes()
    assert parse_substitute(" <@U0IFR00002|tore.bakken> 01.12.2026 18.12.2026") == DesignateSubstitute(
        "U0IFR00002", Period(date(2026, 12, 1), date(2026, 12, 18)))
    assert parse_substitute("<@U0IFR00002> 2026-12-01 til 2026-12-18 for <@U0BFK00001|Maria Haugen>") == (
        DesignateSubstitute("U0IFR00002", Period(date(2026, 12, 1), date(2026, 12, 18)), "U0BFK00001"))
    # "for @x" may come first
    assert parse_substitute("for <@U0BFK00001> <@U0IFR00002> 01.12.2026 02.12.2026") == DesignateSubstitute(
        "U0IFR00002", Period(date(2026, 12, 1), date(2026, 12, 2)), "U0BFK00001")


@pytest.mark.parametrize(("text", "key"), [
    ("@tore 01.12.2026 18.12.2026", "avail.substitute.bad_mention"),  # not escaped by Slack
    ("tore 01.12.2026 18.12.2026", "avail.substitute.usage"),
    ("<@U0IFR00002>", "avail.substitute.usage"),  # no dates
    ("<@U0IFR00002> 01.12.2026 18.12.2026 for", "avail.substitute.usage"),
    ("<@U0IFR00002> 01.12.2026 18.12.2026 for maria", "avail.substitute.bad_mention"),
    ("<@U0IFR00002> 01.12.2026 30.02.2027", "avail.bad_date"),
    ("<@U0IFR00002> 01.12.2026 18.12.2026 20.12.2026", "avail.substitute.usage"),
    ("for <@U0BFK00001>", "avail.substitute.usage"),
])
def test_bad_substitute_arguments(text, key):
    result = parse_substitute(text)
    assert isinstance(result, ParseError) and result.key == key


# --- absence periods --------------------------------------------------------------------------


D = date


def test_overlapping_and_adjacent_periods_merge_transitively():
    existing = [(1, Span(D(2026, 12, 1), D(2026, 12, 3))),
                (2, Span(D(2026, 12, 7), D(2026, 12, 9))),
                (3, Span(D(2026, 12, 20), D(2026, 12, 22)))]
    # 4–6 touches 1–3 (adjacent) and 7–9 (adjacent): one period 1–9; 20–22 is apart
    result = merge(Span(D(2026, 12, 4), D(2026, 12, 6)), existing)
    assert result.span == Span(D(2026, 12, 1), D(2026, 12, 9))
    assert result.absorbed == (1, 2)


def test_a_gap_of_one_day_keeps_periods_apart():
    result = merge(Span(D(2026, 12, 5), D(2026, 12, 6)), [(1, Span(D(2026, 12, 1), D(2026, 12, 3)))])
    assert result.span == Span(D(2026, 12, 5), D(2026, 12, 6)) and result.absorbed == ()


def test_a_period_inside_another_is_absorbed_by_it():
    result = merge(Span(D(2026, 12, 2), D(2026, 12, 2)), [(7, Span(D(2026, 12, 1), D(2026, 12, 3)))])
    assert result.span == Span(D(2026, 12, 1), D(2026, 12, 3)) and result.absorbed == (7,)


def test_periods_across_the_dst_change_are_adjacent_calendar_days():
    # Summer time starts in the night to Sunday 28 March 2027; dates do not care.
    result = merge(Span(D(2027, 3, 29), D(2027, 4, 2)), [(1, Span(D(2027, 3, 22), D(2027, 3, 28)))])
    assert result.span == Span(D(2027, 3, 22), D(2027, 4, 2))


def test_covering_joins_back_to_back_periods_in_both_directions():
    spans = [Span(D(2026, 11, 23), D(2026, 11, 27)), Span(D(2026, 11, 28), D(2026, 12, 4)),
             Span(D(2026, 12, 10), D(2026, 12, 11))]
    assert covering(spans, D(2026, 11, 30)) == Span(D(2026, 11, 23), D(2026, 12, 4))
    assert covering(spans, D(2026, 12, 5)) is None
    assert covering([], D(2026, 12, 5)) is None


def test_more_than_a_week_means_eight_days_or_more():
    assert not is_long(Span(D(2026, 11, 30), D(2026, 12, 6)))  # Monday to Sunday: 7 days
    assert is_long(Span(D(2026, 11, 30), D(2026, 12, 7)))
    assert Span(D(2026, 1, 1), D(2026, 12, 31)).days == 365
