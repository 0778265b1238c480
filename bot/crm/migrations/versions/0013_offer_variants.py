"""Content offers name the A/B test of ranking strategies and the variant they were
ranked under (empty without a test).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "content_engagements"


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("experiment", sa.String(64)))
        batch.add_column(sa.Column("variant", sa.String(64)))
    op.create_index(f"ix_{TABLE}_experiment", TABLE, ["experiment"])


def downgrade() -> None:
    op.drop_index(f"ix_{TABLE}_experiment", table_name=TABLE)
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_column("variant")
        batch.drop_column("experiment")
