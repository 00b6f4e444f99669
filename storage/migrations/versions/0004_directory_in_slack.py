"""The directory kept in Slack: who chose a person's language, whether Slack
can reach them (and why not), and acting area leaders.

Revision ID: 0004_directory_in_slack
Revises: 0003_scheduler_ticks
Create Date: 2026-12-02

People imported before this revision keep their language; it is marked as the
directory's choice (the file is where it came from), so a later import without
a ``language`` keeps it and the Slack locale does not override it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_directory_in_slack"
down_revision: str | None = "0003_scheduler_ticks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("language_origin", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("unreachable_reason", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("unreachable_since", sa.DateTime(timezone=True), nullable=True))
    people = sa.table("people", sa.column("language_origin", sa.String))
    op.execute(people.update().values(language_origin="directory"))
    op.create_table(
        "acting_leaders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("area_code", sa.String(length=8), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("designated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_code"], ["areas.code"],
                                name=op.f("fk_acting_leaders_area_code_areas")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_acting_leaders_person_id_people"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["designated_by_id"], ["people.id"],
                                name=op.f("fk_acting_leaders_designated_by_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acting_leaders")),
    )
    op.create_index("ix_acting_leaders_area_ends", "acting_leaders", ["area_code", "ends_on"])


def downgrade() -> None:
    op.drop_index("ix_acting_leaders_area_ends", table_name="acting_leaders")
    op.drop_table("acting_leaders")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("unreachable_since")
        batch.drop_column("unreachable_reason")
        batch.drop_column("language_origin")
