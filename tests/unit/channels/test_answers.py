"""The ingress's wait for a web chat turn's replies: woken when the Rasa server keeps them
with the row, found by the regular look when a wake-up is lost, and given up in time."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

import pytest

from bot import bootstrap
from bot.crm import InboundMessage, session_scope, upgrade_to_head
from bot.crm.inbox import claim_next, finish, give_up_or_retry, record_inbound
from bot.settings import get_settings
from channels import answers as answers_module
from channels.answers import Answers
from channels.wakeup import REPLIED, NoWakeup, SocketWakeup

LEASE = timedelta(seconds=60)


@pytest.fixture(autouse=True)
def crm() -> None:
    upgrade_to_head(get_settings().crm_database_url)


def receive(external_id: str) -> int:
    with session_scope(bootstrap.crm_engine()) as session:
        row_id = record_inbound(
            session,
            channel="webchat",
            external_id=external_id,
            conversation_id=f"webchat-{external_id}",
            payload={"text": "hi"},
        )
    assert row_id is not None
    return row_id


def answer(row_id: int, said: list[dict[str, str]], wakeup: SocketWakeup | None = None) -> None:
    """What the Rasa server does at the end of the row's turn."""
    with session_scope(bootstrap.crm_engine()) as session:
        conversation = session.get(InboundMessage, row_id).conversation_id  # type: ignore[union-attr]
        claim = claim_next(session, conversation_id=conversation, lease=LEASE)
        assert claim is not None and claim.id == row_id
        finish(session, message_id=row_id, replies=said)
        if wakeup is not None:
            wakeup.on_commit(session, REPLIED)


async def test_the_replies_kept_with_the_row_reach_the_request_at_the_wakeup(
    tmp_path: Path,
) -> None:
    reader, writer = SocketWakeup(tmp_path), SocketWakeup(tmp_path)
    waiting = Answers(reader)
    waiting.start()
    try:
        row_id = receive("a1")
        await asyncio.sleep(0.1)  # the reader's socket is bound
        said = [{"text": "Hello!"}]
        started = time.monotonic()
        loop = asyncio.get_running_loop()
        loop.call_later(0.2, answer, row_id, said, writer)
        assert await waiting.wait(row_id, 5.0) == said
        # Woken, not found by the look every LOOK_S.
        assert time.monotonic() - started < answers_module.LOOK_S
    finally:
        await waiting.stop()
        writer.close()


async def test_a_turn_over_before_the_request_waits_is_answered_at_once() -> None:
    waiting = Answers(NoWakeup())
    waiting.start()
    try:
        await asyncio.sleep(0.05)
        row_id = receive("b1")
        answer(row_id, [{"text": "Done already"}])
        started = time.monotonic()
        assert await waiting.wait(row_id, 5.0) == [{"text": "Done already"}]
        assert time.monotonic() - started < answers_module.LOOK_S
    finally:
        await waiting.stop()


async def test_a_lost_wakeup_costs_a_look_and_a_slow_turn_the_wait(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(answers_module, "LOOK_S", 0.2)
    waiting = Answers(NoWakeup())
    waiting.start()
    try:
        slow, lost, failed = receive("c1"), receive("c2"), receive("c3")
        loop = asyncio.get_running_loop()
        loop.call_later(0.1, answer, lost, [{"text": "Found by the look"}])
        with session_scope(bootstrap.crm_engine()) as session:
            claim_next(session, conversation_id="webchat-c3", lease=LEASE)
            give_up_or_retry(session, message_id=failed, error="x", max_attempts=1, backoff=LEASE)
        results = await asyncio.gather(
            waiting.wait(slow, 0.5), waiting.wait(lost, 5.0), waiting.wait(failed, 5.0)
        )
        assert results == [None, [{"text": "Found by the look"}], []]
        assert not waiting._waiting  # nobody is left waiting
    finally:
        await waiting.stop()
