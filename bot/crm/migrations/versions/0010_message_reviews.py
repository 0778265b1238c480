"""The conversation review: a marketer's verdict on each visitor message reviewed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "message_reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("message_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("intent", sa.String(255)),
        sa.Column("example", sa.Text()),
        sa.Column("reviewer", sa.String(64), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('filed', 'fine')", name="ck_message_reviews_status"),
        sa.PrimaryKeyConstraint("id", name="pk_message_reviews"),
        sa.UniqueConstraint(
            "conversation_id",
            "message_id",
            name="uq_message_reviews_conversation_id_message_id",
        ),
    )
    op.create_index("ix_message_reviews_reviewed_at", "message_reviews", ["reviewed_at"])


def downgrade() -> None:
    op.drop_table("message_reviews")
