"""The visitor messages of a conversation as a reviewer sees them, read from Rasa's
`events` table (`bot.stores.conversation_events`).

For each message (`type_name == "user"`): its ids and time, the text, what NLU read in
it (the intent, how sure, the runners-up and the entities), the channel, and what the bot
did next (the actions up to the visitor's next message), in particular whether it fell
back: the FallbackClassifier gave up on it (`nlu_fallback`), or a fallback action
answered it (`action_fallback`, which this bot runs for both NLU and policy doubt).

A conversation's personal details as the lead form stored them (name, company, e-mail,
phone) come with each message, so that `bot.review.placeholders` can take them out of a
message that repeats them where no entity marked them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from bot.leads.form import DECLINED
from bot.review.events_sql import FALLBACK_ACTIONS, FALLBACK_INTENT, events_connection
from bot.stores.conversation_events import EVENTS

RUNNERS_UP = 3
LISTEN = "action_listen"
# The lead form's slots that hold personal details, by the kind of detail.
PERSONAL_SLOTS = {
    "name": "name",
    "last_name": "name",
    "email": "email",
    "phone": "phone",
    "phone_unplaced": "phone",
    "company": "company",
    "company_guess": "company",
}


@dataclass(frozen=True)
class Entity:
    """An entity NLU extracted from a message; `start`/`end` index the message's text."""

    entity: str
    value: str
    start: int | None
    end: int | None
    extractor: str | None


@dataclass(frozen=True)
class VisitorMessage:
    conversation_id: str
    message_id: str | None  # Rasa's; every message from a channel has one
    at: datetime | None
    text: str
    intent: str | None
    confidence: float | None
    runners_up: tuple[tuple[str, float], ...]  # the next intents in NLU's ranking
    entities: tuple[Entity, ...]
    channel: str | None  # Rasa's `input_channel`
    next_actions: tuple[str, ...]  # what the bot ran before the next message
    replies: tuple[str, ...]  # what it said meanwhile
    fell_back: bool
    # The conversation's personal details by kind ("name", "company", ...), as stored.
    personal: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def is_low_confidence(self, threshold: float) -> bool:
        return self.confidence is not None and self.confidence < threshold

    def needs_review(self, threshold: float) -> bool:
        """Whether the bot misread it, or may have: it fell back, or NLU was unsure."""
        return self.fell_back or self.is_low_confidence(threshold)


def _moment(timestamp: float | None) -> datetime | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, timezone.utc)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _runners_up(parse: Mapping[str, Any], chosen: str | None) -> tuple[tuple[str, float], ...]:
    ranked = []
    for item in parse.get("intent_ranking") or []:
        if not isinstance(item, dict) or item.get("name") in (None, chosen):
            continue
        ranked.append((str(item["name"]), _number(item.get("confidence")) or 0.0))
    return tuple(ranked[:RUNNERS_UP])


def _entities(parse: Mapping[str, Any]) -> tuple[Entity, ...]:
    found = []
    for item in parse.get("entities") or []:
        if not isinstance(item, dict) or not item.get("entity"):
            continue
        start, end = item.get("start"), item.get("end")
        found.append(
            Entity(
                entity=str(item["entity"]),
                value=str(item.get("value", "")),
                start=start if isinstance(start, int) else None,
                end=end if isinstance(end, int) else None,
                extractor=item.get("extractor"),
            )
        )
    return tuple(found)


@dataclass
class _Reading:
    """A message being read: its own event, then what followed until the next one."""

    data: dict[str, Any]
    timestamp: float | None
    actions: list[str] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)

    def message(
        self, conversation_id: str, personal: Mapping[str, tuple[str, ...]]
    ) -> VisitorMessage:
        parse = self.data.get("parse_data") or {}
        intent = parse.get("intent") or {}
        name = intent.get("name")
        message_id = self.data.get("message_id") or parse.get("message_id")
        return VisitorMessage(
            conversation_id=conversation_id,
            message_id=str(message_id) if message_id else None,
            at=_moment(self.timestamp),
            text=str(self.data.get("text") or ""),
            intent=str(name) if name else None,
            confidence=_number(intent.get("confidence")),
            runners_up=_runners_up(parse, name),
            entities=_entities(parse),
            channel=self.data.get("input_channel"),
            next_actions=tuple(self.actions),
            replies=tuple(self.replies),
            fell_back=name == FALLBACK_INTENT or any(a in FALLBACK_ACTIONS for a in self.actions),
            personal=personal,
        )


def _data(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _remember(personal: dict[str, list[str]], data: Mapping[str, Any]) -> None:
    kind = PERSONAL_SLOTS.get(str(data.get("name")))
    value = data.get("value")
    if not (kind and isinstance(value, str) and value.strip() and value != DECLINED):
        return
    if value.strip() not in personal.setdefault(kind, []):
        personal[kind].append(value.strip())


def read_messages(conversation_id: str, rows: list[Any]) -> list[VisitorMessage]:
    """The visitor messages among a conversation's event rows (id, type_name, timestamp,
    action_name, data), which must be in the order Rasa saved them."""
    readings: list[_Reading] = []
    personal: dict[str, list[str]] = {}
    for row in rows:
        if row.type_name == "user":
            readings.append(_Reading(_data(row.data), row.timestamp))
        elif row.type_name == "slot" and row.action_name in PERSONAL_SLOTS:
            _remember(personal, _data(row.data))
        elif not readings:
            continue
        elif row.type_name == "action" and row.action_name and row.action_name != LISTEN:
            readings[-1].actions.append(row.action_name)
        elif row.type_name == "bot":
            text = _data(row.data).get("text")
            if isinstance(text, str) and text:
                readings[-1].replies.append(text)
    details = {kind: tuple(values) for kind, values in personal.items()}
    return [reading.message(conversation_id, details) for reading in readings]


class ConversationMessages:
    """The visitor messages in the tracker store, bound to an Engine (each call reads on
    its own connection) or a Connection (calls join its transaction)."""

    def __init__(self, bind: Engine | Connection) -> None:
        self._bind = bind

    def messages(self, conversation_id: str) -> list[VisitorMessage]:
        """The conversation's visitor messages, oldest first."""
        with events_connection(self._bind) as connection:
            if connection is None:
                return []
            rows = connection.execute(
                select(
                    EVENTS.c.id,
                    EVENTS.c.type_name,
                    EVENTS.c.timestamp,
                    EVENTS.c.action_name,
                    EVENTS.c.data,
                )
                .where(
                    EVENTS.c.sender_id == conversation_id,
                    EVENTS.c.type_name.in_(("user", "bot", "action", "slot")),
                )
                .order_by(EVENTS.c.id)
            ).all()
        return read_messages(conversation_id, list(rows))

    def message(self, conversation_id: str, message_id: str) -> VisitorMessage | None:
        """One message by Rasa's id (the first, should a channel have sent it twice)."""
        return next((m for m in self.messages(conversation_id) if m.message_id == message_id), None)
