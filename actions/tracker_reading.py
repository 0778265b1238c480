"""Reading what actually happened from a rasa_sdk Tracker: the verbatim reply, the
wording the bot showed, and the entities the rule-based extractor found."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from bot.leads.reading import EntitySpan
from bot.nlu.intent_syntax import NEUTRALISING_PREFIX


def latest_user_event(tracker: Tracker) -> dict[str, Any] | None:
    return next((e for e in reversed(tracker.events) if e.get("event") == "user"), None)


def latest_user_text(tracker: Tracker) -> str:
    """What the user typed last, verbatim (not the NLU's copy of it)."""
    event = latest_user_event(tracker)
    if event is not None and isinstance(event.get("text"), str):
        return str(event["text"])
    text = (tracker.latest_message or {}).get("text") or ""
    return str(text).removeprefix(NEUTRALISING_PREFIX)


def latest_message_id(tracker: Tracker) -> str | None:
    event = latest_user_event(tracker)
    return None if event is None else event.get("message_id")


def wording_shown_before_reply(tracker: Tracker) -> str | None:
    """The text of the last bot message before the user's latest reply."""
    seen_reply = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_reply:
                return None
            seen_reply = True
        elif seen_reply and event.get("event") == "bot" and event.get("text"):
            return str(event["text"])
    return None


def entity_spans(tracker: Tracker) -> list[EntitySpan]:
    """The structured entities of the latest message, with their places in its text."""
    spans = []
    for entity in (tracker.latest_message or {}).get("entities") or []:
        name, value = entity.get("entity"), entity.get("value")
        if isinstance(name, str) and isinstance(value, str):
            spans.append(EntitySpan(name, value, entity.get("start"), entity.get("end")))
    return spans


def last_response(tracker: Tracker) -> str | None:
    """The name of the response the bot said last ("utter_fallback"), if any."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action")
    return None


def latest_intent(tracker: Tracker) -> str | None:
    name = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    return str(name) if name else None


def message_is_new_to(tracker: Tracker, action: str) -> bool:
    """Whether `action` has not run since the visitor's latest message. Rasa hands a
    form's validation a tracker that already ends with the form's own run (counted once)."""
    runs = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return runs <= 1
        if event.get("event") == "action" and event.get("name") == action:
            runs += 1
    return False


def last_slot_answered(tracker: Tracker, slots: tuple[str, ...]) -> str | None:
    """Which of `slots` was filled last, before the latest message."""
    seen_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_message = True
        elif (
            seen_message
            and event.get("event") == "slot"
            and event.get("name") in slots
            and event.get("value") is not None
        ):
            return str(event["name"])
    return None


def held_before_latest_message(tracker: Tracker, slot: str, value: Any) -> bool:
    """Whether `slot` already held `value` before the visitor's latest message: set again
    by a form that starts once more (after a digression, or with its questions answered),
    not new."""
    seen_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_message = True
        elif seen_message and event.get("event") == "slot" and event.get("name") == slot:
            return bool(event.get("value") == value)
    return False


def said_since_latest_message(tracker: Tracker) -> bool:
    """Whether the bot has said anything since the visitor's latest message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot":
            return True
    return False


def active_form(tracker: Tracker) -> str | None:
    return (tracker.active_loop or {}).get("name")


def intents_seen(tracker: Tracker) -> set[str]:
    """Every intent the user expressed in this conversation."""
    return {
        str(e["parse_data"]["intent"]["name"])
        for e in tracker.events
        if e.get("event") == "user"
        and ((e.get("parse_data") or {}).get("intent") or {}).get("name")
    }


def engagement_signals(tracker: Tracker) -> dict[str, bool]:
    intents = intents_seen(tracker)
    return {
        "asked_pricing": "ask_pricing" in intents,
        "asked_product": "ask_product" in intents,
        "handoff_requested": bool(tracker.get_slot("handoff_requested")),
    }
