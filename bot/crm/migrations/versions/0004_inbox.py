"""The inbound ledger becomes the channels' durable inbox: arrival order, leases, retries.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22

The table is rebuilt with a surrogate key (the arrival order within a conversation) and
the (channel, external_id) pair kept unique for dedupe. Rows already recorded are copied
over as processed, keeping their keys so a late redelivery is still recognised.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "status IN ('received', 'processing', 'processed', 'failed')"


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


TYPES = {"payload": sa.JSON(), "received_at": sa.DateTime(), "processed_at": sa.DateTime()}


def _old_rows(columns: Sequence[str]) -> list[dict]:
    """The table's rows, read before it is dropped (renaming it instead would keep index
    names that PostgreSQL needs for the rebuilt table)."""
    old = sa.table("inbound_messages", *(sa.column(c, TYPES.get(c)) for c in columns))
    query = sa.select(*old.columns).order_by(old.c.received_at)
    return [dict(row._mapping) for row in op.get_bind().execute(query)]


def _drop(indexes: Sequence[str]) -> None:
    for index in indexes:
        op.drop_index(index, table_name="inbound_messages")
    op.drop_table("inbound_messages")


KEPT = ("channel", "external_id", "conversation_id", "payload", "received_at", "processed_at")


def upgrade() -> None:
    rows = _old_rows((*KEPT, "status"))
    _drop(["ix_inbound_messages_conversation_id"])
    table = op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _timestamp("due_at", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _timestamp("received_at"),
        _timestamp("processed_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_inbound_messages"),
        sa.UniqueConstraint(
            "channel", "external_id", name="uq_inbound_messages_channel_external_id"
        ),
        sa.CheckConstraint(STATUSES, name="ck_inbound_messages_status"),
    )
    op.create_index("ix_inbound_messages_conversation_id", "inbound_messages", ["conversation_id"])
    op.create_index("ix_inbound_messages_status", "inbound_messages", ["status"])
    # What was recorded before had no processing behind it: kept as handled, for dedupe.
    processed = [
        {**{k: row[k] for k in KEPT}, "status": "processed", "attempts": 0} for row in rows
    ]
    for row in processed:
        row["processed_at"] = row["processed_at"] or row["received_at"]
    if processed:
        op.bulk_insert(table, processed)


def downgrade() -> None:
    rows = _old_rows((*KEPT, "status"))
    _drop(["ix_inbound_messages_status", "ix_inbound_messages_conversation_id"])
    table = op.create_table(
        "inbound_messages",
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _timestamp("received_at"),
        _timestamp("processed_at", nullable=True),
        sa.PrimaryKeyConstraint("channel", "external_id", name="pk_inbound_messages"),
        sa.CheckConstraint(
            "status IN ('received', 'processed', 'failed')", name="ck_inbound_messages_status"
        ),
    )
    op.create_index("ix_inbound_messages_conversation_id", "inbound_messages", ["conversation_id"])
    for row in rows:
        if row["status"] == "processing":
            row["status"] = "received"
    if rows:
        op.bulk_insert(table, rows)
