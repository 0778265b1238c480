"""Experiment exposures: which variant of an A/B test each conversation was first shown.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

One row per (experiment, conversation), written once with INSERT … ON CONFLICT DO
NOTHING by the dialogue's response generator; the console counts conversions over them.
The conversation id is indexed on its own so an erasure can find a person's rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "experiment_exposures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("experiment", sa.String(255), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("variant", sa.String(64), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_experiment_exposures"),
        sa.UniqueConstraint(
            "experiment",
            "conversation_id",
            name="uq_experiment_exposures_experiment_conversation_id",
        ),
    )
    op.create_index(
        "ix_experiment_exposures_conversation_id", "experiment_exposures", ["conversation_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_experiment_exposures_conversation_id", table_name="experiment_exposures")
    op.drop_table("experiment_exposures")
