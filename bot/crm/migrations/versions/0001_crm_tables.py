"""The CRM tables: contacts, leads, consent events, suppressions, outbox, audit, inbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-20

Types are spelled out here rather than imported from `bot.crm.tables`, so this migration
keeps meaning what it meant when the models change later.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _one_of(table: str, column: str, values: Sequence[str]) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=f"ck_{table}_{column}")


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("phone", sa.String(16), nullable=True),
        sa.Column("telegram_user_id", sa.String(32), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("company", sa.Text(), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_contacts"),
        sa.UniqueConstraint("email", name="uq_contacts_email"),
        sa.UniqueConstraint("phone", name="uq_contacts_phone"),
        sa.UniqueConstraint("telegram_user_id", name="uq_contacts_telegram_user_id"),
    )
    op.create_table(
        "leads",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("contact_id", sa.String(36), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("source", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("role", sa.String(32), nullable=True),
        sa.Column("authority", sa.String(32), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(16), nullable=False),
        sa.Column("score_breakdown", sa.JSON(), nullable=False),
        sa.Column("segments", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_leads"),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name="fk_leads_contact_id_contacts",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("conversation_id", name="uq_leads_conversation_id"),
        _one_of("leads", "status", ("new", "qualified", "nurture", "disqualified", "handed_off")),
    )
    op.create_index("ix_leads_contact_id", "leads", ["contact_id"])
    op.create_table(
        "consent_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("contact_id", sa.String(36), nullable=True),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("answer", sa.String(16), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("wording", sa.Text(), nullable=True),
        sa.Column("notice_version", sa.String(64), nullable=False),
        sa.Column("reply_text", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=True),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        _timestamp("recorded_at"),
        sa.PrimaryKeyConstraint("id", name="pk_consent_events"),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name="fk_consent_events_contact_id_contacts",
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint(
            "conversation_id",
            "message_id",
            "purpose",
            "answer",
            name="uq_consent_events_conversation_id_message_id_purpose_answer",
        ),
    )
    op.create_index("ix_consent_events_contact_id", "consent_events", ["contact_id"])
    op.create_table(
        "suppressions",
        sa.Column("identifier_hash", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("identifier_hash", name="pk_suppressions"),
        _one_of("suppressions", "kind", ("email", "phone", "telegram")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("lead_id", sa.String(36), nullable=False),
        sa.Column("lead_version", sa.Integer(), nullable=False),
        sa.Column("sink", sa.String(64), nullable=False),
        sa.Column("idempotency_key", sa.String(255), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _timestamp("next_attempt_at"),
        sa.Column("last_error", sa.Text(), nullable=True),
        _timestamp("created_at"),
        _timestamp("delivered_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name="fk_outbox_lead_id_leads", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("idempotency_key", name="uq_outbox_idempotency_key"),
        _one_of("outbox", "status", ("pending", "delivered", "failed")),
    )
    op.create_index("ix_outbox_lead_id", "outbox", ["lead_id"])
    op.create_index("ix_outbox_status_next_attempt_at", "outbox", ["status", "next_attempt_at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject_hash", sa.String(64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_subject_hash", "audit_log", ["subject_hash"])
    op.create_table(
        "inbound_messages",
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _timestamp("received_at"),
        _timestamp("processed_at", nullable=True),
        sa.PrimaryKeyConstraint("channel", "external_id", name="pk_inbound_messages"),
        _one_of("inbound_messages", "status", ("received", "processed", "failed")),
    )
    op.create_index("ix_inbound_messages_conversation_id", "inbound_messages", ["conversation_id"])


def downgrade() -> None:
    for index, table in (
        ("ix_inbound_messages_conversation_id", "inbound_messages"),
        ("ix_audit_log_subject_hash", "audit_log"),
        ("ix_outbox_status_next_attempt_at", "outbox"),
        ("ix_outbox_lead_id", "outbox"),
        ("ix_consent_events_contact_id", "consent_events"),
        ("ix_leads_contact_id", "leads"),
    ):
        op.drop_index(index, table_name=table)
    # Children before parents, for the foreign keys.
    for table in (
        "inbound_messages",
        "audit_log",
        "outbox",
        "suppressions",
        "consent_events",
        "leads",
        "contacts",
    ):
        op.drop_table(table)
