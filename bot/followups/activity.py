"""What the follow-up engine reads of conversations in the tracker store.

Which conversations went quiet in a span of time, where each stopped in the lead form,
whether a person wrote again after a follow-up, and whether they went on answering the
form's questions. Each is one query on Rasa's `events` table (see
`bot.stores.conversation_events`), so the engine's rounds stay cheap as conversations pile
up.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import and_, case, func, inspect, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from bot.stores.conversation_events import EVENTS

LEAD_FORM = "lead_form"


def _at(moment: datetime) -> float:
    return moment.timestamp()


def _moment(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, timezone.utc)


def reader(tracker_store: Engine | None) -> Callable[[Session], ConversationActivity]:
    """How a transaction of the engine reads conversations: through its own connection
    when the tracker store is the CRM's database (`tracker_store` None; SQLite has a single
    writer, which the transaction holds), else from the tracker store's engine."""

    def read(session: Session) -> ConversationActivity:
        return ConversationActivity(
            session.connection() if tracker_store is None else tracker_store
        )

    return read


class ConversationActivity:
    def __init__(self, bind: Engine | Connection) -> None:
        self._bind = bind

    @contextmanager
    def _connection(self) -> Iterator[Connection | None]:
        if isinstance(self._bind, Connection):
            yield self._bind if inspect(self._bind).has_table(EVENTS.name) else None
            return
        with self._bind.connect() as connection:
            yield connection if inspect(connection).has_table(EVENTS.name) else None

    def quiet_between(self, earliest: datetime, latest: datetime, *, limit: int) -> list[str]:
        """Conversations with a user message whose last event falls in [earliest, latest],
        the most recently quiet first: a round takes what went quiet since the last one even
        when more than `limit` went quiet in the whole span. Only events since `earliest`
        are read (a conversation's newest event is among them if it counts at all)."""
        with self._connection() as connection:
            if connection is None:
                return []
            last_at = func.max(EVENTS.c.timestamp)
            spoke = func.sum(case((EVENTS.c.type_name == "user", 1), else_=0))
            found = connection.execute(
                select(EVENTS.c.sender_id)
                .where(EVENTS.c.timestamp >= _at(earliest))
                .group_by(EVENTS.c.sender_id)
                .having(last_at <= _at(latest))
                .having(spoke > 0)
                .order_by(last_at.desc())
                .limit(limit)
            ).scalars()
            return list(found)

    def stopped_in_form(self, conversation_ids: Collection[str]) -> dict[str, str]:
        """The lead form question each conversation was left at, for those whose form is
        still open (not finished, not called off) at their last event."""
        if not conversation_ids:
            return {}
        with self._connection() as connection:
            if connection is None:
                return {}
            rows = connection.execute(
                select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.data)
                .where(
                    EVENTS.c.sender_id.in_(list(conversation_ids)),
                    or_(
                        EVENTS.c.type_name.in_(("active_loop", "session_started")),
                        and_(
                            EVENTS.c.type_name == "slot",
                            EVENTS.c.action_name == "requested_slot",
                        ),
                    ),
                )
                .order_by(EVENTS.c.sender_id, EVENTS.c.timestamp, EVENTS.c.id)
            ).all()
        open_form: dict[str, bool] = {}
        asked: dict[str, str | None] = {}
        for sender_id, type_name, data in rows:
            value = json.loads(data) if data else {}
            if type_name == "active_loop":
                open_form[sender_id] = value.get("name") == LEAD_FORM
            elif type_name == "session_started":
                open_form[sender_id] = False
            elif open_form.get(sender_id):
                asked[sender_id] = value.get("value")
        return {
            sender_id: question
            for sender_id, question in asked.items()
            if open_form.get(sender_id) and question
        }

    def wrote_after(self, since: dict[str, datetime]) -> dict[str, datetime]:
        """For each conversation, its first user message after the given moment, if any."""
        if not since:
            return {}
        with self._connection() as connection:
            if connection is None:
                return {}
            floor = min(since.values())
            rows = connection.execute(
                select(EVENTS.c.sender_id, EVENTS.c.timestamp)
                .where(
                    EVENTS.c.sender_id.in_(list(since)),
                    EVENTS.c.type_name == "user",
                    EVENTS.c.timestamp > _at(floor),
                )
                .order_by(EVENTS.c.timestamp)
            ).all()
        first: dict[str, datetime] = {}
        for sender_id, timestamp in rows:
            if sender_id not in first and timestamp > _at(since[sender_id]):
                first[sender_id] = _moment(timestamp)
        return first

    def answered_after(self, since: dict[str, datetime], questions: Collection[str]) -> set[str]:
        """The conversations in which one of `questions` got an answer after the moment."""
        if not since:
            return set()
        with self._connection() as connection:
            if connection is None:
                return set()
            rows = connection.execute(
                select(EVENTS.c.sender_id, EVENTS.c.timestamp).where(
                    EVENTS.c.sender_id.in_(list(since)),
                    EVENTS.c.type_name == "slot",
                    EVENTS.c.action_name.in_(list(questions)),
                    EVENTS.c.timestamp > _at(min(since.values())),
                )
            ).all()
        return {sender_id for sender_id, timestamp in rows if timestamp > _at(since[sender_id])}
