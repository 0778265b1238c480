"""Session start: carries the conversation's slots over and sets what responses quote."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.settings import get_settings

CARRIED_OVER_EXCEPT = frozenset({"requested_slot", "session_started_metadata"})


def from_channel_metadata(tracker: Tracker) -> list[EventType]:
    """What the channel knows of the visitor before they say it: where they came from
    (kept from their first session on) and, over SMS, the number they write from."""
    metadata = tracker.get_slot("session_started_metadata") or {}
    events: list[EventType] = []
    source = metadata.get("source")
    if isinstance(source, dict) and source and not tracker.get_slot("lead_source"):
        events.append(SlotSet("lead_source", source))
    phone = metadata.get("phone")
    if isinstance(phone, str) and phone and not tracker.get_slot("phone"):
        events.append(SlotSet("phone", phone))
    return events


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
            *from_channel_metadata(tracker),
            SlotSet("brand_name", settings.brand_name),
            SlotSet("privacy_notice_url", settings.privacy_notice),
            SlotSet("privacy_notice_version", settings.privacy_notice_version),
            ActionExecuted("action_listen"),
        ]
