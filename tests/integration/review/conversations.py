"""Conversations for the review tests, as Rasa records them: events built with Rasa's own
classes, their entities found by the bot's own extractor, and saved by Rasa's
`SQLTrackerStore`, so the `events` rows have the shapes production writes."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu.structured_entities import StructuredEntityExtractor
from tests.api.seed import tracker_store

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
SLOTS = (
    "requested_slot",
    "name",
    "last_name",
    "email",
    "company",
    "phone",
    "handoff_requested",
)
INTENTS = (
    "greet",
    "ask_pricing",
    "ask_product",
    "express_interest",
    "inform",
    "request_human",
    "withdraw_consent",
    "out_of_scope",
)
_EXTRACTOR = StructuredEntityExtractor({})


def entities_of(text: str) -> list[dict[str, Any]]:
    """What the bot's StructuredEntityExtractor finds in `text`, as it stores it."""
    return _EXTRACTOR.add_extractor_name(_EXTRACTOR._extract(text))


def parse_data(text: str, intent: str, confidence: float) -> dict[str, Any]:
    """A reading as Rasa's pipeline leaves it: the intent, a ranking of the others (the
    FallbackClassifier puts `nlu_fallback` first at its threshold), the entities."""
    ranking = [{"name": intent, "confidence": confidence}]
    rest = 1.0 - confidence
    for index, other in enumerate(i for i in INTENTS if i != intent):
        ranking.append({"name": other, "confidence": round(rest / (2 ** (index + 1)), 4)})
    if intent == "nlu_fallback":
        # The classifier's own guess, then the others.
        guess = {"name": "ask_product", "confidence": 0.31}
        ranking = [ranking[0], guess, *(r for r in ranking[1:] if r["name"] != "ask_product")]
    return {
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities_of(text),
        "intent_ranking": ranking[:10],
    }


@dataclass
class Conversation:
    """A conversation told turn by turn; `at` moves a few seconds each event."""

    sender_id: str
    start: datetime
    channel: str = "webchat"
    events: list[Event] = field(default_factory=list)
    _tick: int = 0
    _messages: int = 0

    def _at(self) -> float:
        self._tick += 1
        return (self.start + timedelta(seconds=self._tick)).timestamp()

    def begin(self) -> Conversation:
        self.events += [
            ActionExecuted("action_session_start", timestamp=self._at()),
            SessionStarted(timestamp=self._at()),
            ActionExecuted("action_listen", timestamp=self._at()),
        ]
        return self

    def says(self, text: str, intent: str, confidence: float) -> Conversation:
        self._messages += 1
        parse = parse_data(text, intent, confidence)
        self.events.append(
            UserUttered(
                text,
                parse["intent"],
                parse["entities"],
                parse,
                timestamp=self._at(),
                input_channel=self.channel,
                message_id=self.message_id(self._messages),
            )
        )
        return self

    def message_id(self, number: int) -> str:
        return f"{self.sender_id}-m{number}"

    def runs(self, action: str, *replies: str, response: str | None = None) -> Conversation:
        self.events.append(ActionExecuted(action, timestamp=self._at()))
        for reply in replies:
            metadata = {"utter_action": response or action}
            self.events.append(BotUttered(reply, metadata=metadata, timestamp=self._at()))
        return self

    def listens(self) -> Conversation:
        return self.runs("action_listen")

    def sets(self, **slots: Any) -> Conversation:
        self.events += [SlotSet(name, value, timestamp=self._at()) for name, value in slots.items()]
        return self

    def form(self, name: str | None) -> Conversation:
        self.events.append(ActiveLoop(name, timestamp=self._at()))
        return self

    def reverted(self) -> Conversation:
        self.events.append(UserUtteranceReverted(timestamp=self._at()))
        return self

    def tracker(self) -> DialogueStateTracker:
        return DialogueStateTracker.from_events(
            self.sender_id, self.events, slots=[AnySlot(s, mappings=[]) for s in SLOTS]
        )


def save(url: str, *conversations: Conversation) -> None:
    """Save the conversations as Rasa's tracker store does."""
    store = tracker_store(url)
    try:
        for conversation in conversations:
            asyncio.run(store.save(conversation.tracker()))
    finally:
        store.engine.dispose()


def priya() -> Conversation:
    """A web chat visitor who gives her details in the lead form and becomes a lead."""
    talk = Conversation("conv-priya", T0).begin()
    talk.says("hi there", "greet", 0.97).runs("utter_greet", "Hi! I'm the assistant.").listens()
    talk.says("we'd like to try parley", "express_interest", 0.93)
    talk.runs("lead_form").form("lead_form").sets(requested_slot="name")
    talk.runs("action_listen")
    talk.says("I'm Priya Patel, priya.patel@globex.com", "inform", 0.88)
    talk.runs("lead_form").sets(name="Priya Patel", email="priya.patel@globex.com")
    talk.sets(requested_slot="company").listens()
    talk.says("Globex, we are 250 people, call me on (415) 555-0132", "inform", 0.5)
    talk.runs("lead_form").sets(company="Globex", requested_slot=None).form(None)
    return talk.runs("action_complete_lead", "Thanks, Priya!", response="utter_lead_complete")


def unsure() -> Conversation:
    """A visitor the bot did not understand once, then only just understood, then read
    with little confidence."""
    talk = Conversation("conv-unsure", T0 + timedelta(hours=1)).begin()
    talk.says("does it plug into zapier for www.globex.io?", "nlu_fallback", 0.45)
    talk.runs("action_fallback", "Sorry, I'm not sure I understood.", response="utter_fallback")
    talk.listens()
    talk.says("ok what does it cost", "ask_pricing", 0.52).runs("utter_pricing", "$99.")
    talk.listens()
    # The ComplianceGate gave a negated opt-out the classifier's next, unsure, intent.
    talk.says("don't stop, tell me more", "ask_product", 0.21).runs("utter_product", "It's a bot.")
    return talk.listens()


def misread() -> Conversation:
    """NLU was sure, the policies were not: the core fallback answered (and reverted)."""
    talk = Conversation("conv-misread", T0 + timedelta(hours=2), channel="telegram").begin()
    talk.says("blorp the widgets", "greet", 0.91)
    talk.runs("action_fallback", "Sorry, I'm not sure.", response="utter_fallback").reverted()
    return talk.listens()


def left_form() -> Conversation:
    """An SMS visitor who asks for a person, starts the form and stops at the company."""
    talk = Conversation("sms:+14155550199", T0 + timedelta(hours=3), channel="twilio").begin()
    talk.says("can I talk to someone", "request_human", 0.95)
    talk.runs("action_request_handoff").sets(handoff_requested=True)
    talk.runs("lead_form").form("lead_form").sets(requested_slot="company").listens()
    return talk


def opted_out() -> Conversation:
    talk = Conversation("conv-stop", T0 + timedelta(hours=4), channel="twilio").begin()
    talk.says("stop emailing me", "withdraw_consent", 0.97)
    return talk.runs("action_withdraw_consent", "Done.").listens()


def try_panel() -> Conversation:
    """A marketer in the console's try-it panel: never a visitor."""
    talk = Conversation("console-try-0123456789abcdef", T0 + timedelta(hours=5)).begin()
    return talk.says("asdf qwer", "nlu_fallback", 0.45).runs("action_fallback").listens()


def browsers(count: int) -> list[Conversation]:
    """Visitors who only said hello, a day apart, before the others."""
    return [
        Conversation(f"conv-hello-{n}", T0 - timedelta(days=n + 1))
        .begin()
        .says("hello", "greet", 0.99)
        for n in range(count)
    ]


def everyone() -> list[Conversation]:
    return [priya(), unsure(), misread(), left_form(), opted_out(), try_panel(), *browsers(3)]
