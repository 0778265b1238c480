"""The CRM failing or locked in the middle of a lead capture, on SQLite and PostgreSQL:
nothing half-written, and the turn tried again (`bot.action_failures`) writes the lead,
its consent proof and its deliveries once, however many tries it takes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot import bootstrap
from bot.crm import ConsentEvent, Lead, OutboxRow, session_scope
from bot.lead_capture import capture_lead
from tests.api.seed import priya_slots

pytestmark = pytest.mark.integration


class CrmFellOver(Exception):
    pass


def capture(session: Session) -> None:
    capture_lead(
        session,
        slots=priya_slots(),
        conversation_id="conv-faults",
        channel="webchat",
        signals={},
        rules=bootstrap.scoring_rules(),
        segments=bootstrap.segments(),
        pepper=b"pepper",
        sinks=("webhook", "hubspot"),
    )


def written(engine: Engine) -> tuple[int, int, int]:
    with session_scope(engine) as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Lead, ConsentEvent, OutboxRow)
        )


@pytest.fixture
def engine(crm_engine: Engine, session: Session) -> Iterator[Engine]:
    """The migrated database (`session` empties it afterwards)."""
    yield crm_engine


def test_a_capture_cut_off_before_its_commit_leaves_nothing_and_retries_write_once(
    engine: Engine,
) -> None:
    with pytest.raises(CrmFellOver), session_scope(engine) as session:
        capture(session)
        raise CrmFellOver  # the database went away before the commit
    assert written(engine) == (0, 0, 0)
    for _ in range(3):  # the retry, then retries of a turn whose answer was lost
        with session_scope(engine) as session:
            capture(session)
    assert written(engine) == (1, 2, 2)  # one lead, its two consent answers, two sinks


def hold_the_write_lock(engine: Engine, taken: threading.Event, release: threading.Event) -> None:
    with engine.connect() as connection:
        transaction = connection.begin()  # BEGIN IMMEDIATE on SQLite: the write lock
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("LOCK TABLE leads IN ACCESS EXCLUSIVE MODE")
        taken.set()
        release.wait(10)
        transaction.rollback()


def test_a_capture_waits_for_a_locked_crm_and_then_writes_once(engine: Engine) -> None:
    taken, release, done = threading.Event(), threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_the_write_lock, args=(engine, taken, release))
    holder.start()
    assert taken.wait(10)
    errors: list[Any] = []

    def turn() -> None:
        try:
            with session_scope(engine) as session:
                capture(session)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            done.set()

    capturing = threading.Thread(target=turn)
    capturing.start()
    assert not done.wait(0.5)  # held up by the lock, not failed
    release.set()
    holder.join(10)
    assert done.wait(20) and errors == []
    capturing.join(5)
    assert written(engine) == (1, 2, 2)
