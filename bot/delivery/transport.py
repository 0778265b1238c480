"""The HTTP boundary shared by the HTTP sinks: httpx outcomes become DeliveryErrors.

2xx                          delivered
408, 429, 5xx, no response   DeliveryError(retryable=True), honouring Retry-After
any other status             DeliveryError(retryable=False)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import httpx

from bot.delivery.sink import DeliveryError

RETRYABLE_STATUSES = frozenset({408, 429})
# Enough of a refusal's body to tell why, not so much that the outbox holds a web page.
REASON_BODY_CHARS = 300


def retry_after_seconds(header: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: either delta-seconds or an HTTP date."""
    if not header:
        return None
    text = header.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def check_response(response: httpx.Response) -> None:
    """Returns for a 2xx; raises DeliveryError classifying anything else."""
    status = response.status_code
    if 200 <= status < 300:
        return
    body = " ".join(response.text.split())[:REASON_BODY_CHARS]
    reason = f"HTTP {status} from {response.request.url}" + (f": {body}" if body else "")
    retryable = status in RETRYABLE_STATUSES or status >= 500
    retry_after = retry_after_seconds(response.headers.get("retry-after")) if retryable else None
    raise DeliveryError(retryable=retryable, reason=reason, retry_after=retry_after, status=status)


async def post(
    client: httpx.AsyncClient, url: str, *, content: bytes, headers: Mapping[str, str]
) -> httpx.Response:
    """POSTs and classifies the outcome; returns the 2xx response for a sink to read."""
    try:
        response = await client.post(url, content=content, headers=dict(headers))
    except httpx.HTTPError as exc:
        # Timeouts, refused connections, resets: the receiver may never have seen it, or
        # may have; either way the idempotency key makes a retry safe.
        reason = f"{type(exc).__name__} posting to {url}: {exc}".rstrip(": ")
        raise DeliveryError(retryable=True, reason=reason) from exc
    check_response(response)
    return response
