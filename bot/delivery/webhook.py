"""The webhook sink: POSTs each lead (and each erasure notice and follow-up notice to the
team) as JSON, signed per Standard Webhooks.

The body is the Standard Webhooks envelope `{"type", "timestamp", "data"}` with the lead
payload as `data`; `webhook-id` is the outbox idempotency key, the same on every retry,
so a receiver can drop a repeat. Each attempt is signed afresh with the current time,
because receivers refuse timestamps more than a few minutes old.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from bot.delivery.payload import (
    SUBJECT_ERASED,
    is_erasure,
    is_team_notice,
)
from bot.delivery.signature import secret_key, signature_headers
from bot.delivery.transport import post


def envelope(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The Standard Webhooks body for a lead payload, or for an erasure notice
    (`subject.erased`: delete what you hold of these leads and identifiers); identical on
    every retry."""
    if is_erasure(payload):
        data = {key: value for key, value in payload.items() if key != "type"}
        return {"type": SUBJECT_ERASED, "timestamp": payload.get("erased_at"), "data": data}
    if is_team_notice(payload):
        data = {key: value for key, value in payload.items() if key != "type"}
        return {"type": payload["type"], "timestamp": payload.get("at"), "data": data}
    kind = "lead.created" if payload.get("version") == 1 else "lead.updated"
    return {"type": kind, "timestamp": payload.get("updated_at"), "data": dict(payload)}


class WebhookSink:
    name = "webhook"

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        url: str,
        secret: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._url = url
        self._key = secret_key(secret)
        self._clock = clock

    async def deliver(self, payload: Mapping[str, Any], *, idempotency_key: str) -> None:
        body = json.dumps(envelope(payload), separators=(",", ":"), sort_keys=True).encode()
        signed = signature_headers(
            self._key, webhook_id=idempotency_key, timestamp=int(self._clock()), body=body
        )
        headers = {"content-type": "application/json", "user-agent": "Parley", **signed}
        await post(self._client, self._url, content=body, headers=headers)
