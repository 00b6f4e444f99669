"""``ifn-bot directory import [--dry-run] [--prune]`` and ``directory export`` as
an admin runs them: a real subprocess, a real database, the fake Slack for linking."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from bot.calendar import WorkingCalendar
from bot.clock import ManualClock
from bot.directory_file import load_directory_file, parse_directory
from bot.domain.language import Lang
from bot.routing_types import WorkingHours
from bot.services.acting import ActingService
from bot.services.directory import DirectoryService
from bot.services.directory_cache import DirectoryCache
from bot.services.outbox import OutboxService
from storage.models import ActingLeader, AuditEvent, Person, RoleAssignment, TrainingRecord
from tests.conftest import EXAMPLE_ORG
from tests.integration.test_cli import clean_env, run_cli  # noqa: F401 - the fixture

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def rows(engine) -> tuple:
    with engine.connect() as conn:
        people = conn.execute(
            select(
                Person.id,
                Person.slack_user_id,
                Person.email,
                Person.name,
                Person.language,
                Person.language_origin,
                Person.area_code,
                Person.unit_id,
                Person.active,
                Person.updated_at,
            ).order_by(Person.id)
        ).all()
        roles = conn.execute(
            select(
                RoleAssignment.id,
                RoleAssignment.person_id,
                RoleAssignment.role,
                RoleAssignment.area_code,
                RoleAssignment.valid_from,
                RoleAssignment.valid_to,
            ).order_by(RoleAssignment.id)
        ).all()
        acting = conn.execute(
            select(
                ActingLeader.id,
                ActingLeader.area_code,
                ActingLeader.person_id,
                ActingLeader.starts_on,
                ActingLeader.ends_on,
            ).order_by(ActingLeader.id)
        ).all()
        training = conn.execute(
            select(
                TrainingRecord.person_id,
                TrainingRecord.level,
                TrainingRecord.topic,
                TrainingRecord.completed_on,
            ).order_by(TrainingRecord.id)
        ).all()
        events = conn.execute(select(AuditEvent.id)).all()
    return people, roles, acting, training, events


@pytest.fixture
def env(clean_env, db_url):  # noqa: F811 - the fixture imported above
    return {**clean_env, "DATABASE_URL": db_url}


def test_export_then_import_changes_nothing(env, tmp_path, engine, session_factory):
    """The whole directory, with what an import alone does not give: an acting
    area leader, planned role dates, training, a language chosen by the person."""
    assert run_cli("directory", "import", str(EXAMPLE_ORG), env=env, cwd=tmp_path).returncode == 0
    clock = ManualClock(T0)
    with session_factory.begin() as s:
        ola = s.scalar(select(Person).where(Person.slack_user_id == "U0IFKB0001"))
        ola.roles.append(RoleAssignment(role="ifk", area_code="A", valid_from=date(2027, 1, 1)))
        kari = s.scalar(select(Person).where(Person.slack_user_id == "U0IFKA0001"))
        next(r for r in kari.roles if r.role == "ifk").valid_to = date(2026, 12, 31)  # a planned hand-over
        ahmed = s.scalar(select(Person).where(Person.slack_user_id == "U0CWA10001"))
        ahmed.language, ahmed.language_origin = "en", "user"
        s.add(
            TrainingRecord(
                person_id=ahmed.id, level=2, topic="culture", completed_on=date(2025, 3, 1), source="slack"
            )
        )
        leader_b, tore = (
            s.scalar(select(Person.id).where(Person.slack_user_id == uid))
            for uid in ("U0ALEADB01", "U0IFR00002")
        )
    # Designated in Slack (its DM stays in the outbox: nothing sends it in this test).
    cal = WorkingCalendar(WorkingHours(time(8, 0), time(15, 45)))
    outbox = OutboxService(session_factory, clock, None, cal.tz)  # type: ignore[arg-type]
    outbox.set_dispatcher(lambda keys: None)
    acting = ActingService(session_factory, clock, cal, outbox, DirectoryCache(session_factory, ttl=0))
    assert acting.designate(leader_b, tore, None, date(2026, 12, 1), date(2026, 12, 18), Lang.NB).ok

    exported = run_cli("directory", "export", env=env, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    text = exported.stdout
    assert "- {area: B, person: U0IFR00002, from: 2026-12-01, to: 2026-12-18, by: U0ALEADB01}" in text
    assert "roles: [caseworker, {role: ifk, area: A, from: 2027-01-01}, ifk]" in text
    assert "roles: [caseworker, {role: ifk, to: 2026-12-31}]" in text
    assert "language" not in text.split("Ahmed Ali")[1].split("\n")[0]  # his own choice is his
    assert "{level: 2, topic: culture, completed: 2025-03-01}" in text
    path = tmp_path / "exported.yaml"
    path.write_text(text, encoding="utf-8")
    load_directory_file(path)  # valid as a file

    before = rows(engine)
    dry = run_cli("directory", "import", str(path), "--dry-run", env=env, cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "0 created, 0 updated, 30 unchanged, 0 deactivated" in dry.stdout
    assert "dry run: nothing was written" in dry.stdout
    again = run_cli("directory", "import", str(path), env=env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "0 created, 0 updated, 30 unchanged, 0 deactivated" in again.stdout
    assert "acting area leaders" not in again.stdout
    assert rows(engine) == before
    # … and exporting again gives the same file.
    assert run_cli("directory", "export", env=env, cwd=tmp_path).stdout == text


def test_a_partial_file_deactivates_nobody_without_prune(env, tmp_path, engine):
    assert run_cli("directory", "import", str(EXAMPLE_ORG), env=env, cwd=tmp_path).returncode == 0
    partial = tmp_path / "partial.yaml"
    partial.write_text(
        "people:\n  - {name: Ola Hansen, slack_id: U0IFKB0001, email: ola.hansen@ifn.example,\n"
        "     area: B, roles: [ifk, caseworker, unit_leader]}\n",
        encoding="utf-8",
    )
    before = rows(engine)

    dry = run_cli("directory", "import", str(partial), "--dry-run", "--prune", env=env, cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert lines[0] == f"directory {partial}: 0 created, 1 updated, 0 unchanged, 29 deactivated"
    assert "  ~ Ola Hansen: unit, roles" in lines
    assert "  - Kari Nordmann (deactivated; their open work is handed over)" in lines
    assert lines[-1] == "dry run: nothing was written"
    assert rows(engine) == before

    kept = run_cli("directory", "import", str(partial), env=env, cwd=tmp_path)
    assert kept.returncode == 0, kept.stderr
    assert "1 updated, 0 unchanged, 0 deactivated" in kept.stdout
    assert "kept, though not in the file (29; --prune deactivates them): Hanne Lie, Per Aas" in kept.stdout
    with engine.connect() as conn:
        assert conn.execute(select(Person.active)).scalars().all() == [True] * 30

    pruned = run_cli("directory", "import", str(partial), "--prune", env=env, cwd=tmp_path)
    assert pruned.returncode == 0, pruned.stderr
    assert "0 updated, 1 unchanged, 29 deactivated" in pruned.stdout
    with engine.connect() as conn:
        assert sorted(conn.execute(select(Person.name).where(Person.active.is_(True))).scalars()) == [
            "Ola Hansen"
        ]


def test_import_links_people_known_by_email_when_the_bot_can_ask_slack(env, tmp_path, engine, fake_slack):
    fake_slack.add_user("U0JULIE001", name="Julie Sand", email="julie.sand@ifn.example", locale="en-US")
    for uid, name, email in (("U0IFKA0001", "Kari Nordmann", "kari.nordmann@ifn.example"),):
        fake_slack.add_user(uid, name=name, email=email)
    org = tmp_path / "org.yaml"
    org.write_text(
        "people:\n"
        "  - {name: Kari Nordmann, slack_id: U0IFKA0001, email: kari.nordmann@ifn.example, area: A,\n"
        "     language: nb, roles: [ifk]}\n"
        "  - {name: Julie Sand, email: julie.sand@ifn.example, area: C, roles: [caseworker]}\n"
        "  - {name: Gone Person, email: gone@ifn.example, area: C, roles: [caseworker]}\n",
        encoding="utf-8",
    )
    slack = {
        **env,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "s",
        "SLACK_API_URL": fake_slack.base_url,
    }
    result = run_cli("directory", "import", str(org), env=slack, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert "linked to Slack: 1 (Julie Sand)" in out
    assert (
        "  cannot be reached in Slack: Gone Person (has no Slack account with the directory's e-mail address)"
    ) in out
    assert "  language from Slack: Julie Sand (en)" in out
    with engine.connect() as conn:
        found = dict(conn.execute(select(Person.name, Person.slack_user_id)).all())
    assert found["Julie Sand"] == "U0JULIE001" and found["Gone Person"] is None
    assert sorted(c.args["email"] for c in fake_slack.calls("users.lookupByEmail")) == [
        "gone@ifn.example",
        "julie.sand@ifn.example",
    ]
    # Without the bot's Slack settings the import says the bot will link them.
    plain = run_cli("directory", "import", str(org), env=env, cwd=tmp_path)
    assert "the bot links people every working morning" in plain.stdout


def test_a_file_may_name_acting_leaders_and_leave_the_language_out():
    data = parse_directory("""
people:
  - {name: Bjørn Dahl, slack_id: U0ALEADB01, area: B, roles: [area_leader]}
  - {name: Tore Bakken, email: tore.bakken@ifn.example, roles: [ifr]}
acting:
  - {area: B, person: Tore.Bakken@ifn.example, from: 2026-12-01, to: 2026-12-18, by: U0ALEADB01}
""")
    assert data.people[1].language is None
    assert data.acting[0].person == "tore.bakken@ifn.example" and data.acting[0].by == "U0ALEADB01"


@pytest.mark.parametrize(
    ("acting", "reason"),
    [
        (
            "{area: B, person: U0NOBODY, from: 2026-12-01, to: 2026-12-18}",
            "person 'U0NOBODY' is not in people",
        ),
        ("{area: B, person: U0IFR00002, from: 2026-12-18, to: 2026-12-01}", "'to' is before 'from'"),
        ("{area: Q, person: U0IFR00002, from: 2026-12-01, to: 2026-12-18}", "area 'Q' is not one of"),
    ],
)
def test_bad_acting_entries_are_refused(acting, reason):
    from bot.directory_file import DirectoryFileError

    with pytest.raises(DirectoryFileError) as err:
        parse_directory(
            f"people:\n  - {{name: Tore, slack_id: U0IFR00002, roles: [ifr]}}\nacting:\n  - {acting}\n",
            "org.yaml",
        )
    assert reason in err.value.reason and err.value.entry.startswith("acting[0]")


def test_two_acting_leaders_for_one_area_and_period_are_refused(session_factory):
    from bot.directory_file import DirectoryFileError

    with pytest.raises(DirectoryFileError) as err:
        parse_directory("""
people:
  - {name: Tore, slack_id: U0IFR00002, roles: [ifr]}
  - {name: Ingrid, slack_id: U0IFR00001, roles: [ifr]}
acting:
  - {area: B, person: U0IFR00002, from: 2026-12-01, to: 2026-12-18}
  - {area: B, person: U0IFR00001, from: 2026-12-10, to: 2026-12-20}
""")
    assert "a second acting area leader for area B (already 'Tore')" in err.value.reason
    # A file without an acting section keeps the acting leaders designated in Slack.
    service = DirectoryService(session_factory, ManualClock(T0))
    service.import_directory(
        parse_directory("""
people:
  - {name: Tore, slack_id: U0IFR00002, roles: [ifr]}
acting:
  - {area: B, person: U0IFR00002, from: 2026-12-01, to: 2026-12-18}
""")
    )
    result = service.import_directory(
        parse_directory("people:\n  - {name: Tore, slack_id: U0IFR00002, roles: [ifr]}\n")
    )
    assert not result.acting_changed
    with session_factory() as s:
        assert len(s.scalars(select(ActingLeader)).all()) == 1
