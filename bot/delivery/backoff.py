"""When a failed delivery is tried again, and when Parley stops trying.

Attempt n (counting from 1) that fails is retried after about base * 2**n seconds, capped
(2 s, 4 s, 8 s ... an hour by default). The wait is drawn from its upper half, so workers
that failed together during one outage do not all come back in the same second. A
receiver's Retry-After is honoured, within the same cap.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 12
    base_s: float = 1.0
    cap_s: float = 3600.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.base_s < 0 or self.cap_s < 0:
            raise ValueError(f"impossible retry policy: {self}")

    def ceiling(self, attempts: int) -> float:
        """The longest wait after `attempts` failed attempts, before jitter."""
        # min() before the power would overflow for absurd attempt counts.
        exponent = min(attempts, 64)
        return min(self.cap_s, self.base_s * 2.0**exponent)

    def delay(
        self,
        attempts: int,
        *,
        retry_after: float | None = None,
        random_fraction: Callable[[], float] = random.random,
    ) -> float:
        """Seconds to wait after `attempts` failed attempts."""
        ceiling = self.ceiling(attempts)
        jittered = ceiling * (0.5 + random_fraction() / 2)
        if retry_after is not None:
            jittered = max(jittered, min(retry_after, self.cap_s))
        return jittered

    def gives_up(self, attempts: int) -> bool:
        return attempts >= self.max_attempts
