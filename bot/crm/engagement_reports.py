"""Read-side queries for the console's reports on recommended content: the offers made in
a period with what came of them, the offers made under A/B tests of ranking strategies,
and the leads of a period with whether they were offered content and clicked it. The rows
themselves are `bot.crm.engagement_tables`'.

Counts and flags only leave this module, besides what the fairness audit needs to place a
lead (its phone numbers and e-mail addresses), which the page never shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, aliased

from bot.crm.engagement_tables import ContentEngagement
from bot.crm.funnel import QUALIFIED_STATUSES
from bot.crm.outcomes import LeadOutcome
from bot.crm.tables import Contact, Lead
from bot.insights.recommendations import OfferSeen
from bot.insights.strategy_tests import ExperimentOffer

OFFERS = ContentEngagement.__table__.c
LEADS = Lead.__table__.c


def _clicked(offer_id: Any) -> Any:
    clicks = aliased(ContentEngagement)
    return exists().where(clicks.offer_id == offer_id, clicks.kind == "clicked")


def offers_made(session: Session, *, start: datetime, end: datetime) -> list[OfferSeen]:
    """The offers made in [start, end), each with whether it was ever clicked and what
    became of its lead (as it stands now)."""
    rows = session.execute(
        select(
            OFFERS.item_id,
            OFFERS.strategy,
            OFFERS.lead_id,
            OFFERS.placement,
            OFFERS.trigger,
            _clicked(OFFERS.id).label("clicked"),
            LEADS.status,
            LeadOutcome.outcome,
        )
        .select_from(ContentEngagement)
        .outerjoin(Lead, Lead.id == OFFERS.lead_id)
        .outerjoin(LeadOutcome, LeadOutcome.lead_id == OFFERS.lead_id)
        .where(OFFERS.kind == "offered", OFFERS.created_at >= start, OFFERS.created_at < end)
        .order_by(OFFERS.id)
    )
    return [
        OfferSeen(
            item_id=row.item_id,
            strategy=row.strategy,
            lead_id=row.lead_id,
            clicked=bool(row.clicked),
            qualified=row.status in QUALIFIED_STATUSES,
            won=row.outcome == "won",
            placement=row.placement,
            trigger=row.trigger,
        )
        for row in rows
    ]


def experiment_offers(session: Session) -> list[ExperimentOffer]:
    """Every offer made under an A/B test of ranking strategies, oldest first, with
    whether it was ever clicked."""
    rows = session.execute(
        select(
            OFFERS.experiment,
            OFFERS.variant,
            OFFERS.conversation_id,
            _clicked(OFFERS.id).label("clicked"),
        )
        .where(OFFERS.kind == "offered", OFFERS.experiment.is_not(None))
        .order_by(OFFERS.id)
    )
    return [
        ExperimentOffer(
            experiment=row.experiment,
            variant=row.variant or "",
            conversation_id=row.conversation_id,
            clicked=bool(row.clicked),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class LeadExposure:
    """A lead of the period as the fairness audit reads it."""

    conversation_id: str
    channel: str
    score: int
    grade: str
    segments: tuple[str, ...]
    qualified: bool  # status qualified or handed off, as the funnel counts it
    facts: dict[str, Any] | None  # what the predictive score reads
    phones: tuple[object, ...]  # the number given in the form, then the contact's
    emails: tuple[object, ...]
    offered: bool
    clicked: bool


def leads_created(session: Session, *, start: datetime, end: datetime) -> list[LeadExposure]:
    """The leads created in [start, end), oldest first, with whether they were offered
    content (ever) and clicked any of it."""
    offered = exists().where(and_(OFFERS.lead_id == Lead.id, OFFERS.kind == "offered"))
    clicked = exists().where(and_(OFFERS.lead_id == Lead.id, OFFERS.kind == "clicked"))
    rows = session.execute(
        select(
            Lead,
            Contact.phone,
            Contact.email,
            offered.label("offered"),
            clicked.label("clicked"),
        )
        .join(Contact, Contact.id == Lead.contact_id)
        .where(LEADS.created_at >= start, LEADS.created_at < end)
        .order_by(LEADS.created_at, LEADS.id)
    )
    found = []
    for lead, phone, email, was_offered, was_clicked in rows:
        answers = lead.answers if isinstance(lead.answers, dict) else {}
        found.append(
            LeadExposure(
                conversation_id=lead.conversation_id,
                channel=lead.channel,
                score=lead.score,
                grade=lead.grade,
                segments=tuple(lead.segments or ()),
                qualified=lead.status in QUALIFIED_STATUSES,
                facts=lead.facts or None,
                phones=(answers.get("phone"), phone),
                emails=(answers.get("email"), email),
                offered=bool(was_offered),
                clicked=bool(was_clicked),
            )
        )
    return found
