"""`Recorder.record`: the one way a webhook puts a message in the inbox before acknowledging
it. Each process builds one recorder and hands it to what records messages.

Messages that arrive while a write is under way are written together, in one
transaction, as soon as it ends. On SQLite a write may have to wait for another process
to let go of the database (the Rasa server claiming and finishing messages for fifty
conversations, the action server saving a lead). Written one by one, the messages that
arrived meanwhile would each wait their turn and each have to win the lock again; the
ingress measured stalls of 350–420 ms so in an SMS storm, where one batch waits once.
A storm also costs one transaction per batch rather than per message. Each message keeps
its own INSERT … ON CONFLICT DO NOTHING, so a redelivery, even in the same batch, is
recognised as before.

A process that records messages whose turns another process runs (the ingress) builds its
recorder with its wake-up: the batch's transaction wakes the Rasa servers' pickup of each
channel it recorded a new message of, once it commits (`channels.wakeup`).
"""

from __future__ import annotations

import asyncio

from bot import bootstrap
from bot.crm import session_scope
from bot.crm.inbox import record_inbound
from channels.inbound import Inbound
from channels.inbox_thread import in_inbox_thread
from channels.wakeup import Wakeup


class Recorder:
    """Writes the messages of one process, on its event loop, in batches.

    `wakeup`: how to tell the Rasa servers about new messages once they are stored, when
    this process does not run their turns (None: it runs them itself)."""

    def __init__(self, wakeup: Wakeup | None = None) -> None:
        self.wakeup = wakeup
        self._waiting: list[tuple[Inbound, asyncio.Future[int | None]]] = []
        self._writing: asyncio.Task[None] | None = None

    async def record(self, inbound: Inbound) -> int | None:
        """Puts a verified, parsed message in the inbox: its row id, or None if it was
        seen before (a retried delivery, acknowledged and not processed again). Raises
        what the database raised: the message is not stored, and must not be
        acknowledged."""
        loop = asyncio.get_running_loop()
        stored: asyncio.Future[int | None] = loop.create_future()
        self._waiting.append((inbound, stored))
        if self._writing is None:
            self._writing = loop.create_task(self._write())
        return await stored

    async def _write(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                try:
                    messages = [inbound for inbound, _ in batch]
                    row_ids = await in_inbox_thread(_record_all, messages, self.wakeup)
                except Exception as error:
                    for _, stored in batch:
                        if not stored.done():  # a request that gave up no longer waits
                            stored.set_exception(error)
                else:
                    for (_, stored), row_id in zip(batch, row_ids, strict=True):
                        if not stored.done():
                            stored.set_result(row_id)
        finally:
            self._writing = None


def _record_all(batch: list[Inbound], wakeup: Wakeup | None) -> list[int | None]:
    with session_scope(bootstrap.crm_engine()) as session:
        row_ids = [
            record_inbound(
                session,
                channel=inbound.channel,
                external_id=inbound.external_id,
                conversation_id=inbound.conversation_id,
                payload=inbound.payload(),
            )
            for inbound in batch
        ]
        if wakeup is not None:
            woken = {
                inbound.channel
                for inbound, row_id in zip(batch, row_ids, strict=True)
                if row_id is not None  # a redelivery is nobody's news
            }
            for channel in woken:
                wakeup.on_commit(session, channel)
        return row_ids
