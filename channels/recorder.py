"""`record`: the one way a webhook puts a message in the inbox before acknowledging it.

Messages that arrive while a write is under way are written together, in one
transaction, as soon as it ends. On SQLite a write may have to wait for another process
to let go of the database (the Rasa server claiming and finishing messages for fifty
conversations, the action server saving a lead). Written one by one, the messages that
arrived meanwhile would each wait their turn and each have to win the lock again; the
ingress measured stalls of 350–420 ms so in an SMS storm, where one batch waits once.
A storm also costs one transaction per batch rather than per message. Each message keeps
its own INSERT … ON CONFLICT DO NOTHING, so a redelivery, even in the same batch, is
recognised as before.

A process that records messages whose turns another process runs (the ingress) hands
`record` its wake-up: the batch's transaction wakes the Rasa servers' pickup of each
channel it recorded a new message of, once it commits (`channels.wakeup`).
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass, field

from bot import bootstrap
from bot.crm import session_scope
from bot.crm.inbox import record_inbound
from channels.inbound import Inbound
from channels.inbox_thread import in_inbox_thread
from channels.wakeup import Wakeup

# A message, and the wake-up to send once it is stored (None: this process runs its turn).
Recording = tuple[Inbound, Wakeup | None]
Waiting = list[tuple[Recording, "asyncio.Future[int | None]"]]


@dataclass
class _Queue:
    """One event loop's messages waiting to be written, and whether a batch is on its way."""

    waiting: Waiting = field(default_factory=list)
    writing: asyncio.Task[None] | None = None


_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Queue] = weakref.WeakKeyDictionary()


async def record(inbound: Inbound, *, wake: Wakeup | None = None) -> int | None:
    """Puts a verified, parsed message in the inbox: its row id, or None if it was seen
    before (a retried delivery, acknowledged and not processed again). Raises what the
    database raised: the message is not stored, and must not be acknowledged.

    `wake`: how to tell the Rasa servers about the message once it is stored, when this
    process does not run its turn."""
    loop = asyncio.get_running_loop()
    queue = _queues.setdefault(loop, _Queue())
    stored: asyncio.Future[int | None] = loop.create_future()
    queue.waiting.append(((inbound, wake), stored))
    if queue.writing is None:
        queue.writing = loop.create_task(_write(queue))
    return await stored


async def _write(queue: _Queue) -> None:
    try:
        while queue.waiting:
            batch, queue.waiting = queue.waiting, []
            try:
                row_ids = await in_inbox_thread(_record_all, [recording for recording, _ in batch])
            except Exception as error:
                for _, stored in batch:
                    if not stored.done():  # a request that gave up no longer waits
                        stored.set_exception(error)
            else:
                for (_, stored), row_id in zip(batch, row_ids, strict=True):
                    if not stored.done():
                        stored.set_result(row_id)
    finally:
        queue.writing = None


def _record_all(batch: list[Recording]) -> list[int | None]:
    with session_scope(bootstrap.crm_engine()) as session:
        row_ids = [
            record_inbound(
                session,
                channel=inbound.channel,
                external_id=inbound.external_id,
                conversation_id=inbound.conversation_id,
                payload=inbound.payload(),
            )
            for inbound, _ in batch
        ]
        woken = {
            (wake, inbound.channel)
            for (inbound, wake), row_id in zip(batch, row_ids, strict=True)
            if wake is not None and row_id is not None  # a redelivery is nobody's news
        }
        for wake, channel in woken:
            wake.on_commit(session, channel)
        return row_ids
