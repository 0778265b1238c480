"""How often one visitor may start conversations and send messages (a leaky bucket per
key, from aiolimiter).

The web chat is open to the internet: without a limit one script could fill the inbox and
keep the dialogue core busy. Limits are per process and in memory (each Rasa process
counts its own); a key stays tracked until it has been idle long enough to be forgotten.
"""

from __future__ import annotations

from collections import OrderedDict

from aiolimiter import AsyncLimiter

MAX_TRACKED_KEYS = 10_000  # the oldest keys are forgotten first: a full bucket resets


class RateLimits:
    """`allow(key)` takes one unit of `key`'s allowance, or returns False when it is spent."""

    def __init__(self, per_minute: float) -> None:
        self.per_minute = per_minute
        self._buckets: OrderedDict[str, AsyncLimiter] = OrderedDict()

    async def allow(self, key: str) -> bool:
        if self.per_minute <= 0:
            return True  # 0 turns the limit off
        bucket = self._buckets.pop(key, None) or AsyncLimiter(self.per_minute, 60)
        self._buckets[key] = bucket  # most recently used last
        while len(self._buckets) > MAX_TRACKED_KEYS:
            self._buckets.popitem(last=False)
        if not bucket.has_capacity():
            return False  # refused at once: a visitor over the limit never waits
        await bucket.acquire()  # there is capacity, so this returns without waiting
        return True
