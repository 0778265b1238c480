"""Session start: carries the conversation's slots over and sets what responses quote."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.settings import get_settings

CARRIED_OVER_EXCEPT = frozenset({"requested_slot", "session_started_metadata"})


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        settings = get_settings()
        carried = [
            SlotSet(name, value)
            for name, value in tracker.slots.items()
            if value is not None and name not in CARRIED_OVER_EXCEPT
        ]
        return [
            SessionStarted(),
            *carried,
            SlotSet("brand_name", settings.brand_name),
            SlotSet("privacy_notice_url", settings.privacy_notice),
            SlotSet("privacy_notice_version", settings.privacy_notice_version),
            ActionExecuted("action_listen"),
        ]
