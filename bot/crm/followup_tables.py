"""The follow-up engine's tables: who is in which sequence, their scheduled steps, and
the log the console counts from (`bot.followups`).

An enrollment is one conversation's way through one sequence; its steps are rows, each due
at a moment, done once. Both go with the person: on erasure through the contact (or the
conversation, for someone who never became a contact) and by retention with the
conversation. The log holds no identifier, only a keyed hash of the address a message went
to (the frequency cap counts by it), which erasure clears.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from bot.crm.database import UtcDateTime, utcnow
from bot.crm.tables import Base, Mapped, new_id, one_of

ENROLLMENT_STATUSES = ("active", "completed", "exited")
STEP_STATUSES = ("pending", "done")
# What the log counts, per sequence (and step for step outcomes).
LOG_KINDS = (
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


class FollowupEnrollment(Base):
    __tablename__ = "followup_enrollments"
    __table_args__ = (
        UniqueConstraint("sequence", "conversation_id"),
        one_of("status", ENROLLMENT_STATUSES),
    )

    id: Mapped[str] = Column(String(36), primary_key=True, default=new_id)
    sequence: Mapped[str] = Column(String(64), nullable=False)
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    contact_id: Mapped[str | None] = Column(
        String(36), ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    lead_id: Mapped[str | None] = Column(
        String(36), ForeignKey("leads.id", ondelete="CASCADE"), index=True
    )
    # The lead form's question the conversation stopped at (form_left), to resume there.
    stopped_at: Mapped[str | None] = Column(String(64))
    status: Mapped[str] = Column(String(16), nullable=False, default="active")
    exit_reason: Mapped[str | None] = Column(String(32))
    entered_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)
    ended_at: Mapped[datetime | None] = Column(UtcDateTime)
    last_sent_at: Mapped[datetime | None] = Column(UtcDateTime)
    replied_at: Mapped[datetime | None] = Column(UtcDateTime)
    resumed_at: Mapped[datetime | None] = Column(UtcDateTime)
    converted_at: Mapped[datetime | None] = Column(UtcDateTime)


class FollowupStep(Base):
    """One step of one enrollment, due at `due_at`; done once, whatever it did."""

    __tablename__ = "followup_steps"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "step_index"),
        one_of("status", STEP_STATUSES),
        # Due steps in claiming order (due time, then id).
        Index("ix_followup_steps_status_due_at_id", "status", "due_at", "id"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    enrollment_id: Mapped[str] = Column(
        String(36), ForeignKey("followup_enrollments.id", ondelete="CASCADE"), nullable=False
    )
    step_index: Mapped[int] = Column(Integer, nullable=False)
    step_id: Mapped[str] = Column(String(64), nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False, default="pending")
    due_at: Mapped[datetime] = Column(UtcDateTime, nullable=False)
    deferrals: Mapped[int] = Column(Integer, nullable=False, default=0)
    outcome: Mapped[str | None] = Column(String(32))  # sent, skipped, waited, …
    reason: Mapped[str | None] = Column(Text)
    done_at: Mapped[datetime | None] = Column(UtcDateTime)


class FollowupLog(Base):
    """What happened, for the counts: entered, sent, deferred (why), skipped (why), …"""

    __tablename__ = "followup_log"
    __table_args__ = (
        one_of("kind", LOG_KINDS),
        Index("ix_followup_log_sequence_at", "sequence", "at"),
        Index("ix_followup_log_recipient_hash_at", "recipient_hash", "at"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    sequence: Mapped[str] = Column(String(64), nullable=False)
    step_id: Mapped[str | None] = Column(String(64))
    kind: Mapped[str] = Column(String(16), nullable=False)
    reason: Mapped[str | None] = Column(Text)
    channel: Mapped[str | None] = Column(String(16))
    variant: Mapped[str | None] = Column(String(64))
    recipient_hash: Mapped[str | None] = Column(String(64))
    at: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)


def enrollments_of(
    conversation_ids: Collection[str], contact_ids: Collection[str], lead_ids: Collection[str]
) -> Any:
    """The condition selecting a person's enrollments (for export and erasure)."""
    column = FollowupEnrollment.__table__.c
    return or_(
        column.contact_id.in_(list(contact_ids)),
        column.lead_id.in_(list(lead_ids)),
        column.conversation_id.in_(list(conversation_ids)),
    )


def end_for_erasure(session: Session, whose: Any, hashes: Collection[str]) -> None:
    """Before a person's enrollments are deleted: their active sequences count as ended
    by erasure, and the log forgets the keyed hashes of their addresses."""
    now = utcnow()
    column = FollowupEnrollment.__table__.c
    active = select(column.sequence).where(whose, column.status == "active")
    for sequence in session.scalars(active).all():
        session.add(FollowupLog(sequence=sequence, kind="erased", at=now))
    session.execute(
        update(FollowupLog)
        .where(FollowupLog.__table__.c.recipient_hash.in_(list(hashes)))
        .values(recipient_hash=None)
        .execution_options(synchronize_session=False)
    )
