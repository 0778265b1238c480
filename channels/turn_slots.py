"""How many turns a Rasa server runs at once, and in which order: the first to ask first.

A turn holds the event loop for tens of milliseconds of CPU at a time and awaits the
tracker store, the inbox and the action server in between. Started all at once, a hundred
conversations' turns share the CPU in slices, each takes a hundred times as long, and
whichever turn wins the slices finishes first: at 100 concurrent conversations the median
visitor waited 1.7 s and the unluckiest 13 s. Admitted a few at a time, in the order they
asked, a turn waits for the ones ahead of it and then runs nearly alone, so every visitor
waits about as long as every other. A few, not one: while one turn awaits the action
server (another process, the other core) the next one computes.

A conversation's drain asks for a slot for each of its messages, so a conversation with a
backlog goes to the back of the queue after each turn and cannot starve the others.
`asyncio.Semaphore` is not used: on Python 3.10 a newcomer can take a slot that was just
freed for a waiter, which is the unfairness this is here to remove.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class TurnSlots:
    """At most `capacity` turns at once; the others wait in the order they asked."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("at least one turn must be able to run")
        self.capacity = capacity
        self.running = 0
        self._waiting: deque[asyncio.Future[None]] = deque()

    @property
    def waiting(self) -> int:
        return sum(not waiter.done() for waiter in self._waiting)

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Holds a slot for one turn (awaited on the loop that runs the turns)."""
        await self._acquire()
        try:
            yield
        finally:
            self._release()

    async def _acquire(self) -> None:
        if self.running < self.capacity and not self._waiting:
            self.running += 1
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            await waiter  # `_release` handed its slot over: `running` already counts it
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # handed over, then cancelled before it could run
            elif waiter in self._waiting:  # `_release` may have passed over it already
                self._waiting.remove(waiter)
            raise

    def _release(self) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self.running -= 1
