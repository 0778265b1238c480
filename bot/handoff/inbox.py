"""What the console's inbox shows and watches: the open handoffs with the lead beside
each, one handoff in full, the stamp a live page compares to know something changed, and
the figures (time to the first human reply, waiting time, handoffs per rep).

Reads only: every change goes through `bot.handoff.queue`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.crm.handoff_tables import COLUMNS, Handoff
from bot.crm.repository import current_consent
from bot.crm.tables import Lead


@dataclass(frozen=True)
class Entry:
    """A handoff as a rep sees it: who holds it, and what the bot learnt so far."""

    handoff: Handoff
    lead: Lead | None
    consent: dict[str, str]  # purpose → the latest answer (granted, denied, withdrawn …)

    @property
    def name(self) -> str:
        answers = self.lead.answers if self.lead else {}
        return str(answers.get("name") or "Visitor")


def _leads(session: Session, conversation_ids: list[str]) -> dict[str, Lead]:
    if not conversation_ids:
        return {}
    column = Lead.__table__.c.conversation_id
    found = session.execute(select(Lead).where(column.in_(conversation_ids)))
    return {lead.conversation_id: lead for lead in found.scalars()}


def _consent(session: Session, lead: Lead | None) -> dict[str, str]:
    if lead is None:
        return {}
    latest = current_consent(session, contact_id=lead.contact_id)
    return {purpose: event.answer for purpose, event in sorted(latest.items())}


def open_entries(session: Session) -> list[Entry]:
    """Waiting handoffs first, oldest first (the queue), then the assigned ones."""
    handoffs = list(
        session.execute(
            select(Handoff)
            .where(COLUMNS.status != "ended")
            .order_by(COLUMNS.status.desc(), COLUMNS.requested_at)
        ).scalars()
    )
    leads = _leads(session, [h.conversation_id for h in handoffs])
    return [
        Entry(h, leads.get(h.conversation_id), _consent(session, leads.get(h.conversation_id)))
        for h in handoffs
    ]


def entry(session: Session, handoff_id: str) -> Entry | None:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        return None
    lead = _leads(session, [handoff.conversation_id]).get(handoff.conversation_id)
    return Entry(handoff, lead, _consent(session, lead))


def stamp(session: Session, handoff_id: str | None = None) -> str:
    """Changes whenever the inbox (or the one handoff) changes: a live page compares it."""
    query = select(func.count(), func.max(COLUMNS.changed_at))
    if handoff_id is None:
        query = query.where(COLUMNS.status != "ended")
    else:
        query = query.where(COLUMNS.id == handoff_id)
    count, latest = session.execute(query).one()
    return f"{count}:{latest.isoformat() if latest else '-'}"


def waiting_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).where(COLUMNS.status == "waiting")) or 0)


def _minutes(spans: list[timedelta]) -> float | None:
    return round(median(span.total_seconds() for span in spans) / 60, 1) if spans else None


def figures(session: Session, *, start: datetime, end: datetime) -> dict[str, Any]:
    """Handoffs requested in [start, end): how many, how many a rep took, the median
    minutes to a rep's claim and to their first reply, and per rep the handoffs taken."""
    handoffs = list(
        session.execute(
            select(Handoff).where(COLUMNS.requested_at >= start, COLUMNS.requested_at < end)
        ).scalars()
    )
    claimed = [h for h in handoffs if h.claimed_at is not None]
    replied = [h for h in handoffs if h.first_reply_at is not None]
    per_rep: dict[str, int] = {}
    for handoff in claimed:
        per_rep[str(handoff.agent)] = per_rep.get(str(handoff.agent), 0) + 1
    return {
        "requested": len(handoffs),
        "claimed": len(claimed),
        "minutes_to_claim": _minutes([h.claimed_at - h.requested_at for h in claimed]),  # type: ignore[operator]
        "minutes_to_first_reply": _minutes(
            [h.first_reply_at - h.requested_at for h in replied]  # type: ignore[operator]
        ),
        "per_rep": sorted(per_rep.items(), key=lambda item: (-item[1], item[0])),
    }
