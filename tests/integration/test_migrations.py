"""The Alembic migrations and the schema-level guarantees of the storage layer.

Runs on SQLite by default and on PostgreSQL when ``IFN_TEST_DATABASE_URL`` points
at one (see ``tests/conftest.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, delete, inspect, make_url, select, text, update
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from storage import revisions
from storage.db import make_engine
from storage.migrate import (
    EXTERNAL_TABLES,
    current_revision,
    downgrade,
    head_revision,
    include_name,
    upgrade,
)
from storage.models import (
    Area,
    AuditEvent,
    AuditImmutableError,
    Base,
    Exemption,
    OutboxMessage,
    Person,
    Request,
    TrainingRecord,
)

OSLO = ZoneInfo("Europe/Oslo")
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _schema_diff(engine: Engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        return compare_metadata(context, Base.metadata)


@pytest.fixture
def fresh_db_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same backend, separate from the session-wide one."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    if not db_url.startswith("postgresql"):
        pytest.skip(f"no fresh-database recipe for {db_url.split(':', 1)[0]}")
    name = f"ifn_mig_{uuid.uuid4().hex[:12]}"
    admin = make_engine(db_url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no CREATEDB privilege on this server
        admin.dispose()
        pytest.skip(f"cannot create a scratch database: {exc}")
    try:
        yield make_url(db_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _person(session: Session, name: str = "Kari Nordmann", area: str = "A") -> Person:
    if session.get(Area, area) is None:
        session.add(Area(code=area, name=f"Område {area}"))
    person = Person(name=name, area_code=area, created_at=T0, updated_at=T0)
    session.add(person)
    session.flush()
    return person


# --- migrations ---------------------------------------------------------------


def test_models_and_migrations_are_in_sync(migrated_engine: Engine) -> None:
    assert _schema_diff(migrated_engine) == []


def test_every_model_table_is_created(migrated_engine: Engine) -> None:
    tables = set(inspect(migrated_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert tables - set(Base.metadata.tables) - EXTERNAL_TABLES == {"alembic_version"}


def test_upgrade_is_idempotent_and_at_head(db_url: str, migrated_engine: Engine) -> None:
    upgrade(db_url)
    upgrade(db_url)
    assert head_revision() == "0006_organisation"
    assert current_revision(db_url) == head_revision()


def _read_without_alembic(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return revisions.database_revision(conn)
    finally:
        engine.dispose()


def test_the_readiness_check_reads_the_revisions_as_alembic_does(fresh_db_url: str) -> None:
    """``storage.revisions`` (no Alembic in the web worker) against Alembic itself."""
    assert revisions.head_revision() == head_revision()
    assert _read_without_alembic(fresh_db_url) is None  # no version table yet
    upgrade(fresh_db_url, "0002_one_message_per_key")
    assert _read_without_alembic(fresh_db_url) == current_revision(fresh_db_url) == "0002_one_message_per_key"
    upgrade(fresh_db_url)
    assert _read_without_alembic(fresh_db_url) == current_revision(fresh_db_url) == head_revision()
    downgrade(fresh_db_url, "base")  # the version table stays, empty
    assert _read_without_alembic(fresh_db_url) is None


def test_downgrade_to_base_and_upgrade_again(fresh_db_url: str) -> None:
    assert current_revision(fresh_db_url) is None
    upgrade(fresh_db_url)
    assert current_revision(fresh_db_url) == head_revision()

    downgrade(fresh_db_url, "base")
    assert current_revision(fresh_db_url) is None
    engine = make_engine(fresh_db_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(fresh_db_url)
        assert current_revision(fresh_db_url) == head_revision()
        assert _schema_diff(engine) == []
    finally:
        engine.dispose()


# --- column types -------------------------------------------------------------


def test_utc_datetime_round_trips_as_aware_utc(session_factory: sessionmaker[Session]) -> None:
    # 03:30 in Oslo on the night summer time starts is 01:30 UTC.
    local = datetime(2026, 3, 29, 3, 30, tzinfo=OSLO)
    with session_factory() as session:
        session.add(AuditEvent(kind="test", at=local, data={"k": [1, "to"]}))
        session.commit()

    with session_factory() as session:
        event = session.scalars(select(AuditEvent)).one()
        assert event.at == local
        assert event.at.tzinfo is UTC
        assert event.at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
        assert event.data == {"k": [1, "to"]}
        if session.bind.dialect.name == "sqlite":
            raw = session.execute(text("SELECT at FROM audit_events")).scalar_one()
            assert str(raw).startswith("2026-03-29 01:30:00")


def test_utc_datetime_refuses_naive_values(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        session.add(AuditEvent(kind="test", at=datetime(2026, 1, 1, 12, 0)))
        with pytest.raises(StatementError, match="naive datetime"):
            session.flush()


def test_json_columns_round_trip(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        person = _person(session)
        request = Request(
            type="feedback",
            requester_id=person.id,
            area_code="A",
            description="Tilbakemelding på rapport",
            details={"deadline": "2026-12-01", "criteria": ["struktur", "språk"]},
            chain=[{"person_id": 7, "tier": "area_ifk", "reason": "første linje"}],
        )
        session.add(request)
        session.commit()
        request_id = request.id

    with session_factory() as session:
        stored = session.get(Request, request_id)
        assert stored is not None
        assert stored.state == "new"
        assert stored.cursor == 0
        assert stored.widened is False
        assert stored.details["criteria"] == ["struktur", "språk"]
        assert stored.chain[0]["tier"] == "area_ifk"
        assert stored.created_at.tzinfo is UTC


# --- audit timeline -----------------------------------------------------------


def test_audit_events_cannot_be_updated_or_deleted(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        session.add(AuditEvent(kind="offered", at=T0, data={"tier": "area_ifk"}))
        session.commit()

    with session_factory() as session:
        event = session.scalars(select(AuditEvent)).one()
        event.kind = "rewritten"
        with pytest.raises(AuditImmutableError):
            session.flush()
        session.rollback()

        event = session.scalars(select(AuditEvent)).one()
        session.delete(event)
        with pytest.raises(AuditImmutableError):
            session.flush()
        session.rollback()

        with pytest.raises(AuditImmutableError):
            session.execute(update(AuditEvent).values(kind="rewritten"))
        with pytest.raises(AuditImmutableError):
            session.execute(delete(AuditEvent))
        with pytest.raises(AuditImmutableError):
            session.execute(AuditEvent.__table__.delete())
        session.rollback()

    with session_factory() as session:
        event = session.scalars(select(AuditEvent)).one()
        assert (event.kind, event.data) == ("offered", {"tier": "area_ifk"})


def test_audit_events_can_be_appended(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        session.add_all([AuditEvent(kind="created", at=T0), AuditEvent(kind="offered", at=T0)])
        session.commit()
        assert len(session.scalars(select(AuditEvent)).all()) == 2


# --- unique constraints -------------------------------------------------------


def test_request_idempotency_key_is_unique(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        person = _person(session)
        for _ in range(2):
            session.add(
                Request(type="live", requester_id=person.id, area_code="A", idempotency_key="v1")
            )
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()

        person = _person(session)
        # Requests without a key never collide.
        session.add_all(
            Request(type="live", requester_id=person.id, area_code="A") for _ in range(2)
        )
        session.commit()


def test_one_exemption_per_person_and_week(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        person = _person(session)
        session.add(Exemption(person_id=person.id, week="2026-W48", reason="Sykdom"))
        session.add(Exemption(person_id=person.id, week="2026-W49", reason="Kurs"))
        session.commit()

        session.add(Exemption(person_id=person.id, week="2026-W48", reason="Igjen"))
        with pytest.raises(IntegrityError):
            session.commit()


def test_trinn_1_is_recorded_once(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        person = _person(session)
        session.add(TrainingRecord(person_id=person.id, level=1, source="import"))
        session.add(
            TrainingRecord(
                person_id=person.id,
                level=2,
                topic="Barn",
                completed_on=date(2026, 5, 4),
                source="slack",
            )
        )
        session.commit()

        session.add(TrainingRecord(person_id=person.id, level=1, source="slack"))
        with pytest.raises(IntegrityError):
            session.commit()


def test_an_outbox_message_exists_once_per_key(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        payload = {"channel": "C1", "text": "hei"}
        session.add(OutboxMessage(key="post:k1", kind="post", payload=payload))
        session.commit()
        session.add(OutboxMessage(key="post:k1", kind="post", payload=payload))
        with pytest.raises(IntegrityError):
            session.commit()
