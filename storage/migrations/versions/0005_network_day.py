"""Exemptions from the production goal for a period of weeks, asked in advance;
an index for an area's open requests (the area leader's Home tab).

Revision ID: 0005_network_day
Revises: 0004_directory_in_slack
Create Date: 2026-12-01

``exemptions.last_week`` is the last ISO week an exemption covers; rows from
before hold one week and keep it empty (read as ``week``).
``ix_requests_area_state`` lets a leader's view count and list the open
requests of an area without reading the area's whole history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_network_day"
down_revision: str | None = "0004_directory_in_slack"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exemptions") as batch:
        batch.add_column(sa.Column("last_week", sa.String(length=8), nullable=True))
    op.create_index("ix_requests_area_state", "requests", ["area_code", "state", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_requests_area_state", table_name="requests")
    with op.batch_alter_table("exemptions") as batch:
        batch.drop_column("last_week")
