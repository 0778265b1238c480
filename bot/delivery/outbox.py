"""Claiming outbox rows and recording how their delivery went: short transactions only.

A claim is a lease, not a lock held during delivery: in one short transaction the worker
picks due rows, counts the attempt and pushes `next_attempt_at` one lease ahead. If the
worker dies before it reports back, the row simply falls due again when the lease runs
out. On PostgreSQL the pick uses `FOR UPDATE SKIP LOCKED`, so concurrent workers take
disjoint rows without waiting on each other; SQLite has no row locks (run one worker).

A finished attempt is recorded only if the row is still in the state this claim left it
in (same attempt count, still pending): a worker whose lease ran out cannot overwrite
what a later claim did.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import Session, aliased

from bot.crm.tables import OutboxRow
from bot.delivery.payload import is_erasure, redacted

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
# last_error keeps the latest reason; a vendor's error page need not be kept whole.
MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class Claim:
    """One row taken for one attempt; `attempts` already counts this attempt."""

    id: int
    sink: str
    idempotency_key: str
    payload: dict[str, Any]
    attempts: int


def claim_due(
    session: Session,
    *,
    sinks: Collection[str],
    now: datetime,
    lease: timedelta,
    limit: int,
) -> list[Claim]:
    """Takes up to `limit` due pending rows for these sinks, oldest first."""
    if not sinks or limit < 1:
        return []
    older = aliased(OutboxRow)
    # An older version of the same lead still pending for the same sink goes first:
    # otherwise a retried version 1 could land after version 2 and undo it in the CRM.
    waits_for_older = exists().where(
        and_(
            older.lead_id == OutboxRow.lead_id,
            older.sink == OutboxRow.sink,
            older.status == PENDING,
            older.lead_version < OutboxRow.lead_version,
        )
    )
    due = (
        select(OutboxRow)
        .where(
            OutboxRow.status == PENDING,
            OutboxRow.next_attempt_at <= now,
            # Through the table: to mypy, the mapped attribute reads as a plain str.
            OutboxRow.__table__.c.sink.in_(list(sinks)),
            ~waits_for_older,
        )
        .order_by(OutboxRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=OutboxRow)
    )
    claims = []
    for row in session.execute(due).scalars().all():
        row.attempts += 1
        row.next_attempt_at = now + lease
        claims.append(Claim(row.id, row.sink, row.idempotency_key, row.payload, row.attempts))
    session.flush()
    return claims


def _finish(session: Session, claim: Claim, **values: Any) -> bool:
    still_ours = update(OutboxRow).where(
        OutboxRow.id == claim.id,
        OutboxRow.status == PENDING,
        OutboxRow.attempts == claim.attempts,
    )
    result = session.execute(
        still_ours.values(**values).execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def mark_delivered(session: Session, claim: Claim, *, now: datetime) -> bool:
    """False if the lease was lost meanwhile (another claim owns the row). A delivered
    erasure notice keeps no trace of whom it was about."""
    values: dict[str, Any] = {"status": DELIVERED, "delivered_at": now, "last_error": None}
    if is_erasure(claim.payload):
        values["payload"] = redacted(claim.payload)
    return _finish(session, claim, **values)


def schedule_retry(session: Session, claim: Claim, *, at: datetime, error: str) -> bool:
    return _finish(session, claim, next_attempt_at=at, last_error=error[:MAX_ERROR_CHARS])


def mark_failed(session: Session, claim: Claim, *, error: str) -> bool:
    return _finish(session, claim, status=FAILED, last_error=error[:MAX_ERROR_CHARS])


def retry_failed(session: Session, row_id: int, *, now: datetime) -> bool:
    """Puts a failed row back in the queue, due now, with its attempts counted afresh (an
    operator fixed the cause: a rotated token, an endpoint back up). The last error stays
    until the next attempt. False if the row is not failed (or does not exist)."""
    again = update(OutboxRow).where(OutboxRow.id == row_id, OutboxRow.status == FAILED)
    result = session.execute(
        again.values(status=PENDING, attempts=0, next_attempt_at=now).execution_options(
            synchronize_session=False
        )
    )
    return bool(result.rowcount)
