"""The availability service against the real database: status with "until",
absence merge rules and refusals, substitute permissions, and the daily
substitute reminder across holidays and DST changes, with a manual clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.domain.language import Lang
from bot.domain.requests import AvailabilityStatus, RequestType
from bot.routing import unavailability
from bot.routing_types import Reason
from bot.services.daily import DailyJobs
from bot.services.world import load_routing_world
from storage.models import Absence, OutboxMessage, RoleAssignment, Substitute, Timer
from storage.models import AvailabilityStatus as StatusRow
from tests.flows import buttons, dms, dms_without_digests, person_id, text_of

OSLO = ZoneInfo("Europe/Oslo")
NB, EN = Lang.NB, Lang.EN

LEADER_A, LEADER_B, LEADER_C = "U0ALEADA01", "U0ALEADB01", "U0ALEADC01"
IFK_A, IFK_B, IFK_C, BFK = "U0IFKA0001", "U0IFKB0001", "U0IFKC0001", "U0BFK00001"
IFR_1, IFR_2, ADMIN = "U0IFR00001", "U0IFR00002", "U0ADMIN001"
FAGSJEF = "U0FAGSJEF1"
CW_A, CW_B, UNIT_LEADER_A1 = "U0CWA10001", "U0CWB10001", "U0ULA10001"


def at(bot, y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> None:
    """Move the bot's clock to this Oslo wall-clock time."""
    bot.clock.set(datetime(y, m, d, hh, mm, tzinfo=OSLO))


def absences(bot, slack_id: str) -> list[tuple[date, date]]:
    with bot.services.sessions() as s:
        rows = s.execute(select(Absence.starts_on, Absence.ends_on)
                         .where(Absence.person_id == person_id(bot, slack_id))
                         .order_by(Absence.starts_on)).all()
    return [(a, b) for a, b in rows]


def substitutes(bot) -> list[tuple[int, int, date, date, str, str | None, int]]:
    with bot.services.sessions() as s:
        return [(r.absent_person_id, r.substitute_person_id, r.starts_on, r.ends_on, r.role, r.area_code,
                 r.designated_by_id) for r in s.scalars(select(Substitute).order_by(Substitute.id))]


def D(y: int, m: int, d: int) -> date:  # noqa: N802 - reads like a date literal
    return date(y, m, d)


# --- status ----------------------------------------------------------------------------------


def test_status_until_is_stored_in_utc_and_expires_into_the_default(org):
    svc, kari = org.services.availability, person_id(org, IFK_A)
    reply = svc.set_status(kari, AvailabilityStatus.BUSY, datetime(2000, 1, 1, 14, 30).time(), NB)
    assert reply.ok and "Statusen din er nå *opptatt (i intervju)* til 14:30." in reply.text
    with org.services.sessions() as s:
        row = s.get(StatusRow, kari)
        assert (row.status, row.until) == ("busy", datetime(2026, 11, 25, 13, 30, tzinfo=UTC))  # CET = UTC+1
    assert "Din status: *opptatt (i intervju)* til 14:30" in svc.show_status(kari, NB).text
    org.clock.set(datetime(2026, 11, 25, 13, 30, tzinfo=UTC))
    assert "Din status: *ledig i arbeidstiden* (standard)" in svc.show_status(kari, NB).text
    assert org.services.availability.show_status(kari, EN).text.startswith(
        "Your status: *available during working hours* (default)")


@pytest.mark.parametrize(("day", "utc_hour"), [
    ((2027, 3, 29), 12),  # the Monday after summer time started (UTC+2)
    ((2026, 10, 26), 13),  # the Monday after it ended (UTC+1)
])
def test_until_today_follows_the_dst_offset_of_the_day(org, day, utc_hour):
    at(org, *day, 9, 0)
    kari = person_id(org, IFK_A)
    assert org.services.availability.set_status(kari, AvailabilityStatus.AWAY,
                                            datetime(2000, 1, 1, 14, 0).time(), NB).ok
    with org.services.sessions() as s:
        assert s.get(StatusRow, kari).until == datetime(*day, utc_hour, 0, tzinfo=UTC)


def test_an_until_time_already_passed_is_refused_and_nothing_changes(org):
    kari = person_id(org, IFK_A)
    svc = org.services.availability
    assert svc.set_status(kari, AvailabilityStatus.AWAY, None, NB).ok
    reply = svc.set_status(kari, AvailabilityStatus.BUSY, datetime(2000, 1, 1, 9, 30).time(), NB)
    assert not reply.ok
    assert reply.text == ("Klokken 09:30 har allerede vært i dag (nå er den 10:00). "
                          "Velg et senere tidspunkt. Statusen er ikke endret.")
    with org.services.sessions() as s:
        row = s.get(StatusRow, kari)
        # without a time, a status lasts until the end of the local day
        assert (row.status, row.until) == ("away", datetime(2026, 11, 25, 22, 59, 59, tzinfo=UTC))


def test_caseworker_has_no_status_but_unit_leader_has(org):
    svc = org.services.availability
    reply = svc.set_status(person_id(org, CW_B), AvailabilityStatus.AWAY, None, NB)
    assert not reply.ok and "Som saksbehandler trenger du ikke sette status" in reply.text
    assert not svc.show_status(person_id(org, CW_B), NB).ok
    assert svc.set_status(person_id(org, UNIT_LEADER_A1), AvailabilityStatus.AWAY, None, NB).ok
    with org.services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(StatusRow)) == 1


# --- absences: merging and refusals ---------------------------------------------------------------


def test_overlapping_and_adjacent_absences_merge_into_one(org):
    svc, kari = org.services.availability, person_id(org, IFK_A)
    assert svc.add_absence(kari, D(2026, 12, 1), D(2026, 12, 3), NB).ok
    assert svc.add_absence(kari, D(2026, 12, 7), D(2026, 12, 9), NB).ok
    assert svc.add_absence(kari, D(2026, 12, 20), D(2026, 12, 22), NB).ok
    reply = svc.add_absence(kari, D(2026, 12, 4), D(2026, 12, 6), NB)  # adjoins both neighbours
    assert reply.ok
    assert "Fravær registrert: *01.12.2026–09.12.2026*" in reply.text
    assert "slått sammen med 2 fraværsperioder" in reply.text
    assert absences(org, IFK_A) == [(D(2026, 12, 1), D(2026, 12, 9)), (D(2026, 12, 20), D(2026, 12, 22))]
    # overlapping the end extends it
    svc.add_absence(kari, D(2026, 12, 8), D(2026, 12, 12), NB)
    assert absences(org, IFK_A)[0] == (D(2026, 12, 1), D(2026, 12, 12))
    # a period inside one already registered changes nothing
    reply = svc.add_absence(kari, D(2026, 12, 2), D(2026, 12, 2), NB)
    assert reply.ok and "allerede registrert fravær 01.12.2026–12.12.2026" in reply.text
    assert len(absences(org, IFK_A)) == 2
    # someone else's absences never merge with mine
    svc.add_absence(person_id(org, IFK_B), D(2026, 12, 13), D(2026, 12, 14), NB)
    assert absences(org, IFK_A)[0] == (D(2026, 12, 1), D(2026, 12, 12))


def test_absences_back_to_back_across_the_spring_dst_change_merge_and_routing_sees_the_day_change(org):
    at(org, 2027, 3, 22, 9)
    svc, kari = org.services.availability, person_id(org, IFK_A)
    assert svc.add_absence(kari, D(2027, 3, 22), D(2027, 3, 28), NB).ok  # ends the Sunday clocks go forward

    def why(moment: datetime):
        with org.services.sessions() as s:
            world = load_routing_world(s, org.services.directory_cache.view(), moment, org.services.calendar)
        return unavailability(kari, world, moment, RequestType.LIVE)

    # 23:59 on Sunday 28 March (CEST, UTC+2) is still the last day of the absence
    assert why(datetime(2027, 3, 28, 21, 59, tzinfo=UTC)) == (Reason.SKIP_ABSENT, {"until": "28.03"})
    # one minute later it is Monday 29 March in Oslo (though still the 28th in UTC): back
    assert why(datetime(2027, 3, 28, 22, 0, tzinfo=UTC)) == (Reason.SKIP_OUTSIDE_HOURS, {})
    assert svc.add_absence(kari, D(2027, 3, 29), D(2027, 4, 2), NB).ok
    assert absences(org, IFK_A) == [(D(2027, 3, 22), D(2027, 4, 2))]
    assert why(datetime(2027, 3, 28, 22, 0, tzinfo=UTC)) == (Reason.SKIP_ABSENT, {"until": "02.04"})


@pytest.mark.parametrize(("start", "end", "expected"), [
    (D(2026, 12, 5), D(2026, 12, 1), "Sluttdatoen 01.12.2026 er før startdatoen 05.12.2026. "
                                     "Ingenting er endret."),
    (D(2026, 11, 24), D(2026, 12, 1), "Startdatoen 24.11.2026 har allerede vært – i dag er 25.11.2026. "
                                       "Ingenting er endret."),
    (D(2026, 12, 1), D(2027, 12, 2), "Perioden er 367 dager. En periode kan være høyst 366 dager (ett år). "
                                     "Ingenting er endret."),
])
def test_bad_periods_are_refused_and_nothing_is_stored(org, start, end, expected):
    reply = org.services.availability.add_absence(person_id(org, IFK_A), start, end, NB)
    assert (reply.ok, reply.text) == (False, expected)
    assert absences(org, IFK_A) == []


def test_boundaries_today_and_a_full_year_are_allowed(org):
    svc, kari = org.services.availability, person_id(org, IFK_A)
    assert svc.add_absence(kari, D(2026, 11, 25), D(2026, 11, 25), NB).ok  # today
    assert svc.add_absence(kari, D(2027, 1, 1), D(2028, 1, 1), NB).ok  # 366 days
    # but merging must not make one period longer than a year
    reply = svc.add_absence(kari, D(2026, 12, 20), D(2026, 12, 31), NB)
    assert not reply.ok and "ville perioden bli 20.12.2026–01.01.2028 (378 dager)" in reply.text
    assert absences(org, IFK_A) == [(D(2026, 11, 25), D(2026, 11, 25)), (D(2027, 1, 1), D(2028, 1, 1))]


def test_list_and_delete_own_absences_by_number(org):
    svc, ola = org.services.availability, person_id(org, IFK_B)
    assert svc.list_absences(ola, NB).text.startswith(
        "Du har ikke registrert noe fravær fra i dag og fremover.")
    at(org, 2026, 11, 20)
    svc.add_absence(ola, D(2026, 11, 23), D(2026, 11, 26), NB)  # will be ongoing on the 25th
    svc.add_absence(ola, D(2026, 11, 20), D(2026, 11, 20), NB)  # will be over
    at(org, 2026, 11, 25)
    svc.add_absence(ola, D(2027, 1, 4), D(2027, 1, 8), NB)
    text = svc.list_absences(ola, NB).text
    assert text.splitlines()[:3] == ["*Ditt fravær*", "1. 23.11.2026–26.11.2026 (pågår)",
                                     "2. 04.01.2027–08.01.2027"]
    reply = svc.delete_absence(ola, 3, NB)
    assert not reply.ok and "ikke noe fravær nummer 3 (listen har 2)" in reply.text
    assert len(absences(org, IFK_B)) == 3
    assert svc.delete_absence(ola, 2, NB).text == "Fraværet 04.01.2027–08.01.2027 er slettet."
    assert absences(org, IFK_B) == [(D(2026, 11, 20), D(2026, 11, 20)), (D(2026, 11, 23), D(2026, 11, 26))]
    assert svc.list_absences(ola, EN).text.splitlines()[1] == "1. 23.11.2026–26.11.2026 (ongoing)"


def test_caseworker_gets_an_explanation_instead_of_an_absence(org):
    reply = org.services.availability.add_absence(person_id(org, CW_B), D(2026, 12, 1), D(2026, 12, 3), NB)
    assert not reply.ok and "Som saksbehandler trenger du ikke registrere fravær her." in reply.text
    assert absences(org, CW_B) == []


# --- substitutes: who may designate -------------------------------------------------------------------


DEC_1, DEC_18 = date(2026, 12, 1), date(2026, 12, 18)


def designate(bot, actor: str, substitute: str, coordinator: str | None,
              start: date = DEC_1, end: date = DEC_18, lang: Lang = NB):
    return bot.services.availability.designate_substitute(
        person_id(bot, actor), person_id(bot, substitute),
        person_id(bot, coordinator) if coordinator else None, start, end, lang)


@pytest.mark.parametrize(("actor", "substitute", "coordinator", "fragment"), [
    (CW_B, IFR_2, IFK_B, "Bare områdelederen for koordinatorens område"),
    (IFK_A, IFR_2, IFK_A, "Bare områdelederen for koordinatorens område"),
    (IFR_2, IFR_1, IFK_A, "Bare områdelederen for koordinatorens område"),
    (LEADER_B, IFR_2, IFK_A, "Kari Nordmann er IFK i område A. Stedfortreder for Kari Nordmann utpekes av "
                             "områdelederen for område A"),
    (LEADER_B, IFR_2, BFK, "Maria Haugen er BFK. Stedfortreder for Maria Haugen utpekes av områdelederen for "
                           "område A"),
    (LEADER_A, IFR_2, IFR_1, "Ingrid Solberg er ikke IFK eller BFK."),
    (LEADER_A, IFK_A, None, "Kari Nordmann kan ikke være sin egen stedfortreder."),
    (ADMIN, IFR_2, None, "Si hvem stedfortrederen skal tre inn for"),
])
def test_designation_refusals_change_nothing(org, actor, substitute, coordinator, fragment):
    reply = designate(org, actor, substitute, coordinator)
    assert not reply.ok and fragment in reply.text, reply.text
    assert substitutes(org) == []
    with org.services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert org.fake.calls("chat.postMessage") == []


def test_area_leader_designates_for_own_ifk_and_both_are_told(org):
    reply = designate(org, LEADER_A, IFR_2, None)
    assert reply.ok
    assert reply.text.splitlines()[0] == ("*Tore Bakken* er utpekt som stedfortreder for Kari Nordmann "
                                          "(IFK i område A) 01.12.2026–18.12.2026. Begge har fått beskjed.")
    assert "Kari Nordmann har ikke registrert fravær i perioden" in reply.text
    anne, kari, tore = person_id(org, LEADER_A), person_id(org, IFK_A), person_id(org, IFR_2)
    assert substitutes(org) == [(kari, tore, D(2026, 12, 1), D(2026, 12, 18), "ifk", "A", anne)]
    assert "Anne Berg har utpekt deg som *stedfortreder* for Kari Nordmann" in text_of(
        dms(org.fake, IFR_2)[-1])
    assert "Anne Berg har utpekt *Tore Bakken* som din stedfortreder 01.12.2026–18.12.2026" in text_of(
        dms(org.fake, IFK_A)[-1])
    # the same designation again is not a second one, and nobody is told twice
    assert "er allerede stedfortreder" in designate(org, LEADER_A, IFR_2, None).text
    assert len(substitutes(org)) == 1 and len(dms(org.fake, IFR_2)) == 1


def test_bfk_substitute_by_area_a_leader_and_any_coordinator_by_admin_in_their_language(org):
    assert designate(org, LEADER_A, IFR_1, BFK).ok
    assert designate(org, ADMIN, CW_A, IFK_C, lang=EN).ok  # a caseworker may stand in
    rows = substitutes(org)
    assert [(r[4], r[5]) for r in rows] == [("bfk", "A"), ("ifk", "C")]
    # Siri reads English
    assert "designated *Ahmed Ali* as your substitute" in text_of(dms(org.fake, IFK_C)[-1])
    assert "Admin Bot har utpekt deg som *stedfortreder* for Siri Johansen (IFK i område C)" in text_of(
        dms(org.fake, CW_A)[-1])
    listing = org.services.availability.list_designations(person_id(org, LEADER_A), NB).text
    assert listing.splitlines() == ["*Stedfortredere*", "1. *Ingrid Solberg* for Maria Haugen (BFK) "
                                    "01.12.2026–18.12.2026 – utpekt av Anne Berg"]
    assert "Ahmed Ali" in org.services.availability.list_designations(person_id(org, CW_A), NB).text
    assert org.services.availability.list_designations(person_id(org, CW_B), NB).text.startswith(
        "Du har ingen nåværende eller kommende")


def test_designation_periods_are_checked_like_absences(org):
    reply = designate(org, LEADER_A, IFR_2, None, D(2026, 11, 24), D(2026, 12, 1))
    assert not reply.ok and "har allerede vært" in reply.text
    reply = designate(org, LEADER_A, IFR_2, None, D(2026, 12, 2), D(2026, 12, 1))
    assert not reply.ok and "er før startdatoen" in reply.text
    assert substitutes(org) == []


# --- the daily reminder -------------------------------------------------------------------------------


def reminder_times(bot, user: str) -> list[str]:
    """Local send times of the substitute reminders ``user`` got."""
    with bot.services.sessions() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.key.like("dm:substitute_reminder:%"))
                         .order_by(OutboxMessage.created_at, OutboxMessage.key)).all()
        pid = person_id(bot, user)
        return [r.created_at.astimezone(OSLO).strftime("%a %d.%m %H:%M") for r in rows
                if r.payload["person_id"] == pid]


def run_hourly(bot, start: datetime, end: datetime) -> None:
    moment = start
    while moment <= end:
        bot.clock.set(moment)
        bot.services.ticker.tick()
        moment += timedelta(hours=1)


def test_reminder_every_working_morning_skipping_easter_across_the_dst_change(org):
    at(org, 2027, 3, 1)
    assert org.services.availability.add_absence(person_id(org, IFK_A), D(2027, 3, 15), D(2027, 4, 16), NB).ok
    run_hourly(org, datetime(2027, 3, 23, 0, 0, tzinfo=OSLO), datetime(2027, 4, 1, 12, 0, tzinfo=OSLO))
    assert reminder_times(org, LEADER_A) == [
        "Tue 23.03 08:00", "Wed 24.03 08:00",
        # Skjærtorsdag, Langfredag, the weekend (clocks go forward), 2. påskedag: none
        "Tue 30.03 08:00", "Wed 31.03 08:00", "Thu 01.04 08:00",
    ]
    message = dms(org.fake, LEADER_A)[-1]
    assert buttons(message) == {"substitute_designate": str(person_id(org, IFK_A))}
    assert "*Stedfortreder mangler:* Kari Nordmann (IFK i område A) har fravær 15.03.2027–16.04.2027" in (
        text_of(message))
    assert dms_without_digests(org.fake, LEADER_B) == []


def test_no_reminder_on_ascension_day_and_17_may(org):
    at(org, 2027, 5, 3)
    assert org.services.availability.add_absence(person_id(org, BFK), D(2027, 5, 3), D(2027, 5, 28), NB).ok
    run_hourly(org, datetime(2027, 5, 5, 0, 0, tzinfo=OSLO), datetime(2027, 5, 18, 12, 0, tzinfo=OSLO))
    # 6 May 2027: Kristi himmelfartsdag; 17 May: grunnlovsdag (and 2. pinsedag in 2027)
    assert reminder_times(org, LEADER_A) == [
        "Wed 05.05 08:00", "Fri 07.05 08:00", "Mon 10.05 08:00", "Tue 11.05 08:00", "Wed 12.05 08:00",
        "Thu 13.05 08:00", "Fri 14.05 08:00", "Tue 18.05 08:00"]
    assert "Maria Haugen (BFK)" in text_of(dms(org.fake, LEADER_A)[-1])


def test_reminders_stop_when_a_substitute_covers_today_and_when_the_absence_ends(org):
    svc = org.services.availability
    ola = person_id(org, IFK_B)
    svc.add_absence(ola, D(2026, 11, 25), D(2026, 12, 4), NB)  # Wed to Fri next week: 10 days
    run_hourly(org, datetime(2026, 11, 25, 10, 0, tzinfo=OSLO), datetime(2026, 11, 26, 12, 0, tzinfo=OSLO))
    assert reminder_times(org, LEADER_B) == ["Wed 25.11 10:00", "Thu 26.11 08:00"]  # first run on deploy
    # a substitute only from Monday: Friday still asks
    assert designate(org, LEADER_B, IFR_2, None, D(2026, 11, 30), D(2026, 12, 4)).ok
    run_hourly(org, datetime(2026, 11, 26, 13, 0, tzinfo=OSLO), datetime(2026, 12, 8, 12, 0, tzinfo=OSLO))
    assert reminder_times(org, LEADER_B)[2:] == ["Fri 27.11 08:00"]


def test_a_week_or_less_needs_no_substitute(org):
    svc = org.services.availability
    svc.add_absence(person_id(org, IFK_B), D(2026, 11, 30), D(2026, 12, 6), NB)  # Monday to Sunday
    svc.add_absence(person_id(org, IFR_1), D(2026, 11, 30), D(2026, 12, 18), NB)  # an IFR has no substitute
    run_hourly(org, datetime(2026, 11, 30, 7, 0, tzinfo=OSLO), datetime(2026, 12, 2, 9, 0, tzinfo=OSLO))
    with org.services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage).where(
            ~OutboxMessage.key.contains("production_"),
            ~OutboxMessage.key.contains("quality_report:"),
            ~OutboxMessage.key.contains("trinn1_"),
            ~OutboxMessage.key.startswith("duty_post:"))) == 0


def test_the_daily_job_runs_once_per_morning_even_with_a_second_scheduler(org):
    org.services.availability.add_absence(person_id(org, IFK_B), D(2026, 11, 25), D(2026, 12, 18), NB)
    at(org, 2026, 11, 26, 8, 0)
    deps = org.services
    second = DailyJobs(deps.sessions, deps.clock, deps.calendar, deps.delivery)  # another process
    second.add("substitute_reminder", deps.availability.queue_substitute_reminders)
    assert deps.daily.run_due() == 1
    assert second.run_due() == 0
    assert deps.daily.run_due() == 0
    assert len(dms(org.fake, LEADER_B)) == 1
    assert deps.daily.next_due("substitute_reminder") == datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    # even if the job body runs again the same day, the leader is not told twice
    with deps.delivery.unit_of_work() as (s, now, queued):
        queued += deps.availability.queue_substitute_reminders(s, now, D(2026, 11, 26))
    assert len(dms(org.fake, LEADER_B)) == 1
    # the job's row is not a one-shot timer: the request service's sweep leaves it alone
    org.clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=OSLO))
    assert deps.requests.fire_due_timers() == 0
    with deps.sessions() as s:
        row = s.scalar(select(Timer).where(Timer.key == "daily:substitute_reminder"))
        assert row.state == "recurring" and row.due_at == datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    assert deps.ticker.tick().daily == 1
    assert len(dms(org.fake, LEADER_B)) == 2


def test_first_start_before_the_morning_waits_and_a_weekend_catch_up_sends_nothing(org):
    org.services.availability.add_absence(person_id(org, IFK_B), D(2026, 11, 25), D(2026, 12, 18), NB)
    at(org, 2026, 11, 28, 12, 0)  # Saturday: the first tick arms Monday morning
    assert org.services.ticker.tick().daily == 0
    assert org.services.daily.next_due("substitute_reminder") == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    at(org, 2026, 11, 30, 7, 59)
    assert org.services.ticker.tick().daily == 0
    at(org, 2026, 11, 30, 8, 0)
    assert org.services.ticker.tick().daily == 1
    assert len(dms(org.fake, LEADER_B)) == 1


def test_an_area_without_a_leader_has_the_fagsjef_asked_then_the_admins(org):
    with org.services.sessions.begin() as s:
        row = s.scalar(select(RoleAssignment).where(RoleAssignment.person_id == person_id(org, LEADER_C),
                                                    RoleAssignment.role == "area_leader"))
        row.valid_to = D(2026, 11, 24)  # Cecilie left area C yesterday
    org.services.availability.add_absence(person_id(org, IFK_C), D(2026, 11, 25), D(2026, 12, 18), NB)
    assert org.services.ticker.tick().daily == 1
    assert dms(org.fake, LEADER_C) == []
    # The fagsjef leads an area without a leader (and may designate: the button works for her)
    assert "Siri Johansen (IFK i område C)" in text_of(dms(org.fake, FAGSJEF)[-1])
    assert dms(org.fake, IFR_1) == [] and dms(org.fake, ADMIN) == []
    with org.services.sessions.begin() as s:
        fagsjef = s.scalar(select(RoleAssignment).where(RoleAssignment.person_id == person_id(org, FAGSJEF)))
        fagsjef.valid_to = D(2026, 11, 24)  # and with no fagsjef either: the admins
    org.clock.advance(timedelta(days=1))
    assert org.services.ticker.tick().daily == 1
    # Ingrid (IFR and admin) reads Norwegian; Admin Bot reads English
    assert "Siri Johansen (IFK i område C)" in text_of(dms(org.fake, IFR_1)[-1])
    english = dms(org.fake, ADMIN)[-1]
    assert "*Substitute missing:* Siri Johansen (IFK in area C)" in text_of(english)
    assert buttons(english) == {"substitute_designate": str(person_id(org, IFK_C))}
