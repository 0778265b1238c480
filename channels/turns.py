"""The thread on which a Rasa server process runs its channels' turns.

A turn holds the event loop for tens of milliseconds at a time (featurization and policy
prediction are synchronous). Run on the server's own loop, a burst of turns would delay
every request behind them: the Rasa API's, a model swap's, a web chat message's record in
the inbox. So the requests stay on the server's loop, and the turns run on a second loop
on this thread. (The SMS and Telegram webhooks, which must be acknowledged within
seconds, are not served here at all: the ingress records them.)
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import sys
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
SWITCH_INTERVAL_S = 0.0005


class TurnLoop:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._guard:
            if self._loop is None:
                # A webhook waiting for the GIL behind a busy turn waits up to one switch
                # interval per step (socket read, database, reply): 5 ms by default.
                sys.setswitchinterval(SWITCH_INTERVAL_S)
                loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=loop.run_forever, name="parley-turns", daemon=True
                )
                self._thread.start()
                self._loop = loop
            return self._loop

    def call(self, callback: Callable[..., Any], *args: Any) -> None:
        """Runs `callback(*args)` on the turn loop, soon."""
        self._running_loop().call_soon_threadsafe(callback, *args)

    def submit(self, work: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Runs `work` on the turn loop; the future can be awaited with `asyncio.wrap_future`."""
        return asyncio.run_coroutine_threadsafe(work, self._running_loop())


# One per process: every channel's turns share it (and its order, per conversation).
turns = TurnLoop()
