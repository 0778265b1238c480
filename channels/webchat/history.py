"""A web chat conversation as the widget shows it, read from the tracker store's table.

The ingress serves the widget and imports no Rasa, so it reads the events the Rasa
server's tracker store (`bot.stores.tracker`, Rasa's SQL schema) saved, as rows: the
visitor's and the bot's messages of the conversation's current session, as Rasa's own
`retrieve` would hand them out. A turn is saved before its replies are handed to the
waiting request (`channels.pipeline`), so what a page reads after an answer includes it.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.crm.database import READ_ONLY

AGENT = "agent"  # a sales rep's message names the rep (`bot.handoff`)

# Rasa's SQLTrackerStore table, the columns read here.
EVENTS = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("sender_id", sa.String),
    sa.column("type_name", sa.String),
    sa.column("timestamp", sa.Float),
    sa.column("data", sa.Text),
)


def chat_history(
    engine: Engine, conversation_id: str, *, after: float | None = None
) -> list[dict[str, Any]]:
    """Visitor and bot messages in order (only those after the timestamp `after`, when
    given); buttons kept for bot messages, the rep named for a rep's."""
    with engine.execution_options(**{READ_ONLY: True}).connect() as connection:
        rows = connection.execute(_query(conversation_id, after)).all()
    messages: list[dict[str, Any]] = []
    for type_name, data in rows:
        event = json.loads(data) if data else {}
        message = _message(type_name, event)
        if message is not None:
            messages.append(message)
    return messages


def _query(conversation_id: str, after: float | None) -> sa.Select:
    c = EVENTS.c
    # The session's start, as Rasa's SQL store finds it: the newest session_started.
    session_start = (
        sa.select(sa.func.max(c.timestamp))
        .where(c.sender_id == conversation_id, c.type_name == "session_started")
        .scalar_subquery()
    )
    query = (
        sa.select(c.type_name, c.data)
        .where(
            c.sender_id == conversation_id,
            c.type_name.in_(("user", "bot")),
            c.timestamp >= sa.func.coalesce(session_start, 0),
        )
        .order_by(c.id)
    )
    if after is not None:
        query = query.where(c.timestamp > after)
    return query


def _message(type_name: str, event: dict[str, Any]) -> dict[str, Any] | None:
    timestamp = event.get("timestamp")
    if type_name == "user":
        text = event.get("text")
        return {"sender": "user", "text": text, "timestamp": timestamp} if text else None
    data = event.get("data") or {}
    buttons = data.get("buttons") or data.get("quick_replies")
    if not (event.get("text") or buttons):
        return None
    text = event.get("text") or ""
    message: dict[str, Any] = {"sender": "bot", "text": text, "timestamp": timestamp}
    metadata = event.get("metadata") or {}
    if metadata.get(AGENT):
        message[AGENT] = str(metadata[AGENT])
    if buttons:
        message["buttons"] = reply_buttons(buttons)
    return message


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
