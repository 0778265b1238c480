"""Won/lost outcomes imported from the sales CRM: the labels the predictive score learns from.

One current outcome per lead: a re-import overwrites it. Like `bot.crm.repository`, the
functions work within a caller's Session and never commit. An outcome goes with its lead
when the lead is erased (the foreign key cascades).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, select
from sqlalchemy.orm import Session

from bot.crm.database import UtcDateTime, insert_once, utcnow
from bot.crm.tables import Base, Lead
from bot.scoring.facts import LeadFacts

if TYPE_CHECKING:
    from bot.crm.tables import Mapped
else:
    from sqlalchemy.orm import Mapped

OUTCOMES = ("won", "lost")


class LeadOutcome(Base):
    """Whether a lead was won or lost, as `source` (a sales CRM) last said."""

    __tablename__ = "lead_outcomes"
    __table_args__ = (CheckConstraint("outcome IN ('won', 'lost')", name="outcome"),)

    # The lead is the key: one current outcome each.
    lead_id: Mapped[str] = Column(
        String(36), ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True
    )
    outcome: Mapped[str] = Column(String(8), nullable=False)
    source: Mapped[str] = Column(String(64), nullable=False)
    recorded_at: Mapped[datetime] = Column(UtcDateTime, nullable=False, default=utcnow)
    recorded_by: Mapped[str] = Column(String(64), nullable=False)


def unknown_leads(session: Session, lead_ids: Collection[str]) -> list[str]:
    """The ids among `lead_ids` that name no lead, sorted."""
    wanted = set(lead_ids)
    found = set(session.execute(select(Lead.id).where(Lead.__table__.c.id.in_(wanted))).scalars())
    return sorted(wanted - found)


def record_outcome(
    session: Session, *, lead_id: str, outcome: str, source: str, actor: str
) -> bool:
    """Set the lead's outcome (won or lost); True when it had none before.

    Raises ValueError for another outcome; an unknown lead fails the foreign key.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}; expected one of {', '.join(OUTCOMES)}")
    values = {"outcome": outcome, "source": source, "recorded_by": actor}
    row = LeadOutcome(lead_id=lead_id, recorded_at=utcnow(), **values)
    found = select(LeadOutcome).where(LeadOutcome.lead_id == lead_id)
    if insert_once(session, row, found):
        return True
    current = session.execute(found).scalar_one()
    for field, value in values.items():
        setattr(current, field, value)
    current.recorded_at = utcnow()
    session.flush()
    return False


def labelled_facts(session: Session) -> list[tuple[LeadFacts, bool]]:
    """(facts, won) for every lead with an outcome, oldest lead first; leads captured
    before their facts were stored are left out."""
    rows = session.execute(
        select(Lead.facts, LeadOutcome.outcome)
        .join(LeadOutcome, LeadOutcome.lead_id == Lead.id)
        .order_by(Lead.created_at, Lead.id)
    ).all()
    # A JSON column may hand back JSON null as None as well as SQL NULL: checked here.
    return [(LeadFacts.from_dict(facts), outcome == "won") for facts, outcome in rows if facts]
