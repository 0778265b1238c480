"""Keyword-only functions that read and write the CRM store, each within a caller's Session.

None of them commits: the caller's unit of work (`session_scope`) decides. Inserts that
must happen once (consent proof, outbox rows, inbound messages, suppressions) go through
`insert_once`, which stays correct when two processes race.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.consent.proof import ConsentRecord
from bot.crm.database import as_json, insert_once, utcnow
from bot.crm.engagement_tables import ContentEngagement
from bot.crm.identity import contact_identifiers, identifier_hash, known_value
from bot.crm.tables import (
    LEAD_STATUSES,
    AuditEntry,
    ConsentConfirmation,
    ConsentEvent,
    Contact,
    Lead,
    OutboxRow,
    Suppression,
)

_VERIFIED_AT = {"email": "email_verified_at", "phone": "phone_verified_at"}
_IDENTIFIERS = ("email", "phone", "telegram_user_id")


def is_verified(contact: Contact, field: str) -> bool:
    """Whether the contact proved this identifier theirs; a Telegram id always is (only
    Telegram's verified webhook gives one)."""
    column = _VERIFIED_AT.get(field)
    return column is None or getattr(contact, column) is not None


def _verify(contact: Contact, field: str) -> None:
    column = _VERIFIED_AT.get(field)
    if column is not None and getattr(contact, column) is None:
        setattr(contact, column, utcnow())


def _holder(session: Session, field: str, value: str) -> Contact | None:
    return session.execute(
        select(Contact).where(getattr(Contact, field) == value)
    ).scalar_one_or_none()


def _merge_contacts(session: Session, *, keep: Contact, merged: Contact) -> None:
    # A lead that changes hands is a new version, so the sinks learn its new contact.
    for lead in session.execute(select(Lead).where(Lead.contact_id == merged.id)).scalars():
        lead.contact_id, lead.version, lead.updated_at = keep.id, lead.version + 1, utcnow()
    # The content they were offered and clicked too (erased with a contact it names).
    for model in (ConsentEvent, ConsentConfirmation, OutboxRow, ContentEngagement):
        session.execute(
            update(model)
            .where(model.contact_id == merged.id)
            .values(contact_id=keep.id)
            .execution_options(synchronize_session=False)
        )
    carried = {
        field: getattr(merged, field)
        for field in (*_IDENTIFIERS, *_VERIFIED_AT.values(), "name", "company")
        if getattr(keep, field) is None and getattr(merged, field) is not None
    }
    keep.created_at = min(keep.created_at, merged.created_at)
    # Deleted before its identifiers move, or the unique keys would see them twice.
    session.delete(merged)
    session.flush()
    for field, value in carried.items():
        setattr(keep, field, value)
    details = {"kept": keep.id, "merged": merged.id}
    record_audit(session, actor="system", action="contact.merged", details=details)


def _give_up_claim(session: Session, holder: Contact, field: str) -> None:
    """A typed claim on an identifier gives way to the person who proved it theirs."""
    setattr(holder, field, None)
    holder.updated_at = utcnow()
    session.flush()
    details = {"contact_id": holder.id, "identifier": field}
    record_audit(session, actor="system", action="contact.claim_displaced", details=details)


def conversation_contact(session: Session, *, conversation_id: str) -> Contact | None:
    """The contact a conversation already wrote to the CRM (its lead's, else its consent
    proof's), or None."""
    contact_id = session.scalar(
        select(Lead.contact_id).where(Lead.conversation_id == conversation_id)
    )
    if contact_id is None:
        contact_id = session.scalar(
            select(ConsentEvent.contact_id)
            .where(
                ConsentEvent.conversation_id == conversation_id,
                ConsentEvent.__table__.c.contact_id.is_not(None),
            )
            .order_by(ConsentEvent.id)
            .limit(1)
        )
    return None if contact_id is None else session.get(Contact, contact_id)


def upsert_contact(
    session: Session,
    *,
    known: Contact | None = None,
    verified: Collection[str] = (),
    email: str | None = None,
    phone: str | None = None,
    telegram_user_id: str | int | None = None,
    name: str | None = None,
    company: str | None = None,
) -> Contact:
    """The contact of the person who gave these details, created or completed.

    `known` is the contact their conversation already has (`conversation_contact`);
    `verified` names the identifiers the channel proved theirs ("phone" over SMS). The
    others are claims, typed by whoever was chatting, and a claim never reaches another
    person's record:

    - A verified identifier finds its owner: the contact that proved it too (merged with
      `known` if that is another one: the same person on two channels). A contact merely
      claiming it loses the claim.
    - A claimed identifier is only written to this person's contact, and only if no other
      contact holds it; it never merges contacts, and never renames or completes anyone
      else.

    Identifiers only fill gaps (a known e-mail is never replaced, but a verified value
    replaces a claim). Name and company take the newest known value. "unknown" and
    "declined" count as not given. ValueError for a malformed identifier.
    """
    identifiers = contact_identifiers(email=email, phone=phone, telegram_user_id=telegram_user_id)
    profile = {"name": known_value(name), "company": known_value(company)}
    contact = known
    for field in _IDENTIFIERS:
        value = identifiers[field]
        if value is None or field not in verified:
            continue
        holder = _holder(session, field, value)
        if holder is None or holder is contact:
            continue
        if not is_verified(holder, field):
            _give_up_claim(session, holder, field)
        elif contact is None:
            contact = holder
        else:
            _merge_contacts(session, keep=holder, merged=contact)
            contact = holder
    if contact is None:
        contact = Contact()
        session.add(contact)
        session.flush()
    changed = False
    for field in _IDENTIFIERS:
        value, proven = identifiers[field], field in verified
        if value is None:
            continue
        current = getattr(contact, field)
        replaceable = current is None or (proven and not is_verified(contact, field))
        if current != value and replaceable and _holder(session, field, value) is None:
            setattr(contact, field, value)
            changed = True
        if proven and getattr(contact, field) == value and not is_verified(contact, field):
            _verify(contact, field)
            changed = True
    for field, value in profile.items():
        if value and getattr(contact, field) != value:
            setattr(contact, field, value)
            changed = True
    if changed:
        contact.updated_at = utcnow()
    session.flush()
    return contact


def save_lead(
    session: Session,
    *,
    contact: Contact,
    conversation_id: str,
    channel: str,
    source: Mapping[str, Any],
    answers: Mapping[str, Any],
    role: str | None,
    authority: str | None,
    score: int,
    grade: str,
    score_breakdown: Sequence[Any],
    segments: Sequence[str],
    status: str,
) -> Lead:
    """Insert or update the conversation's one lead; `version` goes up only on a change.

    Raises sqlalchemy.orm.exc.StaleDataError if another transaction changed the lead
    since it was loaded (see `Lead.__mapper_args__`).
    """
    if status not in LEAD_STATUSES:
        raise ValueError(f"unknown lead status: {status!r}")
    values: dict[str, Any] = {
        "contact_id": contact.id,
        "channel": channel,
        "source": as_json(dict(source)),
        "answers": as_json(dict(answers)),
        "role": role,
        "authority": authority,
        "score": int(score),
        "grade": grade,
        "score_breakdown": as_json(list(score_breakdown)),
        "segments": as_json(list(segments)),
        "status": status,
    }
    found = select(Lead).where(Lead.conversation_id == conversation_id)
    lead = session.execute(found).scalar_one_or_none()
    if lead is None:
        lead = Lead(conversation_id=conversation_id, version=1, **values)
        session.add(lead)
    else:
        changes = {f: v for f, v in values.items() if getattr(lead, f) != v}
        if changes:
            for field, value in changes.items():
                setattr(lead, field, value)
            lead.version += 1
            lead.updated_at = utcnow()
    session.flush()
    return lead


def append_consent_events(
    session: Session, *, contact: Contact, records: Sequence[ConsentRecord]
) -> list[ConsentEvent]:
    """Add each record's proof once (see `ConsentEvent.same_proof`); returns the events
    added, none when an action runs again over the same records."""
    added: list[ConsentEvent] = []
    for record in records:
        event = ConsentEvent.from_record(record, contact_id=contact.id)
        if insert_once(session, event, select(ConsentEvent.id).where(*event.same_proof())):
            added.append(event)
    return added


def current_consent(session: Session, *, contact_id: str) -> dict[str, ConsentEvent]:
    """The latest event per purpose (by recorded time, then arrival) for a contact."""
    events = session.execute(
        select(ConsentEvent)
        .where(ConsentEvent.contact_id == contact_id)
        .order_by(ConsentEvent.recorded_at, ConsentEvent.id)
    ).scalars()
    return {event.purpose: event for event in events}


def suppress(session: Session, *, kind: str, value: str | int, reason: str, pepper: bytes) -> None:
    """Put an identifier on the suppression list (by keyed hash); a no-op if already on."""
    key = identifier_hash(kind, value, pepper)
    row = Suppression(identifier_hash=key, kind=kind, reason=reason)
    insert_once(session, row, select(Suppression).where(Suppression.identifier_hash == key))


def is_suppressed(session: Session, *, kind: str, value: str | int, pepper: bytes) -> bool:
    return session.get(Suppression, identifier_hash(kind, value, pepper)) is not None


def unsuppress(session: Session, *, kind: str, value: str | int, pepper: bytes) -> bool:
    """Take an identifier off the list (START/UNSTOP); False if it was not on it."""
    key = identifier_hash(kind, value, pepper)
    result = session.execute(delete(Suppression).where(Suppression.identifier_hash == key))
    return bool(result.rowcount)


def bump_version(session: Session, *, lead: Lead) -> None:
    """Marks a change the lead's columns don't show (new consent), so sinks hear of it."""
    lead.version += 1
    lead.updated_at = utcnow()
    session.flush()


def enqueue_delivery(
    session: Session, *, lead: Lead, sink: str, payload: Mapping[str, Any]
) -> OutboxRow | None:
    """Queue this lead version for `sink`; None if that version is already queued there."""
    key = f"{sink}:{lead.id}:{lead.version}"
    target = {"lead_id": lead.id, "lead_version": lead.version, "sink": sink}
    row = OutboxRow(**target, idempotency_key=key, payload=as_json(dict(payload)))
    found = select(OutboxRow.id).where(OutboxRow.idempotency_key == key)
    return row if insert_once(session, row, found) else None


def enqueue_message(
    session: Session,
    *,
    sink: str,
    key: str,
    payload: Mapping[str, Any],
    contact: Contact | None = None,
) -> OutboxRow | None:
    """Queue a message that is not a lead version for `sink`, once per `key`: about a
    contact (erased with it), or about no one left (an erasure notice)."""
    key = f"{sink}:{key}"
    row = OutboxRow(
        contact_id=contact.id if contact else None,
        sink=sink,
        idempotency_key=key,
        payload=as_json(dict(payload)),
    )
    found = select(OutboxRow.id).where(OutboxRow.idempotency_key == key)
    return row if insert_once(session, row, found) else None


def record_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    subject_hash: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor, action=action, subject_hash=subject_hash, details=as_json(dict(details or {}))
    )
    session.add(entry)
    session.flush()
    return entry
