"""The one interface every delivery sink implements, and the one error it may raise.

A sink pushes one lead payload to one external CRM. Whatever goes wrong on the way
(HTTP status, connection refused, vendor error body) is translated at the sink into a
`DeliveryError` that says only what the worker needs: may trying again help, and why not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class DeliveryError(Exception):
    """A delivery attempt that did not deliver.

    `retryable` is False when the same request can never succeed (a 4xx other than 408
    and 429, a payload the vendor cannot take); `retry_after` is the wait in seconds the
    receiver asked for, if it asked.
    """

    def __init__(
        self,
        *,
        retryable: bool,
        reason: str,
        retry_after: float | None = None,
        status: int | None = None,
    ):
        super().__init__(reason)
        self.retryable = retryable
        self.reason = reason
        self.retry_after = retry_after
        self.status = status  # the receiver's HTTP status, when it answered

    def __repr__(self) -> str:
        return f"DeliveryError(retryable={self.retryable}, reason={self.reason!r})"


class Sink(Protocol):
    """Pushes lead payloads to one external system."""

    name: str

    async def deliver(self, payload: Mapping[str, Any], *, idempotency_key: str) -> None:
        """Delivers, or raises DeliveryError; the same key is sent on every retry."""
        ...
