"""Content offered in the conversation: the recommender's picks for a lead just captured
(the wrap-up, `Offering.offer`) or for a visitor's question at any point ("do you have a
case study for retail?", `Offering.answer`), each recorded as `offered` and linked
through a signed click redirect (`bot.recommend.links`). Both take one path: the person
as the recommender sees them (`_visitor`), then the record of each pick (`_record`).

`Offering` is built once per action-server process (`bot.bootstrap.content_offering`). It
keeps one `Recommender`, built again when the catalogue files change or when its history
is older than `REFRESH`: the history is the CRM's leads with the items they clicked
(`bot.crm.engagement_tables`). The rules apply as always, with two facts only the CRM
knows: marketing e-mail consent counts once confirmed (not while it waits for a double
opt-in), and nothing offered in the conversation or ever clicked by the contact is offered
again. A visitor who asks before they are a lead is offered content too: the rows name
the conversation only, and become the lead's when the lead is captured
(`bot.lead_capture.capture_lead`).

When the settings declare an A/B test of ranking strategies (`bot.recommend.strategies`),
the conversation is ranked under the strategy of its variant, and every offer records
the test and the variant (`_ranked_under`); without one, the settings' weights rank it.
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
from bot.crm.engagement_tables import (
    clicked_by_contact,
    clicks_by_lead,
    items_of_conversation,
    record_offer,
)
from bot.crm.queries import lead_of_conversation
from bot.crm.tables import Lead as CrmLead
from bot.recommend.answer import answer
from bot.recommend.blend import Recommendation, Recommender
from bot.recommend.catalogue import Catalogue, Item
from bot.recommend.config import RecommenderConfig
from bot.recommend.lead import Lead
from bot.recommend.links import ContentLinks
from bot.recommend.question import ContentQuestion, read_question
from bot.recommend.strategies import Strategy, StrategyExperiment

__all__ = [
    "REFRESH",
    "Answered",
    "Offer",
    "Offering",
    "click_history",
    "items_text",
]

REFRESH = timedelta(minutes=5)
logger = logging.getLogger(__name__)
Content = tuple[Catalogue, RecommenderConfig]
# The A/B test of strategies and the variant a conversation is ranked under, if any.
RankedUnder = tuple[StrategyExperiment, Strategy] | None


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


@dataclass(frozen=True)
class Answered:
    """The offers made for a visitor's question, and how well they match it
    (`bot.recommend.answer`: ASKED, CLOSEST or NOTHING)."""

    question: ContentQuestion
    match: str
    offers: list[Offer]


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
        """At the wrap-up: recommends items to the lead, records each as offered; [] if
        none passes."""
        seen = self._visitor(session, slots, lead.conversation_id, lead, marketing_email_confirmed)
        under = self._ranked_under(lead.conversation_id)
        picks = self.recommender(session).recommend(
            seen, today=self._clock().date(), strategy=under[1] if under else None
        )
        return self._record(session, picks, lead.conversation_id, lead, under)

    def answer(
        self,
        session: Session,
        text: str,
        *,
        slots: Mapping[str, Any],
        conversation_id: str,
        marketing_email_confirmed: bool,
    ) -> Answered:
        """For a visitor's question for content (`text`), at any point of the conversation:
        the items that answer it, or the closest, each recorded as offered (to the
        conversation's lead, if it has one yet)."""
        catalogue = self._content()[0]
        industries = sorted({name for item in catalogue.items for name in item.industries})
        question = read_question(text, industries)
        lead = lead_of_conversation(session, conversation_id)
        seen = self._visitor(session, slots, conversation_id, lead, marketing_email_confirmed)
        recommender = self.recommender(session)
        under = self._ranked_under(conversation_id)
        strategy = under[1] if under else None
        found = answer(recommender, seen, question, today=self._clock().date(), strategy=strategy)
        offers = self._record(session, found.picks, conversation_id, lead, under)
        return Answered(question, found.match, offers)

    def _ranked_under(self, conversation_id: str) -> RankedUnder:
        """The A/B test of strategies in the settings and the conversation's variant."""
        experiment = self._content()[1].experiment
        if experiment is None:
            return None
        return experiment, experiment.strategy_for(conversation_id)

    def _visitor(
        self,
        session: Session,
        slots: Mapping[str, Any],
        conversation_id: str,
        lead: CrmLead | None,
        marketing_email_confirmed: bool,
    ) -> Lead:
        """The person as the recommender sees them: their answers so far, their segments,
        and what they were offered in this conversation or ever clicked (never again)."""
        offered, clicked = items_of_conversation(session, conversation_id)
        if lead is not None and lead.contact_id is not None:
            clicked |= clicked_by_contact(session, lead.contact_id)
        seen = Lead.from_slots(
            slots,
            segments=(lead.segments or ()) if lead is not None else (),
            seen=offered,
            clicked=clicked,
        )
        confirmed = seen.marketing_consent and marketing_email_confirmed
        return replace(seen, marketing_consent=confirmed)

    def _record(
        self,
        session: Session,
        picks: Sequence[Recommendation],
        conversation_id: str,
        lead: CrmLead | None,
        under: RankedUnder,
    ) -> list[Offer]:
        offers = []
        for found in picks:
            row = record_offer(
                session,
                item_id=found.item.id,
                strategy=found.strategy,
                conversation_id=conversation_id,
                lead_id=lead.id if lead is not None else None,
                contact_id=lead.contact_id if lead is not None else None,
                now=self._clock(),
                experiment=under[0].name if under else None,
                variant=under[1].name if under else None,
            )
            offers.append(Offer(found.item, found.reason, self.links.link(row.id, found.item.id)))
        return offers
