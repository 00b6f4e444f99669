"""Shared fixtures.

The database under test is SQLite by default; set ``IFN_TEST_DATABASE_URL`` to a
PostgreSQL URL to run the same suite against PostgreSQL (``.ci/run`` does both).
The schema is created once per session with the real Alembic migrations; each
test that uses the database starts from empty tables.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import ManualClock
from bot.directory_file import load_directory_file
from sandbox.fakeslack import FakeSlack
from sandbox.slack_requests import SignedRequests
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import Base
from tests.harness import Bot, BotServer, make_settings


@pytest.fixture
def fake_slack(clock: ManualClock) -> Iterator[FakeSlack]:
    """A started fake Slack Web API expecting token ``xoxb-test``, stamping its
    messages (``ts``) with the test's clock, as Slack's servers and ours agree
    on the time (the machine's clock would make a lookup by time depend on the
    day the test runs).

    At teardown it fails the test if any call was one Slack would reject; a test
    that provokes violations on purpose collects them with ``take_violations()``.
    """
    fake = FakeSlack(clock=lambda: clock.now().timestamp()).start()
    try:
        yield fake
    finally:
        fake.stop()
    fake.assert_no_violations()


#: Modules whose tests let the machine's clock in: the real scheduler on a
#: SystemClock. (``ifn-bot`` subprocesses are not marked: a travel in this process
#: cannot reach them.)
REAL_CLOCK_MODULES = ("test_scheduler_lock.py",)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that lets the machine's clock into the bot: it uses the
    sandbox (whose clock runs on from its start), a browser, or a module above."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "sandbox" in names or "chromium" in names or item.path.name in REAL_CLOCK_MODULES:
            item.add_marker(pytest.mark.real_clock)


@pytest.fixture(scope="session", autouse=True)
def _travelled_system_clock() -> Iterator[None]:
    """``IFN_TEST_NOW=2026-12-31T16:30+01:00`` runs the whole session as if the
    machine's clock read that moment (time flows on from it), so a test that
    quietly depends on the day it runs is caught on the day that breaks it.
    ``tests/test_hard_dates.py`` runs the real-clock tests this way in CI."""
    moment = os.environ.get("IFN_TEST_NOW")
    if not moment:
        yield
        return
    import time_machine

    with time_machine.travel(datetime.fromisoformat(moment), tick=True):
        yield


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("IFN_TEST_DATABASE_URL")
    if url:
        if url.startswith("postgresql"):
            _reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def migrated_engine(db_url: str) -> Iterator[Engine]:
    upgrade(db_url)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def _empty_all_tables(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def engine(migrated_engine: Engine) -> Iterator[Engine]:
    """The migrated engine with every table empty at the start of the test."""
    _empty_all_tables(migrated_engine)
    yield migrated_engine


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


# --- end-to-end: the running bot and the fake Slack ------------------------------


EXAMPLE_ORG = Path(__file__).resolve().parents[1] / "examples" / "org.yaml"
#: The same department in the shape of the 2016 mandate (an IFK per unit, shares).
EXAMPLE_ORG_2016 = EXAMPLE_ORG.with_name("org-2016.yaml")

#: Wednesday 25 November 2026, 10:00 in Oslo: a working day, in working hours.
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def bot_settings() -> dict[str, object]:
    """Settings a module wants for its bot (``make_settings`` overrides), e.g. a weekly cap."""
    return {}


@pytest.fixture
def bot(fake_slack, engine, db_url, clock, bot_settings) -> Iterator[Bot]:
    server = BotServer(make_settings(fake_slack, db_url, **bot_settings), engine, clock).start()
    slack = SignedRequests(server.url, server.services.settings.slack_signing_secret.get_secret_value(),
                           response_url_base=fake_slack.hooks_url)
    try:
        yield Bot(server.services, fake_slack, clock, server.url, slack)
    finally:
        server.stop()


@pytest.fixture
def org_file() -> Path:
    """The directory ``org`` loads. A module whose flows hold in both shapes
    overrides it with ``both_shapes`` (the 2012 memo and the 2016 mandate)."""
    return EXAMPLE_ORG


@pytest.fixture
def org(bot: Bot, org_file: Path) -> Bot:
    """The bot with the demo directory loaded and its people known to the fake Slack."""
    data = load_directory_file(org_file)
    bot.services.directory.import_directory(data)
    for person in data.people:
        if person.slack_id:
            bot.fake.add_user(person.slack_id, name=person.name, email=person.email,
                              locale="en-US" if person.language == "en" else "nb-NO")
    return bot
