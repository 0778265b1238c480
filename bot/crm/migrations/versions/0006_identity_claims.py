"""Identity claims and double opt-in: verified identifiers, confirmations, outbox rows
that belong to a contact rather than a lead.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

An identifier typed in chat is a claim: `contacts.email_verified_at` / `phone_verified_at`
say when one was proven (the channel, a YES texted back, a confirmation link).
`consent_confirmations` holds each double opt-in under way. An outbox row may now carry a
confirmation request (a contact's, no lead version), so `lead_id` and `lead_version` may
be empty and `contact_id` ties the row to its contact for erasure.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("email_verified_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("phone_verified_at", sa.DateTime(timezone=True)))
    op.create_table(
        "consent_confirmations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("contact_id", sa.String(36), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("identifier", sa.String(320), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("kind IN ('email', 'phone')", name="ck_consent_confirmations_kind"),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name="fk_consent_confirmations_contact_id_contacts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_consent_confirmations"),
    )
    op.create_index("ix_consent_confirmations_contact_id", "consent_confirmations", ["contact_id"])
    op.create_index(
        "ix_consent_confirmations_conversation_id", "consent_confirmations", ["conversation_id"]
    )
    op.create_index(
        "ix_consent_confirmations_kind_identifier",
        "consent_confirmations",
        ["kind", "identifier"],
    )
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("lead_id", existing_type=sa.String(36), nullable=True)
        batch.alter_column("lead_version", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("contact_id", sa.String(36)))
        batch.create_foreign_key(
            "fk_outbox_contact_id_contacts",
            "contacts",
            ["contact_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index("ix_outbox_contact_id", ["contact_id"])


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE lead_id IS NULL")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_contact_id")
        batch.drop_constraint("fk_outbox_contact_id_contacts", type_="foreignkey")
        batch.drop_column("contact_id")
        batch.alter_column("lead_version", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("lead_id", existing_type=sa.String(36), nullable=False)
    op.drop_table("consent_confirmations")
    # ALTER TABLE ... DROP COLUMN (PostgreSQL, SQLite from 3.35): a batch rebuild would
    # drop `contacts`, and with it, by cascade, every lead.
    op.drop_column("contacts", "phone_verified_at")
    op.drop_column("contacts", "email_verified_at")
