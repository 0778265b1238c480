"""A web chat conversation's history as the widget shows it, read from the tracker."""

from __future__ import annotations

from typing import Any

from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

AGENT = "agent"  # a sales rep's message names the rep (`bot.handoff`)


def chat_history(
    tracker: DialogueStateTracker | None, *, after: float | None = None
) -> list[dict[str, Any]]:
    """Visitor and bot messages in order (only those after the timestamp `after`, when
    given); buttons kept for bot messages, the rep named for a rep's."""
    messages: list[dict[str, Any]] = []
    for event in tracker.events if tracker else []:
        if after is not None and event.timestamp <= after:
            continue
        if isinstance(event, UserUttered) and event.text:
            messages.append({"sender": "user", "text": event.text, "timestamp": event.timestamp})
        elif isinstance(event, BotUttered) and (event.text or event.data.get("buttons")):
            message: dict[str, Any] = {
                "sender": "bot",
                "text": event.text or "",
                "timestamp": event.timestamp,
            }
            if event.metadata.get(AGENT):
                message[AGENT] = str(event.metadata[AGENT])
            buttons = event.data.get("buttons") or event.data.get("quick_replies")
            if buttons:
                message["buttons"] = reply_buttons(buttons)
            messages.append(message)
    return messages


def reply_buttons(buttons: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))} for b in buttons
    ]


def reply(message: dict[str, Any]) -> dict[str, Any]:
    """One bot message as the widget gets it in a POST's answer."""
    shaped: dict[str, Any] = {"text": message.get("text") or ""}
    if isinstance(message.get("timestamp"), (int, float)):
        shaped["timestamp"] = message["timestamp"]
    if message.get(AGENT):
        shaped[AGENT] = str(message[AGENT])
    buttons = message.get("buttons") or message.get("quick_replies")
    if buttons:
        shaped["buttons"] = reply_buttons(buttons)
    return shaped
