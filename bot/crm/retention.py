"""Retention: what nobody has touched for `PARLEY_RETENTION_DAYS` goes.

The delivery worker runs `purge_expired` every hour (`bot.delivery.__main__`), a batch
of conversations at a time. A conversation goes when its last event is older than the
cut-off: its events, its inbox messages, its A/B exposures, the reviews of its messages,
its handoffs, the content offered in it and clicked, and its lead (with the lead's outbox
rows, imported outcome and content engagements), after the funnel has kept one anonymous
row for it (`bot.crm.funnel.archive_rows`), so the funnel of an old period still counts
it. So do leads not updated since the cut-off, contacts left with no lead and not updated
since (with their consent proof, confirmation requests and content engagements), processed
inbox messages, finished outbox rows, expired confirmation requests and the opening
offers made to no conversation (with their clicks) older than the cut-off. What stays:
the suppression list (hashes: an opt-out outlives the data), the audit log, and the
funnel's anonymous counts. Each purge is audited with its counts.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from bot.crm.engagement_tables import ContentEngagement, anonymous_before, engagements_of
from bot.crm.followup_tables import FollowupEnrollment, enrollments_of
from bot.crm.funnel import archive_rows
from bot.crm.handoff_tables import Handoff, handoffs_of
from bot.crm.inbox import InboundMessage
from bot.crm.repository import record_audit
from bot.crm.review_tables import MessageReview, reviews_of
from bot.crm.tables import (
    ConsentConfirmation,
    ConsentEvent,
    Contact,
    ExperimentExposure,
    Lead,
    OutboxRow,
)
from bot.stores.conversation_events import StoredEvent

BATCH = 500  # conversations per purge: one batch's events are read into memory
LOCK = "parley.retention"


class Conversations(Protocol):
    def idle_since(self, moment: datetime, *, limit: int) -> list[str]: ...
    def events(self, conversation_ids: Collection[str]) -> list[StoredEvent]: ...
    def delete(self, conversation_ids: Collection[str]) -> int: ...


def _gone(session: Session, statement: Any) -> int:
    result = session.execute(statement.execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def purge_expired(
    session: Session, conversations: Conversations, *, cutoff: datetime, limit: int = BATCH
) -> dict[str, int] | None:
    """Purges one batch; returns how many rows went from where (all zero: nothing left),
    or None when another worker is purging (PostgreSQL: one at a time, or a conversation
    could be archived twice; SQLite's writers take turns anyway)."""
    if session.get_bind().dialect.name == "postgresql":
        taken = session.scalar(
            text("SELECT pg_try_advisory_xact_lock(hashtext(:key))"), {"key": LOCK}
        )
        if not taken:
            return None
    ids = conversations.idle_since(cutoff, limit=limit)
    archived = archive_rows(session, conversations.events(ids))
    session.add_all(archived)
    leads = Lead.__table__.c
    lead_ids = list(
        session.scalars(
            select(Lead.id).where((leads.conversation_id.in_(ids)) | (leads.updated_at < cutoff))
        )
    )
    contact_ids = list(
        session.scalars(
            select(Contact.id).where(
                Contact.__table__.c.updated_at < cutoff,
                ~select(Lead.id)
                .where(leads.contact_id == Contact.id, leads.id.not_in(lead_ids))
                .exists(),
            )
        )
    )
    inbox, outbox = InboundMessage.__table__.c, OutboxRow.__table__.c
    statements = {
        "inbound_messages": delete(InboundMessage).where(
            inbox.conversation_id.in_(ids)
            | ((inbox.received_at < cutoff) & inbox.status.in_(["processed", "failed"]))
        ),
        "experiment_exposures": delete(ExperimentExposure).where(
            ExperimentExposure.__table__.c.conversation_id.in_(ids)
        ),
        "outbox": delete(OutboxRow).where(
            outbox.lead_id.in_(lead_ids)
            | outbox.contact_id.in_(contact_ids)
            | ((outbox.created_at < cutoff) & (outbox.status != "pending"))
        ),
        "consent_confirmations": delete(ConsentConfirmation).where(
            ConsentConfirmation.__table__.c.contact_id.in_(contact_ids)
            | (ConsentConfirmation.__table__.c.expires_at < cutoff)
        ),
        "followup_enrollments": delete(FollowupEnrollment).where(
            enrollments_of(ids, contact_ids, lead_ids)
        ),
        "message_reviews": delete(MessageReview).where(reviews_of(ids)),
        "handoffs": delete(Handoff).where(handoffs_of(ids)),
        "content_engagements": delete(ContentEngagement).where(
            engagements_of(ids, contact_ids, lead_ids) | anonymous_before(cutoff)
        ),
        "leads": delete(Lead).where(leads.id.in_(lead_ids)),
        "consent_events": delete(ConsentEvent).where(
            ConsentEvent.__table__.c.contact_id.in_(contact_ids)
            | (
                ConsentEvent.__table__.c.contact_id.is_(None)
                & ConsentEvent.__table__.c.conversation_id.in_(ids)
            )
        ),
        "contacts": delete(Contact).where(Contact.__table__.c.id.in_(contact_ids)),
    }
    purged = {name: _gone(session, statement) for name, statement in statements.items()}
    purged["conversations"] = len(ids)
    purged["conversation_events"] = conversations.delete(ids)
    purged["funnel_archive"] = len(archived)
    if any(purged.values()):
        record_audit(
            session,
            actor="system",
            action="retention.purged",
            details={"cutoff": cutoff.isoformat(), "purged": purged},
        )
    return purged
