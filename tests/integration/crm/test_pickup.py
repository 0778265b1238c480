"""A Rasa server's pickup of rows the ingress recorded, on PostgreSQL, where a row can be
committed after one with a higher id: it is still handed out, once."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.crm import read_scope, session_scope
from bot.crm.inbox import record_inbound
from channels.pickup import NewRows

pytestmark = pytest.mark.integration


def look(engine: Engine, new_rows: NewRows) -> list[str]:
    with read_scope(engine) as session:
        return new_rows.look(session)


def test_a_row_committed_after_a_higher_id_is_still_handed_out(
    crm_engine: Engine,
    session: Session,  # the fixture empties the tables afterwards
) -> None:
    if crm_engine.dialect.name != "postgresql":
        pytest.skip("SQLite commits writers one at a time, in id order")
    new_rows = NewRows("sms")
    look(crm_engine, new_rows)
    with session_scope(crm_engine) as slow:
        record_inbound(
            slow, channel="sms", external_id="slow", conversation_id="sms:+1", payload={}
        )
        slow.flush()  # its id is taken; its commit comes later
        with session_scope(crm_engine) as fast:
            record_inbound(
                fast, channel="sms", external_id="fast", conversation_id="sms:+2", payload={}
            )
        assert look(crm_engine, new_rows) == ["sms:+2"]
    assert look(crm_engine, new_rows) == ["sms:+1"]
    assert look(crm_engine, new_rows) == []
