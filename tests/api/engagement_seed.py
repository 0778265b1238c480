"""Leads, content offers and clicks for the console's report tests, dated relative to
now so that they fall in (or out of) the pages' last-7/30/90-days periods."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.crm import record_outcome, upsert_contact
from bot.crm.database import utcnow
from bot.crm.engagement_tables import ContentEngagement, record_click, record_offer
from bot.crm.tables import Lead
from tests.integration.crm.crm_helpers import lead_for


def days_ago(days: float) -> datetime:
    return utcnow() - timedelta(days=days)


def add_lead(
    session: Session,
    key: str,
    *,
    age: float = 1,
    channel: str = "webchat",
    status: str = "new",
    score: int = 50,
    grade: str = "B",
    segments: Sequence[str] = (),
    phone: str | None = None,
    email: str | None = None,
    outcome: str | None = None,
    facts: dict[str, Any] | None = None,
    **changes: Any,
) -> Lead:
    """A lead captured `age` days ago; its contact holds the e-mail address and phone; with
    `outcome`, won or lost as the sales CRM says."""
    email = email or f"{key}@example.com"
    contact = upsert_contact(session, email=email, phone=phone)
    lead = lead_for(
        session,
        contact,
        f"conv-{key}",
        channel=channel,
        status=status,
        score=score,
        grade=grade,
        segments=list(segments),
        answers={"email": email, "phone": phone or "declined"},
        **changes,
    )
    lead.created_at = lead.updated_at = days_ago(age)
    lead.facts = facts  # what the predictive score reads
    if outcome:
        record_outcome(session, lead_id=lead.id, outcome=outcome, source="test", actor="test")
    session.flush()
    return lead


def offer(
    session: Session,
    lead: Lead | None,
    item_id: str,
    strategy: str,
    *,
    age: float = 1,
    clicks: int = 0,
    experiment: str | None = None,
    variant: str | None = None,
    trigger: str | None = None,
) -> ContentEngagement:
    """An offer made `age` days ago, clicked `clicks` times (each well apart, so each one
    is recorded); under the A/B test `experiment`'s `variant`, when given; with a
    `trigger`, under the opening greeting (to no one without a lead)."""
    made = days_ago(age)
    row = record_offer(
        session,
        item_id=item_id,
        strategy=strategy,
        conversation_id=lead.conversation_id if lead else None,
        lead_id=lead.id if lead else None,
        contact_id=lead.contact_id if lead else None,
        now=made,
        experiment=experiment,
        variant=variant,
        placement="opening" if trigger else "chat",
        trigger=trigger,
    )
    for number in range(clicks):
        assert record_click(session, row.id, now=made + timedelta(minutes=1 + 30 * number))
    session.flush()
    return row
