"""The durable inbox every channel writes to before it acknowledges a message.

A channel message is recorded once per (channel, external id): a redelivery finds the row
and is acknowledged without being processed again. Rows of one conversation are handed
out strictly in arrival order, one at a time, each under a lease: a process that dies
mid-turn leaves its row to be claimed again once the lease runs out. A processed row keeps
its key (the dedupe ledger) but drops the message text, which the tracker keeps; a row
whose sender waits for the answer (a web chat or REST request, in whichever process it
came in) keeps the replies its turn sent instead, for that request to read (`answers`).

    received ──claim──▶ processing ──finish──▶ processed
        ▲                    │
        └──── retry later ───┴──── too many attempts ──▶ failed
"""

from __future__ import annotations

from collections.abc import Collection
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
    bindparam,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from bot.crm.database import UtcDateTime, as_json, utcnow
from bot.crm.tables import Base, Mapped, one_of

INBOUND_STATUSES = ("received", "processing", "processed", "failed")
REPLIES = "replies"  # a processed row's payload key: what its turn sent, when kept


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
        "received_at": utcnow(),
    }
    row_id = session.execute(_RECORD, values).scalar()
    return None if row_id is None else int(row_id)


# Written as SQL, the same on PostgreSQL and SQLite (3.35 or later, for RETURNING), so that
# SQLAlchemy compiles it once: it compiles `insert().on_conflict_do_nothing()` anew at
# every call (no cache key in 1.4), which was half the ingress's CPU per webhook.
_RECORD = text(
    "INSERT INTO inbound_messages"
    " (channel, external_id, conversation_id, payload, status, attempts, received_at)"
    " VALUES (:channel, :external_id, :conversation_id, :payload, 'received', 0, :received_at)"
    " ON CONFLICT DO NOTHING RETURNING id"
).bindparams(bindparam("payload", type_=JSON), bindparam("received_at", type_=UtcDateTime))


# Column expressions for queries (the model's attributes read as plain values to mypy).
COLUMNS = InboundMessage.__table__.c
UNFINISHED = COLUMNS.status.in_(("received", "processing"))
CLAIMED = (
    COLUMNS.id,
    COLUMNS.channel,
    COLUMNS.external_id,
    COLUMNS.payload,
    COLUMNS.status,
    COLUMNS.attempts,
    COLUMNS.due_at,
)


def claim_next(session: Session, *, conversation_id: str, lease: timedelta) -> Claim | None:
    """The conversation's oldest unfinished message, leased to the caller; None when there
    is none, or when the oldest is not due yet (later ones wait: order comes first).

    Callers hold the conversation's lock, so a row still marked processing was left by a
    processor that died or gave up: it is claimed again, flagged `retried`.

    Columns and one UPDATE, not an ORM object: on SQLite the transaction holds the
    database's write lock, which the ingress waits for, and loading an object costs more
    (the first one in a process, half a second: the ORM sets its loaders up).
    """
    row = session.execute(
        select(*CLAIMED)
        .where(COLUMNS.conversation_id == conversation_id, UNFINISHED)
        .order_by(COLUMNS.id)
        .limit(1)
    ).first()
    now = utcnow()
    if row is None or (row.status == "received" and row.due_at and row.due_at > now):
        return None
    session.execute(
        update(InboundMessage.__table__)
        .where(COLUMNS.id == row.id)
        .values(status="processing", attempts=row.attempts + 1, due_at=now + lease)
    )
    return Claim(
        row.id, row.channel, row.external_id, conversation_id, row.payload, row.attempts > 0
    )


def finish(
    session: Session, *, message_id: int, replies: list[dict[str, Any]] | None = None
) -> None:
    """Marks a message processed and drops its text: the tracker holds the conversation.
    `replies`: what the turn sent, kept with the row for a sender waiting to read it."""
    payload = {REPLIES: replies} if replies is not None else {}
    session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == message_id)
        .values(status="processed", payload=payload, due_at=None, processed_at=utcnow())
    )


def has_unfinished(session: Session, *, conversation_id: str) -> bool:
    """Whether the conversation has a message waiting or running."""
    query = select(COLUMNS.id).where(COLUMNS.conversation_id == conversation_id, UNFINISHED)
    return session.execute(query.limit(1)).first() is not None


def answers(session: Session, row_ids: Collection[int]) -> dict[int, list[dict[str, Any]]]:
    """The replies of those of `row_ids` whose turn is over, by row id: what `finish` kept
    (nothing for a row finished without keeping any), or nothing for a failed row. Rows
    still waiting or running are left out."""
    if not row_ids:
        return {}
    query = select(COLUMNS.id, COLUMNS.status, COLUMNS.payload).where(
        COLUMNS.id.in_(list(row_ids)), COLUMNS.status.in_(("processed", "failed"))
    )
    return {
        int(row_id): list((payload or {}).get(REPLIES) or []) if status == "processed" else []
        for row_id, status, payload in session.execute(query)
    }


def give_up_or_retry(
    session: Session,
    *,
    message_id: int,
    error: str,
    max_attempts: int,
    backoff: timedelta,
    cap: timedelta | None = None,
) -> str:
    """After a failed try: back to received, due after `backoff` doubled for each try
    before (at most `cap`), or, once `max_attempts` tries have failed, failed for an
    operator to look at. Returns the new status."""
    row = session.get(InboundMessage, message_id)
    if row is None:
        raise LookupError(f"no inbound message {message_id}")
    row.status = "failed" if row.attempts >= max_attempts else "received"
    wait = backoff * 2 ** max(row.attempts - 1, 0)
    if cap is not None:
        wait = min(wait, cap)
    row.due_at = None if row.status == "failed" else utcnow() + wait
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
        # True of every first row already; said again so that PostgreSQL reads the
        # unfinished rows by their index rather than every row ever recorded in id order
        # (the LIMIT tempts it to: 25 ms at 100,000 processed rows, 77 ms at 400,000).
        .where(UNFINISHED)
        .where(or_(COLUMNS.due_at.is_(None), COLUMNS.due_at <= now))
        .where(COLUMNS.channel == channel if channel else COLUMNS.id.isnot(None))
        .order_by(InboundMessage.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def last_inbound_id(session: Session) -> int:
    """The highest row id recorded so far (0 for an empty inbox)."""
    return int(session.scalar(select(func.max(COLUMNS.id))) or 0)


def recorded_after(session: Session, *, channel: str, after_id: int) -> list[tuple[int, str]]:
    """Unfinished rows of `channel` above `after_id`, as (id, conversation id) in id order.

    A range of the primary key: as cheap with thousands of rows waiting as with none, so a
    process can ask several times a second what another process recorded.
    """
    query = (
        select(COLUMNS.id, COLUMNS.conversation_id)
        .where(COLUMNS.id > after_id, COLUMNS.channel == channel, UNFINISHED)
        .order_by(COLUMNS.id)
    )
    return [
        (int(row_id), str(conversation_id)) for row_id, conversation_id in session.execute(query)
    ]
