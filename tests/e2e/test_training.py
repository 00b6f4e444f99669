"""Training records (memo §8.1): ``/ifn opplæring`` through signed HTTP, the
directory file's ``training`` entries (idempotent), and the monthly Trinn 1
reminder with the list to each area's IFK."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.directory_file import DirectoryFileError, parse_directory
from storage.models import GroupSession, GroupSignup, TrainingRecord
from tests.e2e.test_group_session_flows import announcement, group_values
from tests.flows import click, dms, open_form, person_id, replies, submit, text_of

OSLO = ZoneInfo("Europe/Oslo")
IFK_A, IFR_2, CW_A, CW_A2, CW_B = "U0IFKA0001", "U0IFR00002", "U0CWA10001", "U0CWA10002", "U0CWB10001"
SIRI = "U0IFKC0001"  # IFK C, reads English


def ifn(bot, user: str, text: str) -> str:
    resp = bot.slack.slash_command(user, text)
    assert resp.status == 200, resp.body
    return resp.json()["text"]


def records(bot, user: str) -> list[tuple[int, str, date | None, str]]:
    with bot.services.sessions() as s:
        return [(r.level, r.topic, r.completed_on, r.source) for r in s.scalars(
            select(TrainingRecord).where(TrainingRecord.person_id == person_id(bot, user))
            .order_by(TrainingRecord.level, TrainingRecord.topic))]


def test_ifk_and_ifr_record_training_others_are_refused(org):
    ahmed = f"<@{CW_A}|ahmed.ali>"
    assert ifn(org, IFK_A, f"opplæring {ahmed} trinn1 01.03.2026") == (
        "Registrert: Ahmed Ali har Trinn 1 fullført 01.03.2026.")
    assert ifn(org, IFK_A, f"opplæring {ahmed} trinn1").startswith("Ahmed Ali har allerede Trinn 1")
    assert ifn(org, IFR_2, f"opplaering {ahmed} trinn2 troverdighet 2026-06-01").startswith(
        "Registrert: Ahmed Ali har Trinn 2 (troverdighetsvurdering)")
    assert ifn(org, SIRI, f"training {ahmed} trinn2 interview_method").startswith(
        "Recorded: Ahmed Ali has Trinn 2 (interview method)")
    assert records(org, CW_A) == [(1, "", date(2026, 3, 1), "slack"),
                                  (2, "credibility", date(2026, 6, 1), "slack"),
                                  (2, "interview_method", None, "slack")]
    shown = ifn(org, CW_A, "opplæring")
    assert "Trinn 2 (troverdighetsvurdering) – 01.06.2026" in shown and "Trinn 1 mangler" not in shown
    assert "Trinn 1 mangler" in ifn(org, IFK_A, f"opplæring <@{CW_B}|emil>")

    # refusals change nothing
    before = records(org, CW_A)
    assert ifn(org, CW_B, f"opplæring {ahmed} trinn3").startswith("Bare IFK, BFK og IFR kan registrere")
    assert ifn(org, IFK_A, f"opplæring {ahmed} trinn2").startswith("Trinn 2 har et tema")
    assert ifn(org, IFK_A, f"opplæring {ahmed} trinn2 astrologi").startswith("«astrologi» er ikke et tema")
    assert ifn(org, IFK_A, f"opplæring {ahmed} trinn4").startswith("«trinn4» er ikke et trinn")
    assert ifn(org, IFK_A, f"opplæring {ahmed} trinn3 01.01.2027").startswith("01.01.2027 har ikke vært")
    assert ifn(org, IFK_A, "opplæring <@U0NOBODY01|x> trinn3").startswith("Personen er ikke i IFN-katalogen")
    assert records(org, CW_A) == before
    # the BFK records training too (memo §4: kompetanseheving til samtlige områder)
    assert ifn(org, "U0BFK00001", f"opplæring <@{CW_B}|emil> trinn1 02.11.2026").startswith(
        "Registrert: Emil Strand har Trinn 1")


DIRECTORY = """
units: [{code: A1, name: A1, area: A}]
people:
  - {name: "Kari Nordmann", slack_id: U0IFKA0001, unit: A1, roles: [ifk, caseworker]}
  - name: "Ahmed Ali"
    slack_id: U0CWA10001
    unit: A1
    roles: [caseworker]
    training:
      - {level: 1, completed: 2025-03-01}
      - {level: 2, topic: credibility, completed: 2025-09-15}
      - {level: 2, topic: sårbare}
"""


def test_directory_file_training_is_imported_idempotently(org):
    data = parse_directory(DIRECTORY)
    org.services.directory.import_directory(data)
    expected = [(1, "", date(2025, 3, 1), "import"), (2, "credibility", date(2025, 9, 15), "import"),
                (2, "vulnerable", None, "import")]
    assert records(org, CW_A) == expected
    again = org.services.directory.import_directory(data)
    assert records(org, CW_A) == expected
    assert again.updated == 0 and again.created == 0
    with pytest.raises(DirectoryFileError, match="needs a topic"):
        parse_directory(DIRECTORY.replace("topic: sårbare", "topic: astrologi"))
    with pytest.raises(DirectoryFileError, match="must be 1, 2 or 3"):
        parse_directory(DIRECTORY.replace("level: 1,", "level: 4,"))


def test_monthly_trinn1_reminder_and_the_list_to_the_area_ifk(org):
    with org.services.sessions.begin() as s:
        for user in (CW_A, IFK_A):
            s.add(TrainingRecord(person_id=person_id(org, user), level=1, topic="", source="import"))
    org.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=OSLO))
    assert org.services.training.fire_due() == 0
    assert org.services.training.next_due() == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    org.clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=OSLO))
    assert org.services.training.fire_due() == 1
    assert org.services.training.fire_due() == 0
    assert [text_of(m) for m in dms(org.fake, CW_A)] == []
    assert text_of(dms(org.fake, CW_A2)[-1]).startswith("Påminnelse: Du er ikke registrert med Trinn 1")
    assert len(dms(org.fake, CW_A2)) == 1
    listing = text_of(dms(org.fake, IFK_A)[-1])
    assert listing.startswith("*Trinn 1 mangler i område A*")
    assert "Sofie Andersen" in listing and "Ahmed Ali" not in listing and "Emil Strand" not in listing
    assert "Emil Strand" in text_of(dms(org.fake, "U0IFKB0001")[-1])


def test_a_training_session_reuses_the_group_session_sign_up(org):
    assert ifn(org, "U0CWB10001", "opplæring ny").startswith("Bare IFK, BFK og IFR")
    # the BFK offers training to every area (memo §4): the form opens for her too
    assert open_form(org, "U0BFK00001", "opplæring ny")["private_metadata"] == "training"
    view = open_form(org, IFK_A, "opplæring ny")
    assert view["callback_id"] == "group_create" and view["private_metadata"] == "training"
    assert view["title"]["text"] == "Opplæring"
    resp = submit(org, IFK_A, view, group_values(org, title="Trinn 2: troverdighetsvurdering"))
    assert resp.status == 200 and not resp.body, resp.body
    posted = announcement(org)
    assert text_of(posted).startswith("Opplæring: Trinn 2: troverdighetsvurdering")
    click(org, CW_A, posted, "group_sign_up")
    assert "Du er påmeldt" in replies(org.fake)[-1]["text"]
    with org.services.sessions() as s:
        session = s.scalar(select(GroupSession))
        assert session.kind == "training"
        assert [r.person_id for r in s.scalars(select(GroupSignup))] == [person_id(org, CW_A)]
