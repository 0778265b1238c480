"""Webhook requests are signed exactly as Standard Webhooks receivers verify them."""

from __future__ import annotations

import json

import httpx
import pytest

from bot.delivery.signature import secret_key, sign
from bot.delivery.webhook import WebhookSink
from tests.unit.delivery.standard_webhooks import verify

# The specification's published test vector.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
PAYLOAD = {"lead_id": "L-1", "version": 1, "updated_at": "2026-11-20T09:30:00+00:00"}


def test_reproduces_the_specifications_test_vector() -> None:
    key = secret_key(SPEC_SECRET)
    assert sign(key, webhook_id=SPEC_ID, timestamp=SPEC_TIMESTAMP, body=SPEC_BODY) == (
        SPEC_SIGNATURE
    )


@pytest.mark.parametrize("secret", ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_!!"])
def test_refuses_secrets_that_are_not_whsec_base64(secret: str) -> None:
    with pytest.raises(ValueError):
        secret_key(secret)


async def sent_requests(count: int) -> list[httpx.Request]:
    seen: list[httpx.Request] = []

    def receive(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    async with httpx.AsyncClient(transport=httpx.MockTransport(receive)) as client:
        sink = WebhookSink(client, url="https://crm.example/hooks", secret=SPEC_SECRET)
        for _ in range(count):
            await sink.deliver(PAYLOAD, idempotency_key="webhook:L-1:1")
    return seen


async def test_every_attempt_is_signed_with_the_idempotency_key_as_webhook_id() -> None:
    requests = await sent_requests(2)
    for request in requests:
        assert request.headers["webhook-id"] == "webhook:L-1:1"
        assert request.headers["content-type"] == "application/json"
        verify(SPEC_SECRET, request.content, request.headers)
    body = json.loads(requests[0].content)
    assert body == {"type": "lead.created", "timestamp": PAYLOAD["updated_at"], "data": PAYLOAD}
    assert requests[0].content == requests[1].content


async def test_the_reference_library_verifies_it() -> None:
    standardwebhooks = pytest.importorskip("standardwebhooks")
    [request] = await sent_requests(1)
    verified = standardwebhooks.Webhook(SPEC_SECRET).verify(request.content, request.headers)
    assert verified["data"] == PAYLOAD
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        standardwebhooks.Webhook(SPEC_SECRET).verify(
            request.content.replace(b"L-1", b"L-2"), dict(request.headers)
        )


async def test_a_tampered_body_fails_our_own_verifier_too() -> None:
    [request] = await sent_requests(1)
    with pytest.raises(AssertionError):
        verify(SPEC_SECRET, request.content + b" ", request.headers)
