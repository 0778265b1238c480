"""The web chat's per-visitor limits: a burst up to the allowance, then refusals, per key."""

from __future__ import annotations

import pytest

from channels.webchat import rate_limits
from channels.webchat.rate_limits import RateLimits


async def test_a_key_gets_its_allowance_then_is_refused_and_others_are_not() -> None:
    limits = RateLimits(per_minute=3)
    assert [await limits.allow("a") for _ in range(4)] == [True, True, True, False]
    assert await limits.allow("b")


async def test_zero_turns_the_limit_off() -> None:
    limits = RateLimits(per_minute=0)
    assert all([await limits.allow("a") for _ in range(100)])


async def test_only_so_many_keys_are_tracked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rate_limits, "MAX_TRACKED_KEYS", 2)
    limits = RateLimits(per_minute=1)
    assert await limits.allow("a")
    assert not await limits.allow("a")
    assert await limits.allow("b") and await limits.allow("c")  # "a" is forgotten
    assert await limits.allow("a")
