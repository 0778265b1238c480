"""From a finished conversation to the CRM: one transaction per outcome.

`capture_lead` scores and segments the lead (`bot.lead_scoring`, with the recommended
content the conversation opened), gives it the content offered in its conversation so
far (`claim_offers`), finds or makes the contact, appends the
consent proof (a yes for an identifier the conversation did not prove is pending, and its
owner is asked to confirm it: `bot.double_opt_in`) and queues the lead version for each
delivery sink (the outbox, drained by `python -m bot.delivery`), all or nothing.
`capture_opt_out` appends the withdrawal proof and puts the identifiers on the
suppression list; `capture_erasure_request` does the same and queues the request for an
admin; `capture_resubscribe` undoes an SMS opt-out (START).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.consent import ConsentAnswer, ConsentRecord, Purpose
from bot.consent.confirmation import ConfirmationRequests
from bot.crm import (
    Contact,
    Lead,
    append_consent_events,
    bump_version,
    record_audit,
    save_lead,
    suppress,
    unsuppress,
)
from bot.crm.database import utcnow
from bot.crm.engagement_tables import claim_offers
from bot.crm.repository import conversation_contact, upsert_contact
from bot.crm.subjects import ERASURE_REQUESTED
from bot.double_opt_in import (
    as_counted,
    proven_identifiers,
    request_confirmations,
    suppression_check,
    verified_kinds,
)
from bot.lead_delivery import queue_lead, requeue_leads
from bot.lead_scoring import opened_content, scored
from bot.leads.form import QUESTIONS, is_usable_contact
from bot.scoring import LeadFacts, ScoringRules, Segment

if TYPE_CHECKING:
    from bot.recommend.catalogue import Catalogue


def _contact(session: Session, slots: Mapping[str, Any], conversation_id: str) -> Contact | None:
    """The conversation's contact: the identifiers its channel proved are theirs, the
    typed ones are claims (`upsert_contact`)."""
    email, phone = slots.get("email"), slots.get("phone")
    if not (is_usable_contact(email) or is_usable_contact(phone)):
        return None
    return upsert_contact(
        session,
        known=conversation_contact(session, conversation_id=conversation_id),
        verified=verified_kinds(slots, proven_identifiers(conversation_id)),
        email=email if is_usable_contact(email) else None,
        phone=phone if is_usable_contact(phone) else None,
        name=slots.get("name"),
        company=slots.get("company"),
    )


def _suppress_withdrawn(
    session: Session, slots: Mapping[str, Any], records: Sequence[ConsentRecord], pepper: bytes
) -> None:
    for record in records:
        if record["answer"] != ConsentAnswer.WITHDRAWN.value:
            continue
        kind = Purpose(record["purpose"]).identifier_kind
        value = slots.get(kind)
        if is_usable_contact(value):
            suppress(session, kind=kind, value=value, reason=record["purpose"], pepper=pepper)


def capture_lead(
    session: Session,
    *,
    slots: Mapping[str, Any],
    conversation_id: str,
    channel: str,
    signals: Mapping[str, bool],
    rules: ScoringRules,
    segments: list[Segment],
    pepper: bytes,
    sinks: Sequence[str],
    confirmations: ConfirmationRequests | None = None,
    catalogue: Catalogue | None = None,
) -> Lead | None:
    """Writes the lead with its score, breakdown, segments and consent proof, and queues
    this lead version once for each of `sinks` (an unchanged lead queues nothing new).
    Consent awaiting double opt-in is asked for through `confirmations` (None: no sender
    configured, the request stays open for a YES the person texts us). The content the
    conversation opened scores as `catalogue` has it (None: not scored)."""
    contact = _contact(session, slots, conversation_id)
    if contact is None:
        return None
    opened = opened_content(session, conversation_id, catalogue)
    facts = LeadFacts.from_slots(slots, channel=channel, signals=signals, opened=opened)
    before = session.scalar(select(Lead).where(Lead.conversation_id == conversation_id))
    previous_version = before.version if before is not None else None
    found = scored(facts, rules=rules, segments=segments, before=before)
    lead = save_lead(
        session,
        contact=contact,
        conversation_id=conversation_id,
        channel=channel,
        source=slots.get("lead_source") or {"channel": channel},
        answers={question: slots.get(question) for question in QUESTIONS},
        role=slots.get("role"),
        authority=slots.get("authority"),
        **found.columns(),
    )
    lead.facts = facts.as_dict()  # what the predictive score and rescoring read
    claim_offers(session, conversation_id=conversation_id, lead_id=lead.id, contact_id=contact.id)
    suppressed = suppression_check(session, pepper)
    records = as_counted(
        slots.get("consent_records") or [],
        slots=slots,
        proven=proven_identifiers(conversation_id),
        suppressed=suppressed,
    )
    added = append_consent_events(session, contact=contact, records=records)
    _suppress_withdrawn(session, slots, records, pepper)
    request_confirmations(
        session,
        contact=contact,
        conversation_id=conversation_id,
        slots=slots,
        records=records,
        requests=confirmations,
        suppressed=suppressed,
        now=utcnow(),
    )
    # New consent proof is a change the sinks must hear of, even when no answer changed.
    if added and previous_version == lead.version:
        bump_version(session, lead=lead)
    queue_lead(session, lead, contact, sinks)
    return lead


def _withdraw(
    session: Session,
    contact: Contact,
    *,
    slots: Mapping[str, Any],
    records: Sequence[ConsentRecord],
    pepper: bytes,
    sinks: Sequence[str],
) -> None:
    added = append_consent_events(session, contact=contact, records=records)
    _suppress_withdrawn(session, slots, records, pepper)
    if added:
        requeue_leads(session, contact, sinks)


def capture_opt_out(
    session: Session,
    *,
    slots: Mapping[str, Any],
    conversation_id: str,
    records: Sequence[ConsentRecord],
    pepper: bytes,
    sinks: Sequence[str],
) -> bool:
    """Records a withdrawal and re-sends the person's leads with it; False when the visitor
    gave nothing that identifies them."""
    contact = _contact(session, slots, conversation_id)
    if contact is None:
        return False
    _withdraw(session, contact, slots=slots, records=records, pepper=pepper, sinks=sinks)
    return True


def capture_unsubscribe(
    session: Session,
    contact: Contact,
    *,
    record: ConsentRecord,
    pepper: bytes,
    sinks: Sequence[str],
) -> None:
    """An unsubscribe link from one of our e-mails: the link was signed for this contact,
    so the withdrawal is theirs (and their address goes on the suppression list)."""
    _withdraw(
        session,
        contact,
        slots={"email": contact.email},
        records=[record],
        pepper=pepper,
        sinks=sinks,
    )


def capture_erasure_request(
    session: Session,
    *,
    slots: Mapping[str, Any],
    conversation_id: str,
    records: Sequence[ConsentRecord],
    pepper: bytes,
    sinks: Sequence[str],
) -> bool:
    """A "delete my data" said in chat: stops all marketing at once and queues the request
    for an admin (`GET /api/subjects/requests`), who erases with `DELETE /api/subjects`.
    Nothing is erased on the spot: a chat message proves no one's identity."""
    contact = _contact(session, slots, conversation_id)
    if contact is None:
        return False
    _withdraw(session, contact, slots=slots, records=records, pepper=pepper, sinks=sinks)
    record_audit(
        session, actor="visitor", action=ERASURE_REQUESTED, details={"contact_id": contact.id}
    )
    return True


def capture_resubscribe(
    session: Session, *, phone: str, record: ConsentRecord, pepper: bytes, sinks: Sequence[str]
) -> None:
    """START/UNSTOP by text: the number comes off the suppression list, with the proof
    (the number is proven: only Twilio's signed webhook reaches an SMS conversation)."""
    known = conversation_contact(session, conversation_id=record["conversation_id"])
    contact = upsert_contact(session, known=known, verified={"phone"}, phone=phone)
    if append_consent_events(session, contact=contact, records=[record]):
        requeue_leads(session, contact, sinks)
    unsuppress(session, kind="phone", value=phone, pepper=pepper)
