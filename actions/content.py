"""Content from the catalogue (`bot.recommend.offering`), offered in the conversation: when
a visitor asks ("do you have a case study for retail?") at any point — before the lead
form, in it (the form's digression, `actions/lead_form.py`), at the consent question or
after the wrap-up — and at the wrap-up itself, to a lead just captured.

Each item is one line "title — reason: link", with a signed link that records the click.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_reading import latest_user_text
from bot import bootstrap
from bot.consent import Purpose
from bot.crm import session_scope
from bot.crm.tables import Lead
from bot.double_opt_in import awaiting_confirmation
from bot.recommend.answer import ASKED, CLOSEST
from bot.recommend.offering import items_text
from bot.recommend.question import describe

logger = logging.getLogger(__name__)

# What the bot says for a question, by how well the items match it (bot.recommend.answer);
# named in full so the data check can see which responses the actions use.
ANSWER_RESPONSES = {ASKED: "utter_content_found", CLOSEST: "utter_content_closest"}
NOTHING_RESPONSE = "utter_content_none"


def offer_for_question(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Answers the visitor's question for content with 1 to 3 items, recorded as offered
    in this conversation; says honestly when none is what was asked, or when none fits.
    Nothing is offered while the recommender cannot run: it is logged and said."""
    try:
        with session_scope(bootstrap.crm_engine()) as session:
            awaiting = awaiting_confirmation(session, conversation_id=tracker.sender_id)
            answered = bootstrap.content_offering().answer(
                session,
                latest_user_text(tracker),
                slots=tracker.slots,
                conversation_id=tracker.sender_id,
                marketing_email_confirmed=Purpose.MARKETING_EMAIL not in awaiting,
            )
    except Exception:
        logger.exception("content for a question failed; nothing was offered")
        dispatcher.utter_message(response="utter_content_unavailable")
        return
    asked = describe(answered.question)
    if not answered.offers:
        dispatcher.utter_message(response=NOTHING_RESPONSE, asked=asked)
        return
    dispatcher.utter_message(
        response=ANSWER_RESPONSES[answered.match], asked=asked, items=items_text(answered.offers)
    )


def offer_at_wrap_up(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    lead: Lead,
    awaiting: dict[Purpose, bool],
) -> None:
    """After the wrap-up, content that may help; nothing if nothing fits. The lead is
    saved by now: a failure here is logged, not raised."""
    try:
        with session_scope(bootstrap.crm_engine()) as session:
            offers = bootstrap.content_offering().offer(
                session,
                slots=tracker.slots,
                lead=lead,
                marketing_email_confirmed=Purpose.MARKETING_EMAIL not in awaiting,
            )
    except Exception:
        logger.exception("content recommendations failed; the wrap-up goes without them")
        return
    if offers:
        dispatcher.utter_message(response="utter_recommendations", items=items_text(offers))


class ActionOfferContent(Action):
    """Answers "do you have a case study for retail?" outside the lead form."""

    def name(self) -> str:
        return "action_offer_content"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        offer_for_question(dispatcher, tracker)
        return []
