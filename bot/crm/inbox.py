"""The durable inbox every channel writes to before it acknowledges a message.

A channel message is recorded once per (channel, external id): a redelivery finds the row
and is acknowledged without being processed again. Rows of one conversation are handed
out strictly in arrival order, one at a time, each under a lease: a process that dies
mid-turn leaves its row to be claimed again once the lease runs out. A processed row keeps
its key (the dedupe ledger) but drops the message text, which the tracker keeps.

    received ──claim──▶ processing ──finish──▶ processed
        ▲                    │
        └──── retry later ───┴──── too many attempts ──▶ failed
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.crm.database import UtcDateTime, as_json, utcnow
from bot.crm.tables import Base, Mapped, one_of

INBOUND_STATUSES = ("received", "processing", "processed", "failed")


class InboundMessage(Base):
    """A channel message seen once: the dedupe ledger and durable inbox."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        one_of("status", INBOUND_STATUSES),
    )

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = Column(String(32), nullable=False)
    external_id: Mapped[str] = Column(String(255), nullable=False)
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    payload: Mapped[dict[str, Any]] = Column(JSON, nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False, default="received", index=True)
    attempts: Mapped[int] = Column(Integer, nullable=False, default=0)
    # Not before this moment: the lease of a claimed row, or the back-off of a failed try.
    due_at: Mapped[datetime | None] = Column(UtcDateTime)
    last_error: Mapped[str | None] = Column(Text)
    received_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)
    processed_at: Mapped[datetime | None] = Column(UtcDateTime)


@dataclass(frozen=True)
class Claim:
    """A row handed to one processor; `retried` when an earlier try may have got far."""

    id: int
    channel: str
    external_id: str
    conversation_id: str
    payload: dict[str, Any]
    retried: bool


def record_inbound(
    session: Session,
    *,
    channel: str,
    external_id: str,
    conversation_id: str,
    payload: dict[str, Any],
) -> int | None:
    """Puts a message in the inbox; its row id, or None if it was seen before.

    One `INSERT … ON CONFLICT DO NOTHING`: a webhook's acknowledgement waits for it, so it
    is a single statement, and concurrent redeliveries leave exactly one row.
    """
    values = {
        "channel": channel,
        "external_id": external_id,
        "conversation_id": conversation_id,
        "payload": as_json(payload),
        "status": "received",
        "attempts": 0,
        "received_at": utcnow(),
    }
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(InboundMessage.__table__).values(**values).on_conflict_do_nothing()
    result = session.execute(statement)
    if not result.rowcount:
        return None
    return int(result.inserted_primary_key[0])


# Column expressions for queries (the model's attributes read as plain values to mypy).
COLUMNS = InboundMessage.__table__.c
UNFINISHED = COLUMNS.status.in_(("received", "processing"))


def _unfinished(conversation_id: str) -> Any:
    return select(InboundMessage).where(COLUMNS.conversation_id == conversation_id, UNFINISHED)


def claim_next(session: Session, *, conversation_id: str, lease: timedelta) -> Claim | None:
    """The conversation's oldest unfinished message, leased to the caller; None when there
    is none, or when the oldest is not due yet (later ones wait: order comes first).

    Callers hold the conversation's lock, so a row still marked processing was left by a
    processor that died or gave up: it is claimed again, flagged `retried`.
    """
    row = session.scalars(_unfinished(conversation_id).order_by(InboundMessage.id).limit(1)).first()
    now = utcnow()
    if row is None or (row.status == "received" and row.due_at and row.due_at > now):
        return None
    retried = row.attempts > 0
    row.status, row.attempts, row.due_at = "processing", row.attempts + 1, now + lease
    session.flush()
    return Claim(row.id, row.channel, row.external_id, row.conversation_id, row.payload, retried)


def finish(session: Session, *, message_id: int) -> None:
    """Marks a message processed and drops its text: the tracker holds the conversation."""
    session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == message_id)
        .values(status="processed", payload={}, due_at=None, processed_at=utcnow())
    )


def give_up_or_retry(
    session: Session, *, message_id: int, error: str, max_attempts: int, backoff: timedelta
) -> str:
    """After a failed try: back to received (due after `backoff`) or, once `max_attempts`
    tries have failed, failed for an operator to look at. Returns the new status."""
    row = session.get(InboundMessage, message_id)
    if row is None:
        raise LookupError(f"no inbound message {message_id}")
    row.status = "failed" if row.attempts >= max_attempts else "received"
    row.due_at = None if row.status == "failed" else utcnow() + backoff
    row.last_error = error[:2000]
    session.flush()
    return row.status


def due_conversations(
    session: Session, *, channel: str | None = None, limit: int = 500
) -> list[str]:
    """Conversations whose oldest unfinished message is due now: never claimed, its retry
    time reached, or claimed under a lease that ran out (its processor died)."""
    first = (
        select(func.min(COLUMNS.id).label("id"))
        .where(UNFINISHED)
        .group_by(InboundMessage.conversation_id)
        .subquery()
    )
    now = utcnow()
    query = (
        select(InboundMessage.conversation_id)
        .join(first, InboundMessage.id == first.c.id)
        .where(or_(COLUMNS.due_at.is_(None), COLUMNS.due_at <= now))
        .where(COLUMNS.channel == channel if channel else COLUMNS.id.isnot(None))
        .order_by(InboundMessage.id)
        .limit(limit)
    )
    return list(session.scalars(query))
