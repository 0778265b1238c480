"""The inbox wake-up through PostgreSQL's LISTEN/NOTIFY (a CRM on PostgreSQL, no Redis)."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from channels.wakeup.signal import RECONNECT_S, Complaint, Wakeup

POSTGRES_CHANNEL = "parley_inbox"


class PostgresWakeup(Wakeup):
    """PostgreSQL's LISTEN/NOTIFY: the writer's transaction says NOTIFY, which PostgreSQL
    delivers once it commits (and never if it rolls back); each Rasa server listens on a
    connection of its own."""

    def __init__(self, database_url: str, *, name: str = POSTGRES_CHANNEL) -> None:
        super().__init__()
        self.database_url = database_url
        self.name = name

    def on_commit(self, session: Session, channel: str) -> None:
        session.execute(_NOTIFY, {"name": self.name, "channel": channel})

    async def _receive(self) -> None:
        loop = asyncio.get_running_loop()
        complain = Complaint("Listening for inbox wake-ups in PostgreSQL")
        while True:
            connection: Any = None
            try:
                connection = await loop.run_in_executor(None, self._connect)
                await self._read(connection)
            except Exception as error:  # psycopg2.Error, OSError: the connection broke
                complain(error)
            finally:
                if connection is not None:
                    connection.close()
            await asyncio.sleep(RECONNECT_S)

    async def _read(self, connection: Any) -> None:
        loop = asyncio.get_running_loop()
        readable = asyncio.Event()
        descriptor = connection.fileno()
        loop.add_reader(descriptor, readable.set)
        try:
            self._wake_all()
            while True:
                await readable.wait()
                readable.clear()
                connection.poll()
                while connection.notifies:
                    self._wake(connection.notifies.pop(0).payload)
        finally:
            loop.remove_reader(descriptor)

    def _connect(self) -> Any:
        import psycopg2
        from psycopg2 import sql

        url = make_url(self.database_url)
        args, options = url.get_dialect()().create_connect_args(url)
        # Keep-alives: a connection a network fault cut off silently is noticed.
        connection = psycopg2.connect(*args, **options, keepalives=1, keepalives_idle=30)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.name)))
        return connection


_NOTIFY = text("SELECT pg_notify(:name, :channel)")
