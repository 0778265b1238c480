"""A request's wait for its turn's replies, kept with the message's inbox row: the web
chat's in the ingress, the REST channel's in a Rasa server.

Whichever Rasa server runs the turn keeps what it said with the row as it finishes it
(`bot.crm.inbox.finish`) and sends the `REPLIED` wake-up once that commits
(`channels.wakeup`); each wake-up has one look at every row waited for, in one query.
When the request waits in the process that ran the turn, that process hands the replies
over at once (`answered`), with no look. A wake-up lost costs a wait of LOOK_S at most,
never a reply: the look at the rows is what finds them. A request that stops waiting
leaves the replies with the row, where the conversation's history also has them.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import Any

from bot import bootstrap
from bot.crm import read_scope
from bot.crm.inbox import answers
from channels.inbox_thread import in_inbox_thread
from channels.wakeup import REPLIED, Alarm, Wakeup

logger = logging.getLogger(__name__)

LOOK_S = 1.0  # how often the rows are looked at anyway, while a request waits
# Looks start at least this far apart: every finished turn of the deployment wakes every
# waiting process, most of them for rows that are not theirs (a Rasa server's own REST
# turns are handed over without a look), so one look takes the wake-ups of a few turns.
LOOK_GAP_S = 0.05

Replies = list[dict[str, Any]]


class Answers:
    """The requests waiting for their turn's replies, by inbox row, on one event loop."""

    def __init__(self, wakeup: Wakeup) -> None:
        self.wakeup = wakeup
        self._waiting: dict[int, set[asyncio.Future[Replies]]] = {}
        self._alarm: Alarm | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Starts the looks on the running loop (once: the process's channels share it)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._look_forever())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def wait(
        self, row_id: int, timeout_s: float, *, scheduled_here: bool = False
    ) -> Replies | None:
        """What the row's turn said once it is over (nothing for a turn that failed for
        good), or None when that takes longer than `timeout_s`.

        `scheduled_here`: this process has just scheduled the turn, which cannot be over
        yet; otherwise the rows are looked at once, for a turn over before the wait began
        (its wake-up came before)."""
        answered: asyncio.Future[Replies] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(row_id, set()).add(answered)
        if self._alarm is not None and not scheduled_here:
            self._alarm.set()
        try:
            return await asyncio.wait_for(answered, timeout_s)
        except asyncio.TimeoutError:
            return None
        finally:
            futures = self._waiting.get(row_id)
            if futures is not None:
                futures.discard(answered)
                if not futures:
                    del self._waiting[row_id]

    def answered(self, row_id: int, replies: Replies) -> None:
        """What a turn of this process said, for a request of this process waiting for it."""
        for waiting in self._waiting.pop(row_id, ()):
            if not waiting.done():
                waiting.set_result(list(replies))

    async def _look_forever(self) -> None:
        loop = asyncio.get_running_loop()
        async with self.wakeup.listening(REPLIED) as alarm:
            self._alarm = alarm
            try:
                while True:
                    alarm.clear()  # a wake-up from now on calls for another look
                    looked_at = loop.time()
                    if self._waiting:
                        await self._look()
                    await alarm.wait(LOOK_S)
                    gap = looked_at + LOOK_GAP_S - loop.time()
                    if gap > 0:
                        await asyncio.sleep(gap)
            finally:
                self._alarm = None

    async def _look(self) -> None:
        try:
            found = await in_inbox_thread(_answers, list(self._waiting))
        except Exception:
            logger.exception("The turns' replies could not be read; looking again")
            return
        for row_id, replies in found.items():
            self.answered(row_id, replies)


def _answers(row_ids: list[int]) -> dict[int, Replies]:
    with read_scope(bootstrap.crm_engine()) as session:
        return answers(session, row_ids)
