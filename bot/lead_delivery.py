"""Queueing a person's leads for the sinks, with their latest consent state."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.crm import Contact, Lead, bump_version, current_consent, enqueue_delivery
from bot.delivery.payload import lead_payload


def queue_lead(session: Session, lead: Lead, contact: Contact, sinks: Sequence[str]) -> None:
    """Queues the lead's current version for each sink, with the latest consent state."""
    if not sinks:
        return
    consent = current_consent(session, contact_id=contact.id)
    payload = lead_payload(lead, contact=contact, consent=consent)
    for sink in sinks:
        enqueue_delivery(session, lead=lead, sink=sink, payload=payload)


def requeue_leads(session: Session, contact: Contact, sinks: Sequence[str]) -> None:
    """A consent change the sinks must hear of: each of the person's leads, once more."""
    for lead in session.scalars(select(Lead).where(Lead.contact_id == contact.id)):
        bump_version(session, lead=lead)
        queue_lead(session, lead, contact, sinks)
