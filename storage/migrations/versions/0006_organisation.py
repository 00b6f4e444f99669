"""The organisation's shape as data (issue 15): coordinators serve an area or a
unit, units may stand outside the network, people may have a share of their
position for network work.

Revision ID: 0006_organisation
Revises: 0005_network_day
Create Date: 2026-11-30

``organisation`` holds one row (id 1); with no row the bot behaves as before
(scope "area", the BFK in area A). ``units.network`` is true for existing units.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_organisation"
down_revision: str | None = "0005_network_day"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("bfk_home", sa.String(length=40), nullable=True),
    )
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("network", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("network_share", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("network_share")
    with op.batch_alter_table("units") as batch:
        batch.drop_column("network")
    op.drop_table("organisation")
