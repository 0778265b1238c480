"""Opening offers: content the web chat shows under a trigger's greeting is recorded in
content_engagements too, with where it was offered and the trigger's name; an offer to
a browser with no conversation names none.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "content_engagements"
PLACEMENT = "ck_content_engagements_placement"


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("conversation_id", existing_type=sa.String(255), nullable=True)
        batch.add_column(
            sa.Column("placement", sa.String(16), nullable=False, server_default="chat")
        )
        batch.add_column(sa.Column("trigger", sa.String(64)))
        batch.create_check_constraint(PLACEMENT, "placement IN ('chat', 'opening')")


def downgrade() -> None:
    # Offers made to no conversation cannot be kept without one.
    op.execute(f"DELETE FROM {TABLE} WHERE conversation_id IS NULL")
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint(PLACEMENT, type_="check")
        batch.drop_column("trigger")
        batch.drop_column("placement")
        batch.alter_column("conversation_id", existing_type=sa.String(255), nullable=False)
