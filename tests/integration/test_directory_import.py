"""Loading the directory into the database: idempotent, in place, all or nothing."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.directory_file import DirectoryFileError, load_directory_file, parse_directory
from bot.services.directory import DirectoryService
from bot.services.directory_cache import DirectoryCache
from bot.services.people import PeopleService
from storage.models import Area, Person, RoleAssignment, Unit

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "org.yaml"
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def snapshot(session_factory):
    with session_factory() as s:
        people = s.execute(
            select(Person.id, Person.slack_user_id, Person.email, Person.name, Person.language,
                   Person.area_code, Person.unit_id, Person.active, Person.updated_at)
            .order_by(Person.id)
        ).all()
        roles = s.execute(
            select(RoleAssignment.id, RoleAssignment.person_id, RoleAssignment.role,
                   RoleAssignment.area_code).order_by(RoleAssignment.id)
        ).all()
        units = s.execute(select(Unit.id, Unit.code, Unit.area_code).order_by(Unit.id)).all()
        areas = s.execute(select(Area.code, Area.name).order_by(Area.code)).all()
    return people, roles, units, areas


@pytest.fixture
def clock():
    return ManualClock(T0)


@pytest.fixture
def service(session_factory, clock):
    return DirectoryService(session_factory, clock)


def test_import_example_then_reimport_changes_nothing(service, session_factory, clock):
    data = load_directory_file(EXAMPLE)
    first = service.import_directory(data)
    assert first.created == len(data.people) == 30
    before = snapshot(session_factory)
    clock.advance(timedelta(hours=1))
    second = service.import_directory(load_directory_file(EXAMPLE))
    assert (second.created, second.updated, second.deactivated) == (0, 0, 0)
    assert second.unchanged == 30
    assert snapshot(session_factory) == before
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Area)) == 3
        assert s.scalar(select(func.count()).select_from(Unit)) == 6


def test_changed_file_updates_in_place(service, session_factory, clock):
    v1 = """
people:
  - {name: Ola Hansen, slack_id: U0OLA, area: B, roles: [ifk]}
  - {name: Kari, email: kari@x.no, area: A, roles: [caseworker]}
  - {name: Per, slack_id: U0PER, area: C, roles: [caseworker]}
"""
    v2 = """
people:
  - {name: Ola Hansen-Berg, slack_id: U0OLA, area: B, language: en, roles: [ifk, caseworker]}
  - {name: Kari, slack_id: U0KARI, email: kari@x.no, area: A, roles: [caseworker]}
"""
    service.import_directory(parse_directory(v1))
    with session_factory() as s:
        ids = {p.name: p.id for p in s.scalars(select(Person))}
    clock.advance(timedelta(days=1))
    result = service.import_directory(parse_directory(v2), prune=True)
    assert (result.created, result.updated, result.deactivated) == (0, 2, 1)
    with session_factory() as s:
        people = {p.id: p for p in s.scalars(select(Person))}
        assert set(people) == set(ids.values())  # same rows, no duplicates
        ola = people[ids["Ola Hansen"]]
        assert (ola.name, ola.language) == ("Ola Hansen-Berg", "en")
        assert sorted(r.role for r in ola.roles) == ["caseworker", "ifk"]
        assert ola.updated_at == clock.now()
        kari = people[ids["Kari"]]
        assert kari.slack_user_id == "U0KARI"  # matched by e-mail, id added
        per = people[ids["Per"]]  # deactivated; the roles stay for a reactivation, and count for nothing
        assert per.active is False and [r.role for r in per.roles] == ["caseworker"]


def test_refused_file_writes_nothing(service, session_factory):
    service.import_directory(load_directory_file(EXAMPLE))
    before = snapshot(session_factory)
    with pytest.raises(DirectoryFileError):
        parse_directory("people:\n  - {name: X, area: A, roles: [caseworker]}\n")
    # Refusal discovered while writing (two entries matching one stored person)
    # rolls the whole import back.
    clash = """
people:
  - {name: Kari Nordmann, email: kari.nordmann@ifn.example, area: A, roles: [ifk]}
  - {name: Kari Igjen, slack_id: U0IFKA0001, area: B, roles: [caseworker]}
"""
    with pytest.raises(DirectoryFileError) as err:
        service.import_directory(parse_directory(clash), "org.yaml")
    assert "matches the same stored person" in err.value.reason
    assert snapshot(session_factory) == before


def test_person_known_by_email_is_linked_on_first_use(service, session_factory, clock):
    service.import_directory(load_directory_file(EXAMPLE))
    people = PeopleService(session_factory, clock, DirectoryCache(session_factory, ttl=0))
    asked: list[str] = []

    def email_of(user_id: str) -> str | None:
        asked.append(user_id)
        return "Julie.Sand@ifn.example".lower()

    assert people.identify("U0JULIE001") is None
    actor = people.link_by_email("U0JULIE001", email_of)
    assert actor is not None and actor.name == "Julie Sand" and actor.area == "C"
    assert asked == ["U0JULIE001"]
    # Now known by id: Slack is not asked again.
    assert people.identify("U0JULIE001").person_id == actor.person_id
    assert people.link_by_email("U0JULIE001", email_of).person_id == actor.person_id
    assert asked == ["U0JULIE001"]
    # An unknown user stays unknown.
    assert people.link_by_email("U0STRANGER", lambda _u: None) is None


def test_roles_outside_their_date_range_do_not_count(service, session_factory, clock):
    service.import_directory(parse_directory("""
people:
  - {name: Per, slack_id: U0PER, area: A, roles: [{role: ifk, to: 2026-11-30}, caseworker]}
  - {name: Pål, slack_id: U0PAL, area: A, roles: [{role: ifk, from: 2026-12-01}, caseworker]}
"""))
    people = PeopleService(session_factory, clock, DirectoryCache(session_factory, ttl=0))
    assert [r.role.value for r in people.identify("U0PER").roles] == ["caseworker", "ifk"]
    assert [r.role.value for r in people.identify("U0PAL").roles] == ["caseworker"]
    clock.set(datetime(2026, 12, 1, 9, tzinfo=UTC))
    assert [r.role.value for r in people.identify("U0PAL").roles] == ["caseworker", "ifk"]


def test_role_dates_are_oslo_dates_not_utc_dates(service, session_factory, clock):
    """23:30 UTC on 30 November is already 1 December in Oslo."""
    service.import_directory(parse_directory("""
people:
  - {name: Pål, slack_id: U0PAL, area: A, roles: [{role: ifk, from: 2026-12-01}, caseworker]}
"""))
    people = PeopleService(session_factory, clock, DirectoryCache(session_factory, ttl=0))
    clock.set(datetime(2026, 11, 30, 22, 59, tzinfo=UTC))  # 23:59 in Oslo
    assert [r.role.value for r in people.identify("U0PAL").roles] == ["caseworker"]
    clock.set(datetime(2026, 11, 30, 23, 0, tzinfo=UTC))  # 00:00 on 1 December in Oslo
    assert [r.role.value for r in people.identify("U0PAL").roles] == ["caseworker", "ifk"]
