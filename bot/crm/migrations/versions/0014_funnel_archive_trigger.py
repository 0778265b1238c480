"""The funnel archive keeps the web chat trigger that greeted each purged conversation,
so the funnel of an old period can be grouped by trigger too.

Rows archived before this revision never kept it: they say "(not recorded)".

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_RECORDED = "(not recorded)"  # bot.crm.tables.NOT_RECORDED when this was written


def upgrade() -> None:
    with op.batch_alter_table("funnel_archive") as batch:
        batch.add_column(
            sa.Column("trigger", sa.String(64), nullable=False, server_default=NOT_RECORDED)
        )


def downgrade() -> None:
    with op.batch_alter_table("funnel_archive") as batch:
        batch.drop_column("trigger")
