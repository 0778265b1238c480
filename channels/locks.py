"""Per-conversation locks for the channels' inbox processors.

One message of a conversation is processed at a time, across every process of the
deployment: in-process by an asyncio lock, across processes by a Redis lock (redis-py's
`Lock`, which expires, so a dead process cannot hold a conversation for ever).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from redis.asyncio import Redis
from redis.exceptions import LockError

KEY_PREFIX = "parley:inbox:"


class ConversationLocks:
    """`hold(conversation)` yields True while the caller alone processes that conversation,
    or False when another process holds it (that process drains the conversation)."""

    def __init__(self, redis_url: str | None, *, timeout_s: float, wait_s: float = 1.0) -> None:
        self._local: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._redis = Redis.from_url(redis_url) if redis_url else None
        self._timeout_s = timeout_s
        self._wait_s = wait_s

    def _lock(self, conversation_id: str) -> asyncio.Lock:
        lock = self._local.get(conversation_id)
        if lock is None:
            lock = self._local[conversation_id] = asyncio.Lock()
        return lock

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[bool]:
        async with self._lock(conversation_id):
            if self._redis is None:
                yield True
                return
            shared = self._redis.lock(
                KEY_PREFIX + conversation_id,
                timeout=self._timeout_s,
                blocking_timeout=self._wait_s,
            )
            if not await shared.acquire():
                yield False
                return
            try:
                yield True
            finally:
                # Expired while held: another process may own it by now; leave it be.
                with suppress(LockError):
                    await shared.release()

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.close()
