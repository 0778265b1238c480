"""The conversation tracker store: SQL, on SQLite by default or PostgreSQL via DATABASE_URL.

Rasa builds it from `bot/endpoints.yml` (`type: bot.stores.tracker.ParleyTrackerStore`);
the database comes from the settings, so one variable switches every process.

Rasa's SQL store rebuilds a tracker from every stored event of the session on every turn:
one JSON parse, one event object and one replay per event, so a turn late in a long
conversation cost several times a turn early in it. This store keeps the tracker each
turn saved in memory ("resident"), and the next turn takes it back after one indexed
query shows that nobody has stored an event for the conversation since: another
process's turn, an API edit or an erasure each change the newest event id, and the
tracker is then read from the database as before. A turn takes its tracker out of memory
while it runs, so a turn that fails before saving leaves nothing half-applied behind.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from itertools import islice
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import Engine, make_url

from bot.crm import make_engine
from bot.crm.database import READ_ONLY
from bot.settings import get_settings

# Conversations kept in memory per process, least recently used dropped first. With its
# dialogue states (bot/rasa_speedups/dialogue_history.py) a typical conversation takes
# about 0.1 MB; one dropped is read back from the database at its next turn.
RESIDENT_TRACKERS = 500


def sql_store_arguments(url: str) -> dict[str, Any]:
    """SQLTrackerStore's keyword arguments for an SQLAlchemy database URL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return {"dialect": "sqlite", "db": parsed.database or ":memory:"}
    return {
        "dialect": parsed.drivername,
        "host": parsed.host,
        "port": parsed.port,
        "db": parsed.database,
        "username": parsed.username,
        "password": parsed.password,
        "query": dict(parsed.query) or None,
    }


@dataclass
class Resident:
    tracker: DialogueStateTracker
    last_event_id: int | None  # the newest stored event when it was saved


class ParleyTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store, configured from Parley's settings, with saved trackers
    kept in memory between turns."""

    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: EventBroker | None = None,
        **kwargs: Any,
    ) -> None:
        settings = get_settings()
        if settings.database_url is None:
            settings.var_dir.mkdir(parents=True, exist_ok=True)
        super().__init__(
            domain=domain,
            event_broker=event_broker,
            **sql_store_arguments(settings.tracker_store_url),
        )
        rasas_engine: Engine = self.engine  # type: ignore[has-type]
        if rasas_engine.dialect.name == "sqlite":
            # The CRM's SQLite engine: pooled connections in WAL mode, no disk sync per
            # commit (Rasa's opens a connection per read or write and syncs every commit).
            rasas_engine.dispose()
            self.engine = make_engine(settings.tracker_store_url)
            self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        self._reader = self.engine.execution_options(**{READ_ONLY: True})
        events = self.SQLEvent.__table__
        self._newest = sa.select(sa.func.max(events.c.id)).where(
            events.c.sender_id == sa.bindparam("sender_id")
        )
        self._resident: OrderedDict[str, Resident] = OrderedDict()
        # How many events each tracker handed out held then, by conversation.
        self._handed_out: dict[str, int] = {}

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session's tracker: the one in memory if it is still current."""
        resident = self._resident.pop(sender_id, None)
        if resident is not None and resident.last_event_id == self._last_event_id(sender_id):
            tracker: DialogueStateTracker | None = resident.tracker
        else:
            tracker = await super().retrieve(sender_id)
        if tracker is not None:
            self._handed_out[sender_id] = len(tracker.events)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Stores the events the turn added: those after the ones it was handed out with,
        which were all stored. Rasa's own save counts the stored events to find them."""
        sender_id = tracker.sender_id
        handed_out = self._handed_out.pop(sender_id, None)
        if handed_out is None or tracker._max_event_history is not None:
            await super().save(tracker)
            return
        await self.stream_events(tracker)
        rows = [self._row(sender_id, event) for event in islice(tracker.events, handed_out, None)]
        with self.session_scope() as session:
            if rows:  # one statement for all of them (the ORM would insert them one by one)
                session.execute(self.SQLEvent.__table__.insert(), rows)
            last_event_id = session.execute(self._newest, {"sender_id": sender_id}).scalar()
            session.commit()
        if self._matches_database(tracker, handed_out):
            self._resident[sender_id] = Resident(tracker, last_event_id)
            while len(self._resident) > RESIDENT_TRACKERS:
                self._resident.popitem(last=False)

    @staticmethod
    def _row(sender_id: str, event: Event) -> dict[str, Any]:
        """The table row Rasa's `SQLTrackerStore.save` writes for an event."""
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }

    @staticmethod
    def _matches_database(tracker: DialogueStateTracker, handed_out: int) -> bool:
        """Whether the saved tracker holds exactly what reading it back would give.

        It was read back whole when handed out, and the turn added events after those.
        Not so when a session started during the turn: the tracker still holds the
        previous session before it. A tracker this store did not hand out (a new
        conversation, a tracker the API rebuilt) is read back the next time instead."""
        added = islice(tracker.events, handed_out, None)
        return not any(isinstance(event, SessionStarted) for event in added)

    def _last_event_id(self, sender_id: str) -> int | None:
        """The newest stored event's id, read without queueing for SQLite's write lock."""
        with self._reader.connect() as connection:
            return connection.execute(self._newest, {"sender_id": sender_id}).scalar()
