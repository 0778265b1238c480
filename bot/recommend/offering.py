"""Content offered at the wrap-up: the recommender's picks for a lead just captured, each
recorded as `offered` and linked through a signed click redirect (`bot.recommend.links`).

`Offering` is built once per action-server process (`bot.bootstrap.content_offering`). It
keeps one `Recommender`, built again when the catalogue files change or when its history
is older than `REFRESH`: the history is the CRM's leads with the items they clicked
(`bot.crm.engagement_tables`). The rules apply as always, with two facts only the CRM
knows: marketing e-mail consent counts once confirmed (not while it waits for a double
opt-in), and nothing the contact ever clicked is offered again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.crm.database import utcnow
from bot.crm.engagement_tables import clicked_by_contact, clicks_by_lead, record_offer
from bot.crm.tables import Lead as CrmLead
from bot.recommend.blend import Recommender
from bot.recommend.catalogue import Catalogue, Item
from bot.recommend.config import RecommenderConfig
from bot.recommend.lead import Lead
from bot.recommend.links import ContentLinks

__all__ = ["REFRESH", "Offer", "Offering", "click_history", "items_text"]

REFRESH = timedelta(minutes=5)
logger = logging.getLogger(__name__)
Content = tuple[Catalogue, RecommenderConfig]


@dataclass(frozen=True)
class Offer:
    item: Item
    reason: str
    link: str


def items_text(offers: Sequence[Offer]) -> str:
    """One line per offer, as `utter_recommendations` shows them."""
    return "\n".join(f"{offer.item.title} — {offer.reason}: {offer.link}" for offer in offers)


def click_history(session: Session) -> list[Lead]:
    """Past leads as the recommender sees them, with the items each clicked."""
    clicks = clicks_by_lead(session)
    if not clicks:
        return []
    history = []
    rows = session.execute(
        select(CrmLead.id, CrmLead.answers, CrmLead.segments).where(
            CrmLead.__table__.c.id.in_(list(clicks))
        )
    )
    for lead_id, answers, segments in rows:
        try:
            lead = Lead.from_slots(answers or {}, segments=segments or (), clicked=clicks[lead_id])
        except ValueError:
            logger.warning("lead %s: answers the recommender cannot read; left out", lead_id)
            continue
        history.append(lead)
    return history


class Offering:
    """The recommender of one process and what it takes to offer its picks."""

    def __init__(
        self,
        content: Callable[[], Content],
        links: ContentLinks,
        *,
        refresh: timedelta = REFRESH,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._content, self.links = content, links
        self._refresh, self._clock = refresh, clock
        self._lock = threading.Lock()
        self._built: tuple[Content, datetime, Recommender] | None = None

    def recommender(self, session: Session) -> Recommender:
        """The recommender, built again if the catalogue changed or its history is old."""
        content, now = self._content(), self._clock()
        with self._lock:
            built = self._built
            if built is None or built[0] is not content or now - built[1] >= self._refresh:
                built = (content, now, Recommender(*content, click_history(session)))
                self._built = built
            return built[2]

    def offer(
        self,
        session: Session,
        *,
        slots: Mapping[str, Any],
        lead: CrmLead,
        marketing_email_confirmed: bool,
    ) -> list[Offer]:
        """Recommends items to the lead, records each as offered; [] if none passes."""
        recommender = self.recommender(session)
        clicked = clicked_by_contact(session, lead.contact_id)
        seen = Lead.from_slots(slots, segments=lead.segments or (), clicked=clicked)
        seen = replace(seen, marketing_consent=seen.marketing_consent and marketing_email_confirmed)
        offers = []
        for found in recommender.recommend(seen, today=self._clock().date()):
            row = record_offer(
                session,
                item_id=found.item.id,
                strategy=found.strategy,
                conversation_id=lead.conversation_id,
                lead_id=lead.id,
                contact_id=lead.contact_id,
                now=self._clock(),
            )
            offers.append(Offer(found.item, found.reason, self.links.link(row.id, found.item.id)))
        return offers
