"""Read and erase conversations in Rasa's SQL tracker store (its `events` table).

The CRM API shows transcripts, exports a person's conversations and erases them; Rasa has
no API for that, so this adapter reads the table Rasa's `SQLTrackerStore` writes. Rasa owns
the table: it is described here, never created, and a database where Rasa has not saved a
conversation yet (no table) simply holds no events.

Bound to an Engine, each call is its own transaction. Bound to a Connection, calls join
the caller's transaction: that is how the API erases when the tracker store and the CRM
share one database, so a single commit (or rollback) covers both.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, TypedDict

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    inspect,
    or_,
    select,
)
from sqlalchemy.engine import Connection, Engine

# Rasa 3.6's `SQLTrackerStore.SQLEvent`, as far as Parley reads it.
EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)
MESSAGE_TYPES = ("user", "bot")


class StoredEvent(TypedDict):
    conversation_id: str
    type: str
    timestamp: str | None
    data: Any


class TranscriptLine(TypedDict):
    sender: str
    text: str | None
    timestamp: str | None
    agent: str | None  # the sales rep who wrote a bot-side message (`bot.handoff`)


def like_pattern(text: str) -> str:
    """`%text%` for LIKE with `\\` as the escape, so `_` and `%` in an address are literal."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat()


def _parsed(data: str | None) -> Any:
    try:
        return None if data is None else json.loads(data)
    except ValueError:
        return data  # not ours to judge: hand it back as stored


class ConversationEvents:
    """The tracker store's events, by conversation (Rasa's `sender_id`)."""

    def __init__(self, bind: Engine | Connection) -> None:
        self._bind = bind

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        if isinstance(self._bind, Connection):
            yield self._bind
        else:
            with self._bind.begin() as connection:
                yield connection

    @staticmethod
    def _has_events(connection: Connection) -> bool:
        return bool(inspect(connection).has_table(EVENTS.name))

    def events(self, conversation_ids: Collection[str]) -> list[StoredEvent]:
        """Every stored event of these conversations, in the order Rasa saved them."""
        if not conversation_ids:
            return []
        with self._connection() as connection:
            if not self._has_events(connection):
                return []
            rows = connection.execute(
                select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
                .where(EVENTS.c.sender_id.in_(list(conversation_ids)))
                .order_by(EVENTS.c.sender_id, EVENTS.c.timestamp, EVENTS.c.id)
            ).all()
        return [
            StoredEvent(
                conversation_id=row.sender_id,
                type=row.type_name,
                timestamp=_iso(row.timestamp),
                data=_parsed(row.data),
            )
            for row in rows
        ]

    def funnel_events(self, *, start: datetime, end: datetime) -> list[StoredEvent]:
        """What the funnel report reads of the conversations begun in [start, end).

        A conversation begins with its first user message. Returned per conversation, in
        the order Rasa saved them: that first message (its `input_channel` and `metadata`
        say where the visitor came from), every `active_loop` event and every
        `requested_slot` slot event (Rasa stores an event's `name` as `action_name`).
        One query; finding first messages scans all user events, which a report can afford.
        """
        with self._connection() as connection:
            if not self._has_events(connection):
                return []
            first_at = func.min(EVENTS.c.timestamp)
            begun = (
                select(EVENTS.c.sender_id, first_at.label("first_at"))
                .where(EVENTS.c.type_name == "user")
                .group_by(EVENTS.c.sender_id)
                .having(first_at >= start.timestamp())
                .having(first_at < end.timestamp())
                .subquery()
            )
            rows = connection.execute(
                select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
                .join(begun, begun.c.sender_id == EVENTS.c.sender_id)
                .where(
                    or_(
                        and_(EVENTS.c.type_name == "user", EVENTS.c.timestamp == begun.c.first_at),
                        EVENTS.c.type_name == "active_loop",
                        and_(
                            EVENTS.c.type_name == "slot",
                            EVENTS.c.action_name == "requested_slot",
                        ),
                    )
                )
                .order_by(EVENTS.c.sender_id, EVENTS.c.timestamp, EVENTS.c.id)
            ).all()
        return [
            StoredEvent(
                conversation_id=row.sender_id,
                type=row.type_name,
                timestamp=_iso(row.timestamp),
                data=_parsed(row.data),
            )
            for row in rows
        ]

    def transcript(self, conversation_id: str) -> list[TranscriptLine]:
        """What the visitor, the bot and any sales rep said, in order (other events are
        bookkeeping)."""
        lines: list[TranscriptLine] = []
        for event in self.events([conversation_id]):
            if event["type"] in MESSAGE_TYPES:
                data = event["data"] if isinstance(event["data"], dict) else {}
                text, metadata = data.get("text"), data.get("metadata")
                agent = metadata.get("agent") if isinstance(metadata, dict) else None
                lines.append(
                    TranscriptLine(
                        sender=event["type"],
                        text=text if isinstance(text, str) else None,
                        timestamp=event["timestamp"],
                        agent=str(agent) if agent else None,
                    )
                )
        return lines

    def conversations_mentioning(self, texts: Collection[str]) -> set[str]:
        """Conversations any of whose events contains one of `texts` (case-insensitively).

        A full scan of the table, acceptable for the rare erasure or export: it finds the
        conversations where a person gave their address but which never became a lead.
        """
        needles = [text.lower() for text in texts if text]
        if not needles:
            return set()
        with self._connection() as connection:
            if not self._has_events(connection):
                return set()
            found = connection.execute(
                select(EVENTS.c.sender_id)
                .where(
                    or_(
                        *(
                            func.lower(EVENTS.c.data).like(like_pattern(n), escape="\\")
                            for n in needles
                        )
                    )
                )
                .distinct()
            ).scalars()
            return set(found)

    def idle_since(self, moment: datetime, *, limit: int) -> list[str]:
        """Up to `limit` conversations whose last event is older than `moment`."""
        with self._connection() as connection:
            if not self._has_events(connection):
                return []
            last_at = func.max(EVENTS.c.timestamp)
            found = connection.execute(
                select(EVENTS.c.sender_id)
                .group_by(EVENTS.c.sender_id)
                .having(last_at < moment.timestamp())
                .order_by(EVENTS.c.sender_id)
                .limit(limit)
            ).scalars()
            return list(found)

    def delete(self, conversation_ids: Collection[str]) -> int:
        """Erase these conversations' events; returns how many were deleted."""
        if not conversation_ids:
            return 0
        with self._connection() as connection:
            if not self._has_events(connection):
                return 0
            result = connection.execute(
                delete(EVENTS).where(EVENTS.c.sender_id.in_(list(conversation_ids)))
            )
            return int(result.rowcount or 0)
