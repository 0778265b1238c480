"""The funnel archive: what the funnel report keeps of conversations the retention purge
removed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "funnel_archive",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("campaign", sa.Text(), nullable=False),
        sa.Column("stages", sa.Integer(), nullable=False),
        sa.Column("form_started", sa.Boolean(), nullable=False),
        sa.Column("last_asked", sa.String(64)),
        sa.PrimaryKeyConstraint("id", name="pk_funnel_archive"),
    )
    op.create_index("ix_funnel_archive_started_at", "funnel_archive", ["started_at"])


def downgrade() -> None:
    op.drop_index("ix_funnel_archive_started_at", table_name="funnel_archive")
    op.drop_table("funnel_archive")
