"""Session start: carries the conversation's slots over and sets what responses quote.

A new session of a conversation that had answers (the visitor came back after the
session expired) picks up where it stopped: an unfinished form (the lead form, or the
consent questions) is active again with its pending question, and until the lead is
captured the answers that change as people move on are due to be checked in one line
(bot.leads.returning) rather than asked again."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.leads.returning import KNOWN_CHECK_DUE, checked_answers
from bot.settings import get_settings

CARRIED_OVER_EXCEPT = frozenset({"requested_slot", "session_started_metadata"})
# The forms a returning visitor picks up again.
RESUMED_FORMS = frozenset({"lead_form", "consent_form"})


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
            *picking_up(tracker),
            ActionExecuted("action_listen"),
        ]


def picking_up(tracker: Tracker) -> list[EventType]:
    """A returning visitor's conversation as it stood: the form they left unfinished
    active again, asking what it asked (so the answer to a question still on their screen
    lands in it), and, before the lead is captured, their earlier answers due to be
    checked. After the capture a correction updates the lead without a check."""
    due = bool(checked_answers(tracker.slots)) and not tracker.get_slot("lead_captured")
    events: list[EventType] = [SlotSet(KNOWN_CHECK_DUE, due)]
    form, pending = tracker.active_loop_name, tracker.get_slot("requested_slot")
    if form in RESUMED_FORMS and pending:
        events += [ActiveLoop(form), SlotSet("requested_slot", pending)]
    return events
