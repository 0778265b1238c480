"""The live handoff's tables: conversations a person asked to hand to a sales rep, and
which reps have the inbox open (`bot.handoff`).

A handoff is one request in one conversation. It waits in the queue (proposed to the rep
the routing chose, if one was online), is claimed by a rep, who holds the conversation
while the bot is silent, and ends when the rep hands it back to the bot or closes it, or
when the person opts out or is erased. A conversation has at most one handoff that has not
ended. The transcript stays in the tracker store: a rep's message is a bot message there,
marked with the rep's name.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, Integer, String, select, text
from sqlalchemy.orm import Session

from bot.crm.database import UtcDateTime, utcnow
from bot.crm.tables import Base, Mapped, new_id, one_of

HANDOFF_STATUSES = ("waiting", "assigned", "ended")
END_REASONS = ("handed_back", "closed", "opted_out", "erased")
OPEN = "status <> 'ended'"


class Handoff(Base):
    __tablename__ = "handoffs"
    __table_args__ = (
        one_of("status", HANDOFF_STATUSES),
        # One open handoff per conversation: a second request joins the first.
        Index(
            "uq_handoffs_open_conversation",
            "conversation_id",
            unique=True,
            sqlite_where=text(OPEN),
            postgresql_where=text(OPEN),
        ),
        Index("ix_handoffs_status_requested_at", "status", "requested_at"),
    )

    id: Mapped[str] = Column(String(36), primary_key=True, default=new_id)
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    channel: Mapped[str] = Column(String(32), nullable=False)
    lead_id: Mapped[str | None] = Column(
        String(36), ForeignKey("leads.id", ondelete="SET NULL"), index=True
    )
    # Why: "asked" (the person asked for someone) or "rule:<name>" (a handoff rule matched).
    reason: Mapped[str] = Column(String(80), nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False, default="waiting")
    routed_to: Mapped[str | None] = Column(String(64))  # the rep the routing proposed
    agent: Mapped[str | None] = Column(String(64), index=True)  # the rep who holds it
    end_reason: Mapped[str | None] = Column(String(16))
    requested_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)
    claimed_at: Mapped[datetime | None] = Column(UtcDateTime)
    first_reply_at: Mapped[datetime | None] = Column(UtcDateTime)
    ended_at: Mapped[datetime | None] = Column(UtcDateTime)
    # Told "nobody is free": the person heard when someone will reply.
    waiting_told_at: Mapped[datetime | None] = Column(UtcDateTime)
    # Bumped by every change and every message either side: what live pages watch.
    changed_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)
    replies: Mapped[int] = Column(Integer, nullable=False, default=0)


class AgentPresence(Base):
    """When a rep's inbox page was last open: a rep seen in the last minute is online."""

    __tablename__ = "agent_presence"

    agent: Mapped[str] = Column(String(64), primary_key=True)
    last_seen: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)


# Column expressions for queries (the model's attributes read as plain values to mypy).
COLUMNS = Handoff.__table__.c


def handoffs_of(conversation_ids: Collection[str]) -> Any:
    """The condition selecting these conversations' handoffs (export, erasure, retention)."""
    return COLUMNS.conversation_id.in_(list(conversation_ids))


def latest_handoff_status(session: Session, conversation_id: str) -> str | None:
    """The status of the conversation's latest handoff; None if it never had one."""
    return session.execute(
        select(COLUMNS.status)
        .where(COLUMNS.conversation_id == conversation_id)
        .order_by(COLUMNS.requested_at.desc())
        .limit(1)
    ).scalar_one_or_none()


def open_handoff(session: Session, conversation_id: str) -> Handoff | None:
    return (
        session.query(Handoff)
        .filter(Handoff.conversation_id == conversation_id, Handoff.status != "ended")
        .one_or_none()
    )


def touch(handoff: Handoff) -> None:
    handoff.changed_at = utcnow()
