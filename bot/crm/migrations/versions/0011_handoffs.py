"""Live handoff: conversations handed to sales reps, which reps are online, and the
funnel archive's note that a rep wrote in a purged conversation.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "status <> 'ended'"


def _when(column: str, nullable: bool = True) -> sa.Column:
    return sa.Column(column, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "handoffs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("lead_id", sa.String(36)),
        sa.Column("reason", sa.String(80), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("routed_to", sa.String(64)),
        sa.Column("agent", sa.String(64)),
        sa.Column("end_reason", sa.String(16)),
        _when("requested_at", nullable=False),
        _when("claimed_at"),
        _when("first_reply_at"),
        _when("ended_at"),
        _when("waiting_told_at"),
        _when("changed_at", nullable=False),
        sa.Column("replies", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('waiting', 'assigned', 'ended')", name="ck_handoffs_status"),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name="fk_handoffs_lead_id_leads", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_handoffs"),
    )
    op.create_index("ix_handoffs_conversation_id", "handoffs", ["conversation_id"])
    op.create_index("ix_handoffs_lead_id", "handoffs", ["lead_id"])
    op.create_index("ix_handoffs_agent", "handoffs", ["agent"])
    op.create_index("ix_handoffs_status_requested_at", "handoffs", ["status", "requested_at"])
    op.create_index(
        "uq_handoffs_open_conversation",
        "handoffs",
        ["conversation_id"],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )
    with op.batch_alter_table("funnel_archive") as batch:
        batch.add_column(
            sa.Column("talked_to_person", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "agent_presence",
        sa.Column("agent", sa.String(64), nullable=False),
        _when("last_seen", nullable=False),
        sa.PrimaryKeyConstraint("agent", name="pk_agent_presence"),
    )


def downgrade() -> None:
    op.drop_table("agent_presence")
    with op.batch_alter_table("funnel_archive") as batch:
        batch.drop_column("talked_to_person")
    op.drop_table("handoffs")
