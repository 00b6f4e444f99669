"""/readyz's checks against real databases: one never migrated, one that cannot
be reached (the migrated, ticking case is in tests/e2e/test_operations.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from app.health import OperatorEndpoints, Readiness
from storage.db import make_engine, make_session_factory

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _ready(url: str) -> tuple[bool, dict]:
    engine = make_engine(url)
    try:
        return Readiness(engine, make_session_factory(engine), lambda: NOW).check()
    finally:
        engine.dispose()


def test_a_database_without_the_schema_fails_on_migrations(tmp_path):
    ok, checks = _ready(f"sqlite:///{tmp_path / 'empty.db'}")
    assert not ok
    assert checks["database"] == {"ok": True}
    assert checks["migrations"] == {"ok": False, "current": None, "head": "0006_organisation"}
    assert checks["scheduler"] == {"ok": False, "error": "cannot read the last tick (OperationalError)"}


def test_an_unreachable_database_is_named_and_answered_503(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'no-such-dir' / 'x.db'}")
    endpoints = OperatorEndpoints(Readiness(engine, make_session_factory(engine), lambda: NOW), None)
    status, content_type, body = endpoints.answer("GET", "/readyz")
    engine.dispose()
    assert (status, content_type) == ("503 Service Unavailable", "application/json")
    assert b'"failed": ["database", "migrations", "scheduler"]' in body
    assert b'"database": {"ok": false, "error": "OperationalError"}' in body
    # the process itself is up
    assert endpoints.answer("GET", "/healthz") == ("200 OK", "application/json", b'{"status": "ok"}')


def test_migration_scripts_it_cannot_follow_fail_the_migrations_check_not_the_worker(tmp_path, monkeypatch):
    versions = tmp_path / "versions"
    versions.mkdir()
    for name, down in (("base", None), ("left", "base"), ("right", "base")):
        script = f"revision = {name!r}\ndown_revision = {down!r}\n"
        (versions / f"{name}.py").write_text(script, encoding="utf-8")
    monkeypatch.setattr("storage.revisions.versions_path", lambda: versions)
    ok, checks = _ready(f"sqlite:///{tmp_path / 'empty.db'}")
    assert not ok
    assert checks["migrations"] == {"ok": False, "current": None, "head": None,
                                    "error": "expected one head, found ['left', 'right']"}
