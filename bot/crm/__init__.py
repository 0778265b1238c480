"""The CRM store: contacts, leads, consent proof, suppressions, outbox, audit, inbox, the
follow-up schedule and the conversation review.

An adapter over SQLAlchemy (1.4, used in the 2.0 style) that runs the same code on
SQLite and PostgreSQL; the schema is managed by the Alembic migrations beside it.

    engine = make_engine(settings.crm_database_url)
    upgrade_to_head(settings.crm_database_url)
    with session_scope(engine) as session:
        contact = upsert_contact(session, email="jane@acme.io")
"""

from __future__ import annotations

from bot.crm.database import make_engine, make_session, read_scope, session_scope
from bot.crm.engagement_tables import ContentEngagement
from bot.crm.followup_tables import FollowupEnrollment, FollowupLog, FollowupStep
from bot.crm.handoff_tables import AgentPresence, Handoff
from bot.crm.identity import identifier_hash, normalise_identifier
from bot.crm.inbox import InboundMessage, record_inbound
from bot.crm.migrate import upgrade_to_head
from bot.crm.outcomes import LeadOutcome, labelled_facts, record_outcome
from bot.crm.repository import (
    append_consent_events,
    bump_version,
    current_consent,
    enqueue_delivery,
    is_suppressed,
    record_audit,
    save_lead,
    suppress,
    unsuppress,
    upsert_contact,
)
from bot.crm.review_tables import MessageReview
from bot.crm.tables import (
    AuditEntry,
    ConsentConfirmation,
    ConsentEvent,
    Contact,
    Lead,
    OutboxRow,
    Suppression,
)

__all__ = [
    "AgentPresence",
    "AuditEntry",
    "ConsentConfirmation",
    "ConsentEvent",
    "Contact",
    "ContentEngagement",
    "FollowupEnrollment",
    "FollowupLog",
    "FollowupStep",
    "Handoff",
    "InboundMessage",
    "Lead",
    "LeadOutcome",
    "MessageReview",
    "OutboxRow",
    "Suppression",
    "append_consent_events",
    "bump_version",
    "current_consent",
    "enqueue_delivery",
    "identifier_hash",
    "is_suppressed",
    "labelled_facts",
    "make_engine",
    "make_session",
    "normalise_identifier",
    "read_scope",
    "record_audit",
    "record_inbound",
    "record_outcome",
    "save_lead",
    "session_scope",
    "suppress",
    "unsuppress",
    "upgrade_to_head",
    "upsert_contact",
]
