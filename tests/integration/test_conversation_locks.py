"""Per-conversation locks across processes, on the real Redis at 127.0.0.1:6379."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from channels.locks import ConversationLocks

pytestmark = pytest.mark.integration

REDIS_URL = "redis://127.0.0.1:6379/0"


async def test_a_conversation_is_held_by_one_process_at_a_time() -> None:
    first, second = (ConversationLocks(REDIS_URL, timeout_s=30, wait_s=0.2) for _ in range(2))
    conversation = f"sms:+1555{uuid.uuid4().int % 10**7:07d}"
    try:
        async with first.hold(conversation) as held:
            assert held
            async with second.hold(conversation) as other:
                assert not other  # the other process leaves it to the holder
            async with second.hold(conversation + "-other") as unrelated:
                assert unrelated
        async with second.hold(conversation) as after:
            assert after
    finally:
        await first.close()
        await second.close()


async def test_a_lock_of_a_dead_process_expires() -> None:
    dead = ConversationLocks(REDIS_URL, timeout_s=0.3, wait_s=0.1)
    alive = ConversationLocks(REDIS_URL, timeout_s=30, wait_s=1.0)
    conversation = f"telegram:{uuid.uuid4().int % 10**9}"
    try:
        holding = dead.hold(conversation)
        assert await holding.__aenter__()  # never released: the process "dies"
        await asyncio.sleep(0.4)
        async with alive.hold(conversation) as held:
            assert held
    finally:
        await dead.close()
        await alive.close()


async def test_in_one_process_turns_of_a_conversation_wait_their_turn() -> None:
    locks = ConversationLocks(None, timeout_s=30)
    order: list[str] = []

    async def turn(name: str) -> None:
        async with locks.hold("c") as held:
            assert held
            order.append(f"{name} in")
            await asyncio.sleep(0.02)
            order.append(f"{name} out")

    await asyncio.gather(turn("a"), turn("b"))
    assert order == ["a in", "a out", "b in", "b out"]
