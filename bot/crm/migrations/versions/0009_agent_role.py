"""The `agent` role: sales reps who answer handed-off conversations in the console.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONSTRAINT = "ck_api_tokens_role"


def _roles(*roles: str) -> str:
    return "role IN (" + ", ".join(f"'{role}'" for role in roles) + ")"


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint(CONSTRAINT, type_="check")
        batch.create_check_constraint(CONSTRAINT, _roles("viewer", "agent", "marketer", "admin"))


def downgrade() -> None:
    op.execute("UPDATE api_tokens SET role = 'viewer' WHERE role = 'agent'")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint(CONSTRAINT, type_="check")
        batch.create_check_constraint(CONSTRAINT, _roles("viewer", "marketer", "admin"))
