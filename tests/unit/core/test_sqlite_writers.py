"""SQLite writers of different processes wait for one another by trying again every half
millisecond (`bot.crm.database`), not in SQLite's busy handler's growing sleeps."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.crm import make_engine, read_scope, session_scope

HOLD_S = 0.24  # SQLite's own handler tries at 0.228 s, then not until 0.328 s


def test_a_writer_gets_the_lock_as_soon_as_another_process_lets_go(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    # Another process's connection (handed to a thread that lets go of the lock).
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("CREATE TABLE t (n INTEGER)")
    other.execute("BEGIN IMMEDIATE")
    released = threading.Event()
    released_at: list[float] = []

    def let_go() -> None:
        time.sleep(HOLD_S)
        other.execute("COMMIT")
        released_at.append(time.monotonic())
        released.set()

    engine = make_engine(f"sqlite:///{path}")
    try:
        with read_scope(engine) as session:  # connected: the wait below is the lock's alone
            session.execute(text("SELECT 1"))
        threading.Thread(target=let_go).start()
        with session_scope(engine) as session:
            session.execute(text("INSERT INTO t VALUES (1)"))  # BEGIN IMMEDIATE first
            acquired_at = time.monotonic()
            busy_timeout = session.execute(text("PRAGMA busy_timeout")).scalar()
        assert released.wait(5)
        assert acquired_at - released_at[0] < 0.05
        assert busy_timeout == 30_000  # what the rest of the transaction may still wait
    finally:
        engine.dispose()
        other.close()


def test_another_error_than_a_lock_is_raised_at_once(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    path.write_bytes(b"not a database" * 512)
    engine = make_engine(f"sqlite:///{path}")
    try:
        started = time.monotonic()
        with pytest.raises(Exception, match="not a database"), session_scope(engine) as session:
            session.execute(text("INSERT INTO t VALUES (1)"))
        assert time.monotonic() - started < 5
    finally:
        engine.dispose()
