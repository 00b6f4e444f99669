"""``storage.revisions.head_revision``: the migrations' head read from the scripts'
source, as the readiness check reads it (agreement with Alembic on the real
scripts is in tests/integration/test_migrations.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.revisions import RevisionFileError, head_revision


def _script(directory: Path, name: str, body: str) -> None:
    (directory / f"{name}.py").write_text(f'"""{name}"""\nfrom alembic import op\n{body}\n', encoding="utf-8")


def test_the_head_is_the_revision_nobody_revises_whatever_the_file_order(tmp_path):
    _script(tmp_path, "b", 'revision: str = "r2"\ndown_revision: str | None = "r1"')
    _script(tmp_path, "a", 'revision = "r3"\ndown_revision = "r2"')
    _script(tmp_path, "c", 'revision: str = "r1"\ndown_revision: str | None = None')
    assert head_revision(tmp_path) == "r3"


def test_a_merge_revision_closes_two_branches(tmp_path):
    _script(tmp_path, "1", 'revision = "base"\ndown_revision = None')
    _script(tmp_path, "2", 'revision = "left"\ndown_revision = "base"')
    _script(tmp_path, "3", 'revision = "right"\ndown_revision = "base"')
    _script(tmp_path, "4", 'revision = "merge"\ndown_revision = ("left", "right")')
    assert head_revision(tmp_path) == "merge"


def test_two_heads_are_refused_by_name(tmp_path):
    _script(tmp_path, "1", 'revision = "base"\ndown_revision = None')
    _script(tmp_path, "2", 'revision = "left"\ndown_revision = "base"')
    _script(tmp_path, "3", 'revision = "right"\ndown_revision = "base"')
    with pytest.raises(RevisionFileError, match=r"one head, found \['left', 'right'\]"):
        head_revision(tmp_path)


@pytest.mark.parametrize("body, problem", [
    ('revision = "r" + "1"\ndown_revision = None', "revision is not a literal"),
    ('down_revision = None', "no revision string"),
    ('revision = "r1"\ndown_revision = None\nbranch_labels = ("x",)', "branch labels"),
    ('revision = "r1"\ndown_revision = 7', "down_revision 7"),
])
def test_what_alembic_alone_can_follow_is_refused(tmp_path, body, problem):
    _script(tmp_path, "odd", body)
    with pytest.raises(RevisionFileError, match=problem):
        head_revision(tmp_path)
