"""Data-subject rights: find everything held about a person, export it, erase it.

A person is named by an e-mail address or phone number. Their data: the contacts with that
identifier (e-mail compared case-insensitively: an erasure covers more, never less), those
contacts' leads, outbox rows and consent events, and their conversations: the leads' and
consent events' conversation ids, plus any conversation in the tracker store or the inbox
that mentions one of their identifiers. Erasure keeps only the suppression hash of each
identifier and an audit record that names the person by that hash.

No web framework here: the API maps `find_subject` returning None to 404.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Text, cast, delete, func, or_, select
from sqlalchemy.orm import Session

from bot.crm.database import utcnow
from bot.crm.engagement_tables import ContentEngagement, engagements_of
from bot.crm.followup_tables import (
    FollowupEnrollment,
    FollowupStep,
    end_for_erasure,
    enrollments_of,
)
from bot.crm.handoff_tables import Handoff, handoffs_of
from bot.crm.identity import identifier_hash, normalise_identifier
from bot.crm.inbox import InboundMessage
from bot.crm.outcomes import LeadOutcome
from bot.crm.repository import enqueue_message, record_audit, suppress
from bot.crm.review_tables import MessageReview, reviews_of
from bot.crm.tables import (
    AuditEntry,
    ConsentConfirmation,
    ConsentEvent,
    Contact,
    ExperimentExposure,
    Lead,
    OutboxRow,
    Suppression,
    new_id,
)
from bot.delivery.payload import SUBJECT_ERASED, erasure_payload
from bot.stores.conversation_events import StoredEvent, like_pattern

ERASURE_REASON = "erasure"


class ConversationStore(Protocol):
    """The tracker store's side of a person's data (see `ConversationEvents`)."""

    def events(self, conversation_ids: Collection[str]) -> list[StoredEvent]: ...
    def conversations_mentioning(self, texts: Collection[str]) -> set[str]: ...
    def delete(self, conversation_ids: Collection[str]) -> int: ...


@dataclass(frozen=True)
class Subject:
    kind: str  # "email" or "phone"
    value: str  # as normalised for hashing
    contacts: list[Contact]
    leads: list[Lead]
    conversation_ids: list[str]

    def identifiers(self) -> list[tuple[str, str]]:
        """(kind, value) of every identifier the person is known by: each gets suppressed."""
        found = {(self.kind, self.value)}
        for contact in self.contacts:
            found |= {(kind, value) for kind, value in _contact_identifiers(contact) if value}
        return sorted(found)

    def searchable(self) -> list[str]:
        """Identifiers specific enough to look for in free text: a Telegram id is just a
        number, which would match unrelated conversations."""
        return [value for kind, value in self.identifiers() if kind != "telegram"]


def _contact_identifiers(contact: Contact) -> list[tuple[str, str | None]]:
    return [
        ("email", contact.email),
        ("phone", contact.phone),
        ("telegram", contact.telegram_user_id),
    ]


def row_dict(row: Any) -> dict[str, Any]:
    """Every column of an ORM row, JSON-ready: an export must leave nothing out."""
    values = {column.key: getattr(row, column.key) for column in type(row).__table__.columns}
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


def _contacts(session: Session, kind: str, value: str) -> list[Contact]:
    column = Contact.email if kind == "email" else Contact.phone
    found = func.lower(column) == value if kind == "email" else column == value
    return list(
        session.execute(select(Contact).where(found).order_by(Contact.created_at)).scalars()
    )


def _inbound_mentioning(session: Session, texts: list[str]) -> set[str]:
    payload = func.lower(cast(InboundMessage.payload, Text))
    patterns = (payload.like(like_pattern(text.lower()), escape="\\") for text in texts)
    return set(
        session.execute(select(InboundMessage.conversation_id).where(or_(*patterns))).scalars()
    )


def find_subject(
    session: Session, *, kind: str, value: str, conversations: ConversationStore
) -> Subject | None:
    """The person with this e-mail or phone number, or None if no contact has it.

    Raises ValueError for a malformed identifier.
    """
    normalised = normalise_identifier(kind, value)
    contacts = _contacts(session, kind, normalised)
    if not contacts:
        return None
    contact_ids = [contact.id for contact in contacts]
    leads = list(
        session.execute(select(Lead).where(Lead.__table__.c.contact_id.in_(contact_ids))).scalars()
    )
    consent_conversations = session.execute(
        select(ConsentEvent.conversation_id).where(
            ConsentEvent.__table__.c.contact_id.in_(contact_ids)
        )
    ).scalars()
    subject = Subject(kind, normalised, contacts, leads, [])
    texts = subject.searchable()
    ids = {lead.conversation_id for lead in leads} | set(consent_conversations)
    ids |= _inbound_mentioning(session, texts) | conversations.conversations_mentioning(texts)
    # A lead whose conversation typed the identifier but could not claim it (another
    # contact held it) is theirs too: its answers hold it.
    known = {lead.id for lead in leads}
    leads += [
        lead
        for lead in session.scalars(select(Lead).where(Lead.__table__.c.conversation_id.in_(ids)))
        if lead.id not in known
    ]
    contacts += _left_with_nothing(session, leads, contacts)
    return Subject(kind, normalised, contacts, leads, sorted(ids))


def _left_with_nothing(
    session: Session, leads: Sequence[Lead], contacts: Sequence[Contact]
) -> list[Contact]:
    """The other contacts of these leads that would be left with no lead and no identifier
    of their own: the record of a conversation that typed the person's details."""
    lead_ids = {lead.id for lead in leads}
    taken = {contact.id for contact in contacts}
    found: list[Contact] = []
    for contact_id in sorted({lead.contact_id for lead in leads} - taken):
        contact = session.get(Contact, contact_id)
        if contact is None or any(value for _, value in _contact_identifiers(contact)):
            continue
        others = session.scalar(
            select(Lead.id).where(
                Lead.__table__.c.contact_id == contact_id, Lead.__table__.c.id.not_in(lead_ids)
            )
        )
        if others is None:
            found.append(contact)
    return found


def subject_hash(subject: Subject, pepper: bytes) -> str:
    return identifier_hash(subject.kind, subject.value, pepper)


def _rows(session: Session, model: Any, *conditions: Any) -> list[dict[str, Any]]:
    return [row_dict(row) for row in session.execute(select(model).where(*conditions)).scalars()]


def _outbox_of(lead_ids: Collection[str], contact_ids: Collection[str]) -> Any:
    column = OutboxRow.__table__.c
    return or_(column.lead_id.in_(lead_ids), column.contact_id.in_(contact_ids))


def _confirmations_of(subject: Subject, contact_ids: Collection[str]) -> Any:
    """Double opt-in requests to the person's identifiers, from their conversations or
    for their contacts."""
    column = ConsentConfirmation.__table__.c
    to_them = [
        (column.kind == kind) & (func.lower(column.identifier) == value.lower())
        for kind, value in subject.identifiers()
    ]
    return or_(
        *to_them,
        column.contact_id.in_(contact_ids),
        column.conversation_id.in_(subject.conversation_ids),
    )


def export_subject(
    session: Session, subject: Subject, *, conversations: ConversationStore, pepper: bytes
) -> dict[str, Any]:
    """Everything held about the person, as JSON-ready data."""
    contact_ids = [contact.id for contact in subject.contacts]
    lead_ids = [lead.id for lead in subject.leads]
    hashes = [identifier_hash(kind, value, pepper) for kind, value in subject.identifiers()]
    followups = enrollments_of(subject.conversation_ids, contact_ids, lead_ids)
    return {
        "exported_at": utcnow().isoformat(),
        "identifier": {"kind": subject.kind, "value": subject.value},
        "contacts": [row_dict(contact) for contact in subject.contacts],
        "leads": [row_dict(lead) for lead in subject.leads],
        "consent_events": _rows(
            session,
            ConsentEvent,
            or_(
                ConsentEvent.__table__.c.contact_id.in_(contact_ids),
                ConsentEvent.__table__.c.conversation_id.in_(subject.conversation_ids),
            ),
        ),
        "outbox": _rows(session, OutboxRow, _outbox_of(lead_ids, contact_ids)),
        "consent_confirmations": _rows(
            session, ConsentConfirmation, _confirmations_of(subject, contact_ids)
        ),
        "outcomes": _rows(session, LeadOutcome, LeadOutcome.__table__.c.lead_id.in_(lead_ids)),
        "inbound_messages": _rows(
            session,
            InboundMessage,
            InboundMessage.__table__.c.conversation_id.in_(subject.conversation_ids),
        ),
        "suppressions": _rows(
            session, Suppression, Suppression.__table__.c.identifier_hash.in_(hashes)
        ),
        "experiment_exposures": _rows(
            session,
            ExperimentExposure,
            ExperimentExposure.__table__.c.conversation_id.in_(subject.conversation_ids),
        ),
        "followup_enrollments": _rows(session, FollowupEnrollment, followups),
        "followup_steps": _rows(
            session,
            FollowupStep,
            FollowupStep.__table__.c.enrollment_id.in_(
                select(FollowupEnrollment.id).where(followups)
            ),
        ),
        "message_reviews": _rows(session, MessageReview, reviews_of(subject.conversation_ids)),
        "handoffs": _rows(session, Handoff, handoffs_of(subject.conversation_ids)),
        "content_engagements": _rows(
            session,
            ContentEngagement,
            engagements_of(subject.conversation_ids, contact_ids, lead_ids),
        ),
        "conversation_events": list(conversations.events(subject.conversation_ids)),
    }


def erase_subject(
    session: Session,
    subject: Subject,
    *,
    conversations: ConversationStore,
    pepper: bytes,
    actor: str,
    sinks: Collection[str] = (),
) -> tuple[dict[str, int], list[str]]:
    """Erase the person's data everywhere; returns how many rows went from where, and
    which of `sinks` (the configured lead sinks) were sent an erasure notice: those that
    were sent any of the person's leads.

    The tracker store goes first: should the CRM's transaction then fail, the person is
    still found by their contact and a retry finishes the job, whereas erasing the CRM
    first would lose the conversation ids needed to find their conversations.
    """
    ids = subject.conversation_ids
    contact_ids = [contact.id for contact in subject.contacts]
    lead_ids = [lead.id for lead in subject.leads]
    holding = sorted(
        set(
            session.scalars(
                select(OutboxRow.sink).where(OutboxRow.__table__.c.lead_id.in_(lead_ids)).distinct()
            )
        )
        & set(sinks)
    )
    erased = {"conversation_events": conversations.delete(ids)}
    hashes = [identifier_hash(kind, value, pepper) for kind, value in subject.identifiers()]
    end_for_erasure(session, enrollments_of(ids, contact_ids, lead_ids), hashes)
    for kind, value in subject.identifiers():
        suppress(session, kind=kind, value=value, reason=ERASURE_REASON, pepper=pepper)
    statements = {
        "outbox": delete(OutboxRow).where(_outbox_of(lead_ids, contact_ids)),
        "consent_confirmations": delete(ConsentConfirmation).where(
            _confirmations_of(subject, contact_ids)
        ),
        "inbound_messages": delete(InboundMessage).where(
            InboundMessage.__table__.c.conversation_id.in_(ids)
        ),
        # Consent proof is personal data too (the reply, message and conversation ids):
        # an erased person's ledger goes, and the suppression entry carries the opt-out.
        "consent_events": delete(ConsentEvent).where(
            or_(
                ConsentEvent.__table__.c.contact_id.in_(contact_ids),
                ConsentEvent.__table__.c.conversation_id.in_(ids),
            )
        ),
        # A conversation id may be a phone number (`sms:+1…`).
        "experiment_exposures": delete(ExperimentExposure).where(
            ExperimentExposure.__table__.c.conversation_id.in_(ids)
        ),
        "followup_enrollments": delete(FollowupEnrollment).where(
            enrollments_of(subject.conversation_ids, contact_ids, lead_ids)
        ),
        # What a marketer decided about their messages (the example saved has
        # placeholders for their data, but the row names their conversation).
        "message_reviews": delete(MessageReview).where(reviews_of(ids)),
        # Who asked for a person and which rep answered (the words are in the events).
        "handoffs": delete(Handoff).where(handoffs_of(ids)),
        # What they were offered and clicked.
        "content_engagements": delete(ContentEngagement).where(
            engagements_of(ids, contact_ids, lead_ids)
        ),
        "leads": delete(Lead).where(Lead.__table__.c.id.in_(lead_ids)),
        "contacts": delete(Contact).where(Contact.__table__.c.id.in_(contact_ids)),
    }
    for name, statement in statements.items():
        # Bulk deletes; the session's copies of these rows are dropped just below.
        result = session.execute(statement.execution_options(synchronize_session=False))
        erased[name] = int(result.rowcount or 0)
    for row in (*subject.contacts, *subject.leads):
        if row in session:
            session.expunge(row)
    # E-mail addresses compare without case (the stored one keeps the case typed).
    reachable = {(k, v.lower() if k == "email" else v) for k, v in subject.identifiers()}
    notice = erasure_payload(
        identifiers=sorted((k, v) for k, v in reachable if k != "telegram"),
        lead_ids=lead_ids,
        erased_at=utcnow(),
    )
    for sink in holding:
        enqueue_message(session, sink=sink, key=f"{SUBJECT_ERASED}:{new_id()}", payload=notice)
    record_audit(
        session,
        actor=actor,
        action="subject.erased",
        subject_hash=subject_hash(subject, pepper),
        details={"erased": erased, "kind": subject.kind, "notified": holding},
    )
    return erased, holding


# The audit action of a "delete my data" said in chat (see bot.lead_capture).
ERASURE_REQUESTED = "erasure.requested"


def pending_erasure_requests(session: Session) -> list[dict[str, Any]]:
    """Erasure requests made in chat whose contact still exists, oldest first."""
    requests = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == ERASURE_REQUESTED)
        .order_by(AuditEntry.created_at)
    ).all()
    wanted = {str(entry.details.get("contact_id")) for entry in requests}
    contacts = {
        contact.id: contact
        for contact in session.scalars(select(Contact).where(Contact.__table__.c.id.in_(wanted)))
    }
    pending = []
    for entry in requests:
        contact = contacts.pop(str(entry.details.get("contact_id")), None)
        if contact is not None:
            pending.append(
                {
                    "requested_at": entry.created_at,
                    "contact_id": contact.id,
                    "name": contact.name,
                    "email": contact.email,
                    "phone": contact.phone,
                }
            )
    return pending
