"""Engines, sessions and stored-value conventions for the CRM, on SQLite or PostgreSQL.

Nothing here connects at import time: `make_engine` builds a lazy engine and the first
session opens the first connection.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import DateTime, TypeDecorator, create_engine, event
from sqlalchemy.engine import Connection, Dialect, Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

# How long an SQLite writer waits for another one before giving up, in seconds.
SQLITE_BUSY_TIMEOUT = 30
# How often a waiting writer tries again: often at first (other writers' transactions take
# milliseconds), then less often (one that takes longer is a long one).
SQLITE_LOCK_POLL_S = 0.0005
SQLITE_LOCK_SLOW_POLL_S = 0.005
SQLITE_LOCK_FAST_FOR_S = 0.1


READ_ONLY = "parley_read_only"  # an execution option: see `read_scope`
# An execution option: on SQLite, take the write lock only if it is free at once, else
# raise OperationalError (for writes that may be skipped: `bot.crm.tokens.authenticate`).
NO_WAIT = "parley_no_wait"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def parse_utc(text: str) -> datetime:
    """An ISO 8601 timestamp as an aware datetime; one without a zone is taken as UTC."""
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def as_json(value: Any) -> Any:
    """`value` in JSON's own types, as a JSON column gives it back (tuples become lists).

    Compared with a loaded row, it tells a real change from a cosmetic one; a value JSON
    cannot hold fails here, where its caller is, rather than at commit.
    """
    return json.loads(json.dumps(value))


class UtcDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend.

    SQLite has no time zones and hands back naive values; this type refuses naive input
    (its zone would be a guess) and always returns aware UTC datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give timestamps with a time zone (UTC)")
        value = value.astimezone(timezone.utc)
        # SQLite stores text: a naive UTC value keeps them comparable and sortable.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def _prepare_sqlite(engine: Engine, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _: Any) -> None:
        # pysqlite's own transaction handling breaks SAVEPOINT (used for race-free
        # dedupe); turning it off and emitting BEGIN ourselves is SQLAlchemy's recipe.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            # Readers no longer block the writer: the API and action server share a file.
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode this still survives any process crash; only a power cut can lose
            # the last commits. FULL would sync the disk at every commit, and every webhook
            # acknowledgement is a commit.
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # IMMEDIATE takes the write lock up front, so concurrent processes (API, actions,
        # worker, ingress, Rasa) wait their turn. A plain BEGIN that reads first and then
        # writes fails at once with "database is locked" when another writer is active.
        # Read-only units of work (`read_scope`) need no lock: WAL readers never wait.
        options = connection.get_execution_options()
        if options.get(READ_ONLY, False):
            connection.exec_driver_sql("BEGIN")
        elif options.get(NO_WAIT, False):
            _begin_immediate_now(connection.connection.dbapi_connection)
        else:
            _begin_immediate(connection.connection.dbapi_connection)


def _begin_immediate_now(dbapi_connection: Any) -> None:
    """BEGIN IMMEDIATE if no other writer holds the lock; sqlite3.OperationalError if one
    does."""
    dbapi_connection.execute("PRAGMA busy_timeout = 0")
    try:
        dbapi_connection.execute("BEGIN IMMEDIATE")
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT * 1000}")


def _begin_immediate(dbapi_connection: Any) -> None:
    """BEGIN IMMEDIATE, tried again every half millisecond while another writer holds the
    lock, for up to SQLITE_BUSY_TIMEOUT.

    SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25 … 100 ms between tries: a
    writer waiting behind another process's run of short transactions (the Rasa server
    claiming and finishing messages) loses every race to it and waits tens of milliseconds
    each time. The ingress's acknowledgements waited for it: an SMS storm of 200 a second
    measured p99 76–345 ms with SQLite's handler, 15–22 ms polling like this.
    Only the BEGIN polls: once it holds the lock, nothing else in the transaction waits for
    another writer (WAL), and the busy timeout covers what remains.
    """
    started = time.monotonic()
    dbapi_connection.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                waited = time.monotonic() - started
                if "database is locked" not in str(error) or waited > SQLITE_BUSY_TIMEOUT:
                    raise
            fast = waited < SQLITE_LOCK_FAST_FOR_S
            time.sleep(SQLITE_LOCK_POLL_S if fast else SQLITE_LOCK_SLOW_POLL_S)
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT * 1000}")


def make_engine(url: str) -> Engine:
    """A SQLAlchemy 2.0-style engine for `url` (SQLite file or PostgreSQL)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        in_memory = parsed.database in (None, "", ":memory:")
        # Connections stay open between units of work. SQLAlchemy 1.4 would otherwise
        # open one per unit and close it after, and the last connection to close
        # checkpoints the WAL to disk: a disk sync at every commit.
        pooling = {} if in_memory else {"poolclass": QueuePool, "pool_size": 5, "max_overflow": 10}
        engine = create_engine(
            parsed,
            future=True,
            # Sessions may be used from the thread pool of an async web server.
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT},
            **pooling,
        )
        _prepare_sqlite(engine, in_memory)
        return engine
    return create_engine(
        parsed,
        future=True,
        # Connections dropped by a database restart or a proxy are replaced, not raised.
        pool_pre_ping=True,
        pool_recycle=1800,
        pool_size=5,
        max_overflow=10,
    )


def make_session(engine: Engine) -> Session:
    """A 2.0-style session whose loaded rows stay readable after commit.

    `expire_on_commit=False` because callers return rows (a lead, a contact) out of
    `session_scope` and read them afterwards without a live session.
    """
    return Session(engine, future=True, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commits when the block ends, rolls back if it raises."""
    with make_session(engine) as session, session.begin():
        yield session


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """A unit of work that only reads: on SQLite it does not queue for the write lock."""
    with make_session(engine.execution_options(**{READ_ONLY: True})) as session, session.begin():
        yield session


def insert_once(session: Session, row: object, find: Any) -> bool:
    """Insert `row` unless the query `find` selects something; False when it did.

    The look-then-insert runs in a SAVEPOINT, so when a concurrent transaction inserts
    the same unique key in between, the database's refusal only undoes this row and is
    reported as "already there" rather than failing the caller's whole transaction.
    """
    if session.execute(find).first() is not None:
        return False
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        if session.execute(find).first() is None:
            raise  # a different constraint failed: not a duplicate
        return False
    return True
