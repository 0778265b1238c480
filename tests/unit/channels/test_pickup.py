"""What a Rasa server finds of the rows another process recorded: each row once, only the
channel's own, and a row that became visible late (a later commit of a lower id)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert

from bot import bootstrap
from bot.crm import InboundMessage, read_scope, session_scope, upgrade_to_head
from bot.crm.database import utcnow
from bot.crm.inbox import claim_next, finish, record_inbound
from bot.settings import get_settings
from channels.pickup import NewRows


@pytest.fixture(autouse=True)
def crm() -> None:
    upgrade_to_head(get_settings().crm_database_url)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def receive(external_id: str, conversation: str, channel: str = "sms") -> int:
    with session_scope(bootstrap.crm_engine()) as session:
        row_id = record_inbound(
            session,
            channel=channel,
            external_id=external_id,
            conversation_id=conversation,
            payload={"text": "hi"},
        )
    assert row_id is not None
    return row_id


def look(new_rows: NewRows) -> list[str]:
    with read_scope(bootstrap.crm_engine()) as session:
        return new_rows.look(session)


def test_each_new_row_is_handed_out_once_by_conversation_and_only_its_channels() -> None:
    receive("before", "sms:+1")
    new_rows = NewRows("sms", clock=Clock())
    assert look(new_rows) == []  # what was there before the first look is the sweep's
    receive("a1", "sms:+2")
    receive("b1", "sms:+3")
    receive("a2", "sms:+2")
    receive("t1", "telegram:9", channel="telegram")
    assert look(new_rows) == ["sms:+2", "sms:+3"]
    assert look(new_rows) == []
    receive("a3", "sms:+2")
    assert look(new_rows) == ["sms:+2"]


def test_a_row_finished_before_the_look_is_not_handed_out() -> None:
    new_rows = NewRows("sms", clock=Clock())
    look(new_rows)
    receive("done", "sms:+4")
    with session_scope(bootstrap.crm_engine()) as session:
        claim = claim_next(session, conversation_id="sms:+4", lease=timedelta(seconds=60))
        assert claim is not None
        finish(session, message_id=claim.id)
    assert look(new_rows) == []


def test_a_lower_id_that_shows_up_late_is_still_handed_out_within_the_overlap() -> None:
    clock = Clock()
    new_rows = NewRows("sms", overlap_s=1.0, clock=clock)
    look(new_rows)
    first = receive("x1", "sms:+5")
    receive("x2", "sms:+6")
    with session_scope(bootstrap.crm_engine()) as session:  # x2's row: the one seen first
        session.execute(InboundMessage.__table__.delete().where(InboundMessage.id == first))
    assert look(new_rows) == ["sms:+6"]
    clock.now += 0.5
    late_row(first, "x1", "sms:+5")  # PostgreSQL committed the lower id after the higher
    assert look(new_rows) == ["sms:+5"]
    clock.now += 5  # both settled, and still unfinished: not handed out again
    assert look(new_rows) == []


def late_row(row_id: int, external_id: str, conversation: str) -> None:
    with session_scope(bootstrap.crm_engine()) as session:
        session.execute(
            insert(InboundMessage.__table__).values(
                id=row_id,
                channel="sms",
                external_id=external_id,
                conversation_id=conversation,
                payload={"text": "hi"},
                status="received",
                attempts=0,
                received_at=utcnow(),
            )
        )
