"""One outbox row per logical message, decisions made once, stale timers,
request versions and the directory version.

Revision ID: 0002_one_message_per_key
Revises: 0001_initial
Create Date: 2026-11-30

The outbox becomes ``outbox_messages``, keyed by what a message is (``status:42``)
so that a request's status message exists once whoever delivers it. Pending rows
of the old ``outbox`` are carried over: status and offer syncs under their new
keys, everything else under its dedupe key (or ``legacy:<id>``), then the old
table is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002_one_message_per_key"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _legacy_key(row: sa.Row) -> tuple[str, str]:
    method, payload = row.method, row.payload or {}
    if method == "sync_request_status":
        return f"status:{payload['request_id']}", "status"
    if method == "sync_offer":
        return f"offer:{payload['offer_id']}", "offer"
    if row.dedupe_key:
        return f"{method}:{row.dedupe_key}", method
    return f"{method}:legacy-{row.id}", method


def upgrade() -> None:
    outbox_messages = op.create_table(
        "outbox_messages",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", _json(), nullable=False),
        sa.Column("decision_key", sa.String(length=200), nullable=True),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("done_rev", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("doubt", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_outbox_messages")),
    )
    op.create_index("ix_outbox_messages_state_next", "outbox_messages", ["state", "next_attempt_at"])
    op.create_index("ix_outbox_messages_decision", "outbox_messages", ["decision_key"])

    conn = op.get_bind()
    old = sa.table("outbox", sa.column("id", sa.Integer), sa.column("method", sa.String),
                   sa.column("payload", _json()), sa.column("dedupe_key", sa.String),
                   sa.column("state", sa.String), sa.column("created_at", sa.DateTime(timezone=True)))
    carried: dict[str, dict] = {}
    now = datetime.now(UTC)
    for row in conn.execute(sa.select(old).where(old.c.state == "pending").order_by(old.c.id)):
        key, kind = _legacy_key(row)
        carried[key] = {"key": key[:200], "kind": kind[:32], "payload": row.payload or {},
                        "decision_key": None,
                        "rev": 1, "done_rev": 0, "state": "pending", "owner": None, "lease_until": None,
                        "tries": 1, "doubt": True, "attempts": 0, "next_attempt_at": now,
                        "channel": None, "ts": None, "last_error": None,
                        "created_at": row.created_at or now, "queued_at": row.created_at or now,
                        "delivered_at": None}
    if carried:
        op.bulk_insert(outbox_messages, list(carried.values()))
    op.drop_index("ix_outbox_state_next_attempt", table_name="outbox")
    op.drop_table("outbox")

    op.create_table(
        "decisions",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", _json(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["people.id"], name=op.f("fk_decisions_actor_id_people")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_decisions")),
    )
    op.create_table(
        "app_state",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_app_state")),
    )
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("timers") as batch:
        batch.add_column(sa.Column("stale_after", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("timers") as batch:
        batch.drop_column("stale_after")
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("version")
    op.drop_table("app_state")
    op.drop_table("decisions")
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("method", sa.String(length=64), nullable=False),
        sa.Column("payload", _json(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("result", _json(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
    )
    op.create_index("ix_outbox_state_next_attempt", "outbox", ["state", "next_attempt_at"])
    op.drop_index("ix_outbox_messages_decision", table_name="outbox_messages")
    op.drop_index("ix_outbox_messages_state_next", table_name="outbox_messages")
    op.drop_table("outbox_messages")
