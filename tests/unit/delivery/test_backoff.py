"""The retry schedule: doubling waits, jitter within the upper half, a cap, a last attempt."""

from __future__ import annotations

import pytest

from bot.delivery.backoff import RetryPolicy

DEFAULT = RetryPolicy()


def test_waits_double_from_two_seconds_up_to_an_hour() -> None:
    ceilings = [DEFAULT.ceiling(attempts) for attempts in range(1, 14)]
    assert ceilings[:5] == [2, 4, 8, 16, 32]
    assert ceilings[10] == 2048
    assert ceilings[11:] == [3600, 3600]
    assert DEFAULT.ceiling(10_000) == 3600


def test_jitter_stays_between_half_and_the_whole_wait() -> None:
    assert DEFAULT.delay(3, random_fraction=lambda: 0.0) == 4
    assert DEFAULT.delay(3, random_fraction=lambda: 1.0) == 8
    assert all(4 <= DEFAULT.delay(3) <= 8 for _ in range(200))


def test_retry_after_is_honoured_within_the_cap() -> None:
    assert DEFAULT.delay(1, retry_after=30, random_fraction=lambda: 1.0) == 30
    assert DEFAULT.delay(5, retry_after=1, random_fraction=lambda: 1.0) == 32
    assert DEFAULT.delay(1, retry_after=86_400) == 3600


def test_gives_up_after_the_configured_attempts() -> None:
    assert not DEFAULT.gives_up(11)
    assert DEFAULT.gives_up(12)
    assert RetryPolicy(max_attempts=1).gives_up(1)


def test_tests_can_shrink_the_schedule() -> None:
    quick = RetryPolicy(base_s=0.01, cap_s=0.05)
    assert quick.ceiling(1) == 0.02 and quick.ceiling(8) == 0.05


def test_an_impossible_policy_is_refused() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
