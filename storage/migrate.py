"""Run the Alembic migrations without an alembic.ini.

Used by ``ifn-bot db upgrade`` (the Procfile's ``release``) and by the tests. The
migration scripts ship inside the ``storage`` package, so this works from a
checkout and from an installed wheel alike.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, pool

# Tables in the database that the models do not describe on purpose: APScheduler's
# SQLAlchemyJobStore creates and owns its own table. Autogenerate must not offer
# to drop them.
EXTERNAL_TABLES = frozenset({"apscheduler_jobs"})


def include_name(name: str | None, type_: str, _parent_names: dict) -> bool:
    """Alembic ``include_name`` hook: skip tables owned by other libraries."""
    return not (type_ == "table" and name in EXTERNAL_TABLES)


def migrations_path() -> Path:
    return Path(str(resources.files("storage") / "migrations"))


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    # ConfigParser interpolates "%": escape it (URL-encoded passwords contain it).
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(url: str) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
