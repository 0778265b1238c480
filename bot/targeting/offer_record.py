"""An opening offer as it is served: recorded in `content_engagements` as offered under
the web chat's greeting (`placement` opening, with the trigger's name) and linked through
the signed click redirect (`bot.recommend.links`), so its impressions and clicks count
like the bot's own offers.

The offer names the browser's conversation when it has one (and that conversation's lead
and contact once it is a lead; before, the lead takes it when captured:
`bot.lead_capture`), else no one: an anonymous impression, counted and nothing more.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from bot.crm.engagement_tables import record_offer
from bot.crm.queries import lead_of_conversation
from bot.recommend.links import ContentLinks
from bot.targeting.opening import Opening

__all__ = ["TRIGGER_STRATEGY", "recorded_offer"]

TRIGGER_STRATEGY = "trigger"  # chosen by a marketer's trigger, not ranked


def recorded_offer(
    session: Session,
    chosen: Opening,
    *,
    conversation_id: str | None,
    links: ContentLinks,
    now: datetime,
) -> Opening:
    """`chosen` with its offer recorded as offered and linked through the redirect;
    `chosen` itself when it offers nothing."""
    if chosen.offer is None:
        return chosen
    lead = lead_of_conversation(session, conversation_id) if conversation_id else None
    row = record_offer(
        session,
        item_id=chosen.offer.id,
        strategy=TRIGGER_STRATEGY,
        conversation_id=conversation_id,
        lead_id=lead.id if lead is not None else None,
        contact_id=lead.contact_id if lead is not None else None,
        now=now,
        placement="opening",
        trigger=chosen.trigger,
    )
    return replace(chosen, offer_link=links.link(row.id, chosen.offer.id))
