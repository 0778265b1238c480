"""Reading a conversation's event rows into visitor messages (no database): what NLU read,
what the bot did next, and the personal details the lead form stored."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered

from bot.review.messages import read_messages
from bot.review.outcomes import fallback_threshold


def rows(*events: Event) -> list[Any]:
    """The events as `SQLTrackerStore` stores them (name in `action_name`, JSON in `data`)."""
    stored = []
    for number, event in enumerate(events):
        data = event.as_dict()
        stored.append(
            SimpleNamespace(
                id=number,
                type_name=event.type_name,
                timestamp=data.get("timestamp"),
                action_name=data.get("name"),
                data=json.dumps(data),
            )
        )
    return stored


def said(text: str, intent: str | None, confidence: float | None = None, **more: Any) -> Event:
    reading = {"name": intent, "confidence": confidence} if intent else {}
    return UserUttered(text, reading, parse_data=more or None, message_id=f"id-{text}")


def test_what_followed_a_message_up_to_the_next_one_is_its() -> None:
    ranking = [{"name": n, "confidence": c} for n, c in (("greet", 0.6), ("thank", 0.2))]
    [hello, thanks] = read_messages(
        "c",
        rows(
            BotUttered("Welcome!"),  # before any message: nobody's reply
            said("hello", "greet", 0.6, intent_ranking=ranking),
            ActionExecuted("utter_greet"),
            BotUttered("Hi!"),
            ActionExecuted("action_listen"),
            said("thanks!!", "thank", 0.99),
        ),
    )
    assert (hello.next_actions, hello.replies, hello.runners_up) == (
        ("utter_greet",),
        ("Hi!",),
        (("thank", 0.2),),
    )
    assert (thanks.next_actions, thanks.replies, thanks.fell_back) == ((), (), False)
    assert (hello.message_id, hello.conversation_id) == ("id-hello", "c")


def test_a_message_without_a_reading_reads_as_nothing() -> None:
    [message] = read_messages("c", rows(said("/greet", None)))
    assert (message.intent, message.confidence, message.entities) == (None, None, ())
    assert not message.needs_review(0.45)


def test_the_personal_details_come_from_the_forms_slots_wherever_they_were_set() -> None:
    [first, _] = read_messages(
        "c",
        rows(
            said("hi", "greet", 0.9),
            SlotSet("requested_slot", "name"),
            said("Jo Park, no phone", "inform", 0.8),
            SlotSet("name", "Jo Park"),
            SlotSet("phone", "declined"),
            SlotSet("company_guess", "Park & Sons"),
            SlotSet("company", "Park & Sons"),
            SlotSet("handoff_requested", True),
        ),
    )
    assert dict(first.personal) == {"name": ("Jo Park",), "company": ("Park & Sons",)}


def test_a_pipeline_without_a_fallback_classifier_has_rasas_default(tmp_path: Path) -> None:
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "config.yml").write_text("pipeline:\n  - name: DIETClassifier\n")
    assert fallback_threshold(tmp_path) == 0.3
