"""The migrations' head and a database's revision, read without Alembic.

The web worker's readiness check (``app.health``) needs only these two strings.
Importing Alembic for them would load Alembic, Mako and Pygments into every
gunicorn worker (about 8 MiB of resident memory each) for nothing a request
uses. ``storage.migrate`` (which runs migrations with Alembic) stays the
authority: ``tests/integration/test_migrations.py`` checks that both agree.

The head is read from the migration scripts' source (``revision`` and
``down_revision`` assignments, parsed, never executed) — the files Alembic
reads, so a worker started from a newer checkout expects that checkout's head.
Anything this reader does not understand (a computed revision, branch labels,
``depends_on``, more than one head) is refused with ``RevisionFileError``
rather than guessed.
"""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

from sqlalchemy import Connection, inspect, text

#: Alembic's default version table (``storage.migrate`` does not change it).
VERSION_TABLE = "alembic_version"


class RevisionFileError(ValueError):
    """A migration script this reader cannot follow the way Alembic would."""


def versions_path() -> Path:
    return Path(str(resources.files("storage") / "migrations" / "versions"))


def _literals(path: Path) -> dict[str, object]:
    """The module-level ``name = <literal>`` / ``name: T = <literal>`` assignments."""
    found: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8"), str(path)).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            try:
                found[target.id] = ast.literal_eval(value)
            except ValueError as exc:
                raise RevisionFileError(f"{path.name}: {target.id} is not a literal") from exc
    return found


def head_revision(directory: Path | None = None) -> str:
    """The one revision no other script revises."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in sorted((directory or versions_path()).glob("*.py")):
        names = _literals(path)
        revision, down = names.get("revision"), names.get("down_revision")
        if not isinstance(revision, str):
            raise RevisionFileError(f"{path.name}: no revision string")
        if names.get("branch_labels") or names.get("depends_on"):
            raise RevisionFileError(f"{path.name}: branch labels and depends_on are Alembic's to follow")
        revisions.add(revision)
        if isinstance(down, str):
            revised.add(down)
        elif isinstance(down, tuple | list):
            revised.update(down)
        elif down is not None:
            raise RevisionFileError(f"{path.name}: down_revision {down!r}")
    heads = sorted(revisions - revised)
    if len(heads) != 1:
        raise RevisionFileError(f"expected one head, found {heads or 'none'}")
    return heads[0]


def database_revision(connection: Connection) -> str | None:
    """The revision the database is stamped with (None: never migrated, or
    downgraded to base); several heads are joined with "+"."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return "+".join(sorted(rows)) or None
