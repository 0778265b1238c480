"""The conversation lock store: in-process by default, Redis when REDIS_URL is set.

Rasa serialises the turns of one conversation with a lock. One process can keep the locks
in memory; several Rasa processes behind a load balancer must share them in Redis.
Rasa builds this class from `bot/endpoints.yml` and it delegates to Rasa's own stores.
"""

from __future__ import annotations

from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.connection import parse_url

from bot.settings import get_settings

KEY_PREFIX = "parley"


def redis_lock_store_arguments(url: str) -> dict[str, Any]:
    """RedisLockStore's keyword arguments for a redis:// or rediss:// URL."""
    parsed = parse_url(url)
    return {
        "host": parsed.get("host", "localhost"),
        "port": parsed.get("port", 6379),
        "db": parsed.get("db", 0),
        "username": parsed.get("username"),
        "password": parsed.get("password"),
        "use_ssl": url.startswith("rediss://"),
        "key_prefix": KEY_PREFIX,
    }


class ParleyLockStore(LockStore):
    """Chooses Rasa's Redis or in-memory lock store from the settings."""

    def __init__(self, endpoint_config: EndpointConfig | None = None) -> None:
        redis_url = get_settings().redis_url
        self.backend: LockStore = (
            RedisLockStore(**redis_lock_store_arguments(redis_url))
            if redis_url
            else InMemoryLockStore()
        )
        super().__init__()

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        return self.backend.get_lock(conversation_id)

    def delete_lock(self, conversation_id: str) -> None:
        self.backend.delete_lock(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        self.backend.save_lock(lock)
