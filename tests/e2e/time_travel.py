"""Moves a conversation back in time, so its next message starts a new session.

The tracker store keeps the tracker each turn saved in memory and trusts it while the
conversation's newest stored event is the one it saved; the events are therefore stored
again, earlier, under new ids (as another process's write would look), and the next turn
reads them back from the database.
"""

from __future__ import annotations

import json

from sqlalchemy import delete, insert, select

from bot.crm import make_engine
from bot.settings import Settings
from bot.stores.conversation_events import EVENTS


def move_back(stack: Settings, conversation_id: str, seconds: float) -> None:
    engine = make_engine(stack.tracker_store_url)
    try:
        with engine.begin() as connection:
            rows = connection.execute(
                select(EVENTS).where(EVENTS.c.sender_id == conversation_id).order_by(EVENTS.c.id)
            ).all()
            assert rows, f"no stored events for {conversation_id}"
            # Stored anew before the old rows go, so every new id is above every old one.
            for row in rows:
                data = json.loads(row.data)
                data["timestamp"] = data["timestamp"] - seconds
                values = dict(row._mapping)
                del values["id"]
                values.update(timestamp=row.timestamp - seconds, data=json.dumps(data))
                connection.execute(insert(EVENTS).values(**values))
            connection.execute(delete(EVENTS).where(EVENTS.c.id.in_([row.id for row in rows])))
    finally:
        engine.dispose()
