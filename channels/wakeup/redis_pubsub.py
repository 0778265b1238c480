"""The inbox wake-up through Redis pub/sub (deployments with REDIS_URL)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Collection
from contextlib import suppress

from redis import Redis
from redis.asyncio import Redis as AsyncRedis
from redis.exceptions import RedisError

from channels.wakeup.signal import (
    RECONNECT_S,
    SEND_PAUSE_S,
    SEND_TIMEOUT_S,
    Complaint,
    SentAfterCommit,
    as_text,
)

REDIS_CHANNEL = "parley:inbox"


class RedisWakeup(SentAfterCommit):
    """Redis pub/sub: PUBLISH `name` <channel> after the commit; each Rasa server
    subscribes. Pub/sub spans the server's databases: another deployment on the same
    Redis server with the same `name` would only cause extra looks."""

    def __init__(self, url: str, *, name: str = REDIS_CHANNEL) -> None:
        super().__init__()
        self.url = url
        self.name = name
        self._publisher = Redis.from_url(
            url, socket_timeout=SEND_TIMEOUT_S, socket_connect_timeout=SEND_TIMEOUT_S
        )
        self._paused_until = 0.0
        self._complain = Complaint("The inbox wake-up through Redis")

    def send(self, channels: Collection[str]) -> None:
        if time.monotonic() < self._paused_until:
            return
        try:
            for channel in channels:
                self._publisher.publish(self.name, channel)
        except (RedisError, OSError) as error:
            self._paused_until = time.monotonic() + SEND_PAUSE_S
            self._complain(error)

    def close(self) -> None:
        self._publisher.close()

    async def _receive(self) -> None:
        complain = Complaint("Listening for inbox wake-ups in Redis")
        while True:
            # Named, so that Redis's CLIENT LIST shows what the connection is for.
            client = AsyncRedis.from_url(self.url, client_name=self.name, socket_keepalive=True)
            subscription = client.pubsub(ignore_subscribe_messages=True)
            try:
                await subscription.subscribe(self.name)
                self._wake_all()
                async for message in subscription.listen():
                    if message["type"] == "message":
                        self._wake(as_text(message["data"]))
            except (RedisError, OSError) as error:
                complain(error)
            finally:
                with suppress(RedisError, OSError):
                    await subscription.reset()
                    await client.close()
            await asyncio.sleep(RECONNECT_S)
