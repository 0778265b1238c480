"""A returning visitor's one-line check of their earlier answers (bot.leads.returning):
asked by the lead form before anything else in a new session of the conversation."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.leads.returning import still_line, welcome_back

# The lead form's question, never filled itself: its reply clears
# bot.leads.returning.KNOWN_CHECK_DUE.
KNOWN_CHECK = "known_check"


class ActionAskKnownCheck(Action):
    def name(self) -> str:
        return f"action_ask_{KNOWN_CHECK}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(
            response="utter_still_right",
            welcome=welcome_back(tracker.slots),
            known=still_line(tracker.slots) or "",
        )
        return []
