"""The channels' durable inbox: dedupe, arrival order, leases and retries, on both databases."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.crm import InboundMessage, session_scope
from bot.crm.inbox import (
    answers,
    claim_next,
    due_conversations,
    finish,
    give_up_or_retry,
    has_unfinished,
    last_inbound_id,
    record_inbound,
    recorded_after,
)
from tests.integration.crm.crm_helpers import count

pytestmark = pytest.mark.integration

LEASE = timedelta(seconds=60)


def receive(
    session: Session, external_id: str, conversation: str = "c", **payload: str
) -> int | None:
    return record_inbound(
        session,
        channel="sms",
        external_id=external_id,
        conversation_id=conversation,
        payload={"text": "hi", **payload},
    )


def test_a_redelivery_is_recognised_per_channel(session: Session) -> None:
    first = receive(session, "SM1")
    assert first is not None
    assert receive(session, "SM1") is None
    assert (
        record_inbound(
            session, channel="telegram", external_id="SM1", conversation_id="t", payload={}
        )
        is not None
    )
    assert count(session, InboundMessage) == 2


def test_messages_are_claimed_in_arrival_order_one_at_a_time(session: Session) -> None:
    ids = [receive(session, f"SM{n}", text=f"message {n}") for n in range(3)]
    receive(session, "other", conversation="d")
    seen = []
    while claim := claim_next(session, conversation_id="c", lease=LEASE):
        assert not claim.retried
        seen.append((claim.id, claim.payload["text"]))
        finish(session, message_id=claim.id)
    assert seen == [(ids[n], f"message {n}") for n in range(3)]
    processed = session.get(InboundMessage, ids[0])
    assert processed is not None and processed.status == "processed"
    assert processed.payload == {} and processed.processed_at is not None
    assert due_conversations(session) == ["d"]


def test_a_finished_turns_kept_replies_are_read_once_it_is_over(session: Session) -> None:
    waiting, running, kept, plain, failed = (receive(session, f"SM{n}", f"c{n}") for n in range(5))
    for conversation in ("c1", "c2", "c3", "c4"):
        claim = claim_next(session, conversation_id=conversation, lease=LEASE)
        assert claim is not None
    said = [{"text": "Hello!", "buttons": [{"title": "Yes", "payload": "yes"}]}]
    finish(session, message_id=kept, replies=said)
    finish(session, message_id=plain)
    give_up_or_retry(session, message_id=failed, error="boom", max_attempts=1, backoff=LEASE)
    rows = [waiting, running, kept, plain, failed]
    assert answers(session, rows) == {kept: said, plain: [], failed: []}
    row = session.get(InboundMessage, kept)
    assert row is not None and "text" not in row.payload  # the visitor's text is dropped
    assert answers(session, []) == {}


def test_a_conversation_has_unfinished_messages_until_the_last_is_finished(
    session: Session,
) -> None:
    assert not has_unfinished(session, conversation_id="c")
    receive(session, "SM1")
    receive(session, "SM2")
    receive(session, "other", conversation="d")
    for left in (True, False):
        claim = claim_next(session, conversation_id="c", lease=LEASE)
        assert claim is not None
        assert has_unfinished(session, conversation_id="c")  # the one running counts
        finish(session, message_id=claim.id)
        assert has_unfinished(session, conversation_id="c") is left
    assert has_unfinished(session, conversation_id="d")


def test_a_row_left_processing_is_claimed_again_as_a_retry(session: Session) -> None:
    receive(session, "SM1")
    first = claim_next(session, conversation_id="c", lease=LEASE)
    assert first is not None
    assert due_conversations(session) == []  # leased: not due while its processor lives
    again = claim_next(session, conversation_id="c", lease=LEASE)  # under the lock: stale
    assert again is not None and again.id == first.id and again.retried


def test_an_expired_lease_makes_the_conversation_due(session: Session) -> None:
    receive(session, "SM1")
    assert claim_next(session, conversation_id="c", lease=timedelta(seconds=-1)) is not None
    assert due_conversations(session) == ["c"]


def test_a_failed_try_waits_and_later_messages_wait_behind_it(session: Session) -> None:
    first = receive(session, "SM1")
    receive(session, "SM2")
    claim = claim_next(session, conversation_id="c", lease=LEASE)
    assert claim is not None and claim.id == first
    status = give_up_or_retry(
        session, message_id=claim.id, error="boom", max_attempts=3, backoff=timedelta(hours=1)
    )
    assert status == "received"
    assert claim_next(session, conversation_id="c", lease=LEASE) is None  # order first
    assert due_conversations(session) == []


def test_the_last_allowed_failure_gives_up(session: Session) -> None:
    receive(session, "SM1")
    for attempt in range(1, 3):
        claim = claim_next(session, conversation_id="c", lease=LEASE)
        assert claim is not None and claim.retried == (attempt > 1)
        status = give_up_or_retry(
            session, message_id=claim.id, error=f"boom {attempt}", max_attempts=2, backoff=-LEASE
        )
    assert status == "failed"
    row = session.query(InboundMessage).one()
    assert (row.status, row.last_error, row.payload) == ("failed", "boom 2", {"text": "hi"})
    assert claim_next(session, conversation_id="c", lease=LEASE) is None


def test_a_concurrent_redelivery_is_deduplicated(session: Session, crm_engine: Engine) -> None:
    if crm_engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers: a second one waits or fails, never races")
    assert receive(session, "SM1") is not None
    results: list[int | None] = []

    def redeliver() -> None:
        with session_scope(crm_engine) as other:
            results.append(receive(other, "SM1"))

    worker = threading.Thread(target=redeliver)
    worker.start()
    waiting = (
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        " AND query LIKE 'INSERT INTO inbound_messages%'"
    )
    deadline = time.monotonic() + 10
    with crm_engine.connect() as monitor:
        # Until the redelivery's insert waits on our uncommitted row: a real race.
        while not monitor.execute(text(waiting)).scalar_one():
            assert time.monotonic() < deadline, "the redelivery never reached its insert"
            monitor.rollback()  # pg_stat_activity is a snapshot per transaction
            time.sleep(0.05)
    session.commit()
    worker.join(10)
    assert results == [None]
    assert count(session, InboundMessage) == 1


def test_rows_recorded_after_an_id_are_the_unfinished_ones_of_that_channel(
    session: Session,
) -> None:
    assert last_inbound_id(session) == 0
    before = receive(session, "SM0", conversation="a")
    assert before is not None and last_inbound_id(session) == before
    ids = [receive(session, f"SM{n}", conversation=c) for n, c in ((1, "a"), (2, "b"), (3, "a"))]
    record_inbound(session, channel="telegram", external_id="9", conversation_id="t", payload={})
    claim = claim_next(session, conversation_id="b", lease=LEASE)
    assert claim is not None
    finish(session, message_id=claim.id)
    assert recorded_after(session, channel="sms", after_id=before) == [(ids[0], "a"), (ids[2], "a")]


BULK = (
    "INSERT INTO inbound_messages (channel, external_id, conversation_id, payload, status,"
    " attempts, received_at) SELECT 'sms', '{name}' || n, '{name}' || (n % {conversations}),"
    " '{{}}', '{status}', 0, now() FROM generate_series(0, {rows} - 1) AS n"
)


def test_due_conversations_reads_only_unfinished_rows(session: Session, crm_engine: Engine) -> None:
    """The processed rows the dedupe ledger keeps for ever do not slow the sweep down: on
    PostgreSQL no plan walks the whole primary key (25 ms at 100,000 rows, 77 ms at
    400,000, before the query said `unfinished` twice)."""
    postgres = crm_engine.dialect.name == "postgresql"
    if postgres:  # the ledger first (the lower ids), then a storm's backlog
        ledger = BULK.format(rows=100_000, name="old", conversations=5000, status="processed")
        session.execute(text(ledger))
        backlog = BULK.format(rows=6_000, name="due", conversations=50, status="received")
        session.execute(text(backlog))
        session.execute(text("ANALYZE inbound_messages"))
        plan = session.execute(text("EXPLAIN (FORMAT JSON) " + _due_sql(session))).scalar_one()
        walks = [node for node in _nodes(plan[0]["Plan"]) if _walks_the_primary_key(node)]
        assert walks == [], plan
    else:
        for n in range(500):
            receive(session, f"due{n}", conversation=f"due{n % 50}")
    assert due_conversations(session, channel="sms") == [f"due{n}" for n in range(50)]


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def _walks_the_primary_key(node: dict[str, Any]) -> bool:
    scans = ("Index Scan", "Index Only Scan")
    return (
        node["Node Type"] in scans
        and node.get("Index Name") == "pk_inbound_messages"
        and ("Index Cond" not in node)
    )


def _due_sql(session: Session) -> str:
    """due_conversations' statement with its parameters inlined, for EXPLAIN."""
    captured: list[str] = []
    engine = session.get_bind()

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "GROUP BY" in statement:
            captured.append(cursor.mogrify(statement, parameters).decode())

    event.listen(engine, "before_cursor_execute", capture)
    try:
        due_conversations(session, channel="sms")  # as a channel's sweep asks
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return captured[-1]
