"""Lead outcomes (won/lost, imported from the sales CRM) and each lead's facts, for the
predictive score.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

Types are spelled out here rather than imported from `bot.crm.tables`, so this migration
keeps meaning what it meant when the models change later. Leads captured before this
revision have no facts (NULL) and are left out of the predictive score's training data.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite adds a column in place: no table rebuild (which would cascade-delete outbox rows).
    op.add_column("leads", sa.Column("facts", sa.JSON(), nullable=True))
    op.create_table(
        "lead_outcomes",
        sa.Column("lead_id", sa.String(36), nullable=False),
        sa.Column("outcome", sa.String(8), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("lead_id", name="pk_lead_outcomes"),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name="fk_lead_outcomes_lead_id_leads", ondelete="CASCADE"
        ),
        sa.CheckConstraint("outcome IN ('won', 'lost')", name="ck_lead_outcomes_outcome"),
    )


def downgrade() -> None:
    op.drop_table("lead_outcomes")
    # ALTER TABLE ... DROP COLUMN: PostgreSQL, and SQLite from 3.35.
    op.drop_column("leads", "facts")
