"""CRM rows as the API's response models (see `bot.api.schemas`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from bot.api.schemas import (
    ConsentEventOut,
    ConsentState,
    ContactOut,
    LeadDetail,
    LeadSummary,
    OutboxItem,
    TokenOut,
)
from bot.crm.queries import consent_events_of
from bot.crm.tables import ApiToken, ConsentEvent, Contact, Lead, OutboxRow


def contact_out(contact: Contact) -> ContactOut:
    return ContactOut(
        id=contact.id,
        email=contact.email,
        phone=contact.phone,
        telegram_user_id=contact.telegram_user_id,
        name=contact.name,
        company=contact.company,
        created_at=contact.created_at,
        updated_at=contact.updated_at,
    )


def lead_summary(lead: Lead, contact: Contact) -> LeadSummary:
    return LeadSummary(
        id=lead.id,
        contact_id=lead.contact_id,
        name=contact.name,
        email=contact.email,
        company=contact.company,
        channel=lead.channel,
        score=lead.score,
        grade=lead.grade,
        segments=list(lead.segments),
        status=lead.status,
        created_at=lead.created_at,
        updated_at=lead.updated_at,
    )


def consent_event_out(event: ConsentEvent) -> ConsentEventOut:
    return ConsentEventOut(
        id=event.id,
        purpose=event.purpose,
        answer=event.answer,
        granted=event.granted,
        wording=event.wording,
        notice_version=event.notice_version,
        reply_text=event.reply_text,
        message_id=event.message_id,
        channel=event.channel,
        conversation_id=event.conversation_id,
        recorded_at=event.recorded_at,
    )


def consent_states(events: Sequence[ConsentEvent]) -> list[ConsentState]:
    """Per purpose, the latest answer and every answer as its proof; `events` newest first."""
    by_purpose: dict[str, list[ConsentEvent]] = {}
    for event in events:
        by_purpose.setdefault(event.purpose, []).append(event)
    return [
        ConsentState(
            purpose=purpose,
            answer=latest[0].answer,
            granted=latest[0].granted,
            recorded_at=latest[0].recorded_at,
            proof=[consent_event_out(event) for event in latest],
        )
        for purpose, latest in sorted(by_purpose.items())
    ]


def lead_detail(session: Session, lead: Lead, contact: Contact) -> LeadDetail:
    return LeadDetail(
        **lead_summary(lead, contact).dict(),
        version=lead.version,
        role=lead.role,
        authority=lead.authority,
        source=dict(lead.source),
        answers=dict(lead.answers),
        score_breakdown=list(lead.score_breakdown),
        contact=contact_out(contact),
        consent=consent_states(consent_events_of(session, [contact.id])),
        transcript_url=f"/api/leads/{lead.id}/transcript",
    )


def outbox_item(row: OutboxRow) -> OutboxItem:
    return OutboxItem(
        id=row.id,
        lead_id=row.lead_id,
        lead_version=row.lead_version,
        sink=row.sink,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
        payload=dict(row.payload),
    )


def token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        name=token.name,
        role=token.role,
        created_at=token.created_at,
        revoked_at=token.revoked_at,
        last_used_at=token.last_used_at,
    )
