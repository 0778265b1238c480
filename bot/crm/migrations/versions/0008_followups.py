"""Follow-up sequences: enrollments, their scheduled steps, and the log of what happened.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(column: str) -> sa.Column:
    return sa.Column(column, sa.DateTime(timezone=True))


def upgrade() -> None:
    op.create_table(
        "followup_enrollments",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("sequence", sa.String(64), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("contact_id", sa.String(36)),
        sa.Column("lead_id", sa.String(36)),
        sa.Column("stopped_at", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("exit_reason", sa.String(32)),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        _when("ended_at"),
        _when("last_sent_at"),
        _when("replied_at"),
        _when("resumed_at"),
        _when("converted_at"),
        sa.CheckConstraint(
            "status IN ('active', 'completed', 'exited')", name="ck_followup_enrollments_status"
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name="fk_followup_enrollments_contact_id_contacts",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name="fk_followup_enrollments_lead_id_leads",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_followup_enrollments"),
        sa.UniqueConstraint(
            "sequence", "conversation_id", name="uq_followup_enrollments_sequence_conversation_id"
        ),
    )
    for column in ("conversation_id", "contact_id", "lead_id"):
        op.create_index(f"ix_followup_enrollments_{column}", "followup_enrollments", [column])
    op.create_table(
        "followup_steps",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("enrollment_id", sa.String(36), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deferrals", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(32)),
        sa.Column("reason", sa.Text()),
        _when("done_at"),
        sa.CheckConstraint("status IN ('pending', 'done')", name="ck_followup_steps_status"),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["followup_enrollments.id"],
            name="fk_followup_steps_enrollment_id_followup_enrollments",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_followup_steps"),
        sa.UniqueConstraint(
            "enrollment_id", "step_index", name="uq_followup_steps_enrollment_id_step_index"
        ),
    )
    op.create_index(
        "ix_followup_steps_status_due_at_id", "followup_steps", ["status", "due_at", "id"]
    )
    kinds = (
        "entered",
        "sent",
        "deferred",
        "skipped",
        "replied",
        "resumed",
        "converted",
        "opted_out",
        "erased",
        "completed",
    )
    op.create_table(
        "followup_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sequence", sa.String(64), nullable=False),
        sa.Column("step_id", sa.String(64)),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("channel", sa.String(16)),
        sa.Column("variant", sa.String(64)),
        sa.Column("recipient_hash", sa.String(64)),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")",
            name="ck_followup_log_kind",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_followup_log"),
    )
    op.create_index("ix_followup_log_sequence_at", "followup_log", ["sequence", "at"])
    op.create_index("ix_followup_log_recipient_hash_at", "followup_log", ["recipient_hash", "at"])


def downgrade() -> None:
    op.drop_table("followup_log")
    op.drop_table("followup_steps")
    op.drop_table("followup_enrollments")
