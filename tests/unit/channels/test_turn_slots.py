"""TurnSlots: at most `capacity` turns at once, the others in the order they asked, and a
waiter that gives up never keeps a slot."""

from __future__ import annotations

import asyncio

import pytest

from channels.turn_slots import TurnSlots


async def test_at_most_capacity_turns_run_and_the_rest_run_in_the_order_they_asked() -> None:
    slots = TurnSlots(2)
    running: list[str] = []
    most = 0
    started: list[str] = []

    async def turn(name: str) -> None:
        nonlocal most
        async with slots.turn():
            started.append(name)
            running.append(name)
            most = max(most, len(running))
            await asyncio.sleep(0.01)
            running.remove(name)

    await asyncio.gather(*(turn(f"t{n}") for n in range(8)))
    assert most == 2
    assert started == [f"t{n}" for n in range(8)]
    assert (slots.running, slots.waiting) == (0, 0)


async def test_a_freed_slot_goes_to_the_oldest_waiter_not_to_a_newcomer() -> None:
    slots = TurnSlots(1)
    order: list[str] = []
    first_in = asyncio.Event()
    release_first = asyncio.Event()

    async def first() -> None:
        async with slots.turn():
            first_in.set()
            await release_first.wait()
        # A newcomer asks right as the slot is freed, before the waiter has run.
        await newcomer()

    async def waiter() -> None:
        async with slots.turn():
            order.append("waiter")

    async def newcomer() -> None:
        async with slots.turn():
            order.append("newcomer")

    task = asyncio.create_task(first())
    await first_in.wait()
    waiting = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    release_first.set()
    await asyncio.gather(task, waiting)
    assert order == ["waiter", "newcomer"]


async def test_a_waiter_that_gives_up_leaves_no_slot_taken() -> None:
    slots = TurnSlots(1)
    holding = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        async with slots.turn():
            holding.set()
            await release.wait()

    held = asyncio.create_task(holder())
    await holding.wait()
    gave_up = asyncio.create_task(asyncio.wait_for(slots.turn().__aenter__(), 0.01))
    with pytest.raises(asyncio.TimeoutError):
        await gave_up
    release.set()
    await held
    assert (slots.running, slots.waiting) == (0, 0)
    async with slots.turn():
        assert slots.running == 1


async def test_a_slot_handed_over_to_a_cancelled_waiter_is_passed_on() -> None:
    slots = TurnSlots(1)
    ran: list[str] = []

    async def one(name: str) -> None:
        async with slots.turn():
            ran.append(name)
            await asyncio.sleep(0.01)

    async def first() -> None:
        await one("first")
        # The slot was just handed to `second`, which is cancelled before it runs.
        second.cancel()

    head = asyncio.create_task(first())
    await asyncio.sleep(0)
    second = asyncio.create_task(one("second"))
    third = asyncio.create_task(one("third"))
    await asyncio.gather(head, second, third, return_exceptions=True)
    assert ran == ["first", "third"]
    assert (slots.running, slots.waiting) == (0, 0)


def test_at_least_one_slot() -> None:
    with pytest.raises(ValueError):
        TurnSlots(0)
