"""HTTP outcomes become DeliveryErrors at the sink: retry what may succeed, fail the rest."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest

from bot.delivery.hubspot import HubSpotSink, split_name
from bot.delivery.payload import erasure_payload
from bot.delivery.sink import DeliveryError, Sink
from bot.delivery.transport import retry_after_seconds
from bot.delivery.webhook import WebhookSink

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
PAYLOAD: dict[str, Any] = {
    "lead_id": "L-1",
    "version": 2,
    "contact": {
        "id": "C-1",
        "name": "Priya Anand Patel",
        "email": "priya@globex.com",
        "phone": None,
        "company": "Globex",
    },
    "role": "VP marketing",
    "score": 72,
    "grade": "B",
    "segments": ["ready_to_buy", "mid_market"],
    "updated_at": "2026-11-20T09:30:00+00:00",
}
Handler = Callable[[httpx.Request], httpx.Response]


async def deliver(kind: str, handler: Handler, payload: dict[str, Any] = PAYLOAD) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        sink: Sink
        if kind == "webhook":
            sink = WebhookSink(client, url="https://crm.example/hooks", secret=SECRET)
        else:
            sink = HubSpotSink(client, token="pat-1", base_url="https://hubspot.example/")
        await sink.deliver(payload, idempotency_key=f"{kind}:L-1:2")


def answer(status: int, **headers: str) -> Handler:
    return lambda request: httpx.Response(status, headers=headers, text=f"status {status}")


def refuse(error: type[httpx.TransportError]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error("no route to the CRM", request=request)

    return handler


SINKS = pytest.mark.parametrize("kind", ["webhook", "hubspot"])


@SINKS
@pytest.mark.parametrize("status", [200, 201, 202, 204])
async def test_2xx_is_delivered(kind: str, status: int) -> None:
    await deliver(kind, answer(status))


@SINKS
@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
async def test_timeouts_throttling_and_server_errors_are_retried(kind: str, status: int) -> None:
    with pytest.raises(DeliveryError) as raised:
        await deliver(kind, answer(status))
    assert raised.value.retryable
    assert f"HTTP {status}" in raised.value.reason and f"status {status}" in raised.value.reason


@SINKS
@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 410, 422])
async def test_other_4xx_fail_for_good(kind: str, status: int) -> None:
    with pytest.raises(DeliveryError) as raised:
        await deliver(kind, answer(status))
    assert not raised.value.retryable
    assert f"HTTP {status}" in raised.value.reason


@SINKS
@pytest.mark.parametrize(
    "error", [httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError]
)
async def test_network_errors_are_retried(kind: str, error: type[httpx.TransportError]) -> None:
    with pytest.raises(DeliveryError) as raised:
        await deliver(kind, refuse(error))
    assert raised.value.retryable and error.__name__ in raised.value.reason
    assert isinstance(raised.value.__cause__, error)


@SINKS
async def test_429_carries_retry_after(kind: str) -> None:
    with pytest.raises(DeliveryError) as raised:
        await deliver(kind, answer(429, **{"Retry-After": "7"}))
    assert raised.value.retryable and raised.value.retry_after == 7


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)
    assert retry_after_seconds("120", now=now) == 120
    assert retry_after_seconds("Fri, 20 Nov 2026 09:31:30 GMT", now=now) == 90
    assert retry_after_seconds("Fri, 20 Nov 2026 09:00:00 GMT", now=now) == 0
    assert retry_after_seconds("soon", now=now) is None
    assert retry_after_seconds(None) is None


async def test_hubspot_upserts_the_contact_by_email() -> None:
    seen: list[httpx.Request] = []

    def hubspot(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"status": "COMPLETE", "results": [{"id": "901"}]})

    await deliver("hubspot", hubspot)
    [request] = seen
    assert str(request.url) == "https://hubspot.example/crm/v3/objects/contacts/batch/upsert"
    assert request.headers["authorization"] == "Bearer pat-1"
    [upsert] = json.loads(request.content)["inputs"]
    assert upsert["idProperty"] == "email" and upsert["id"] == "priya@globex.com"
    assert upsert["objectWriteTraceId"] == "hubspot:L-1:2"
    assert upsert["properties"] == {
        "email": "priya@globex.com",
        "firstname": "Priya",
        "lastname": "Anand Patel",
        "company": "Globex",
        "jobtitle": "VP marketing",
        "parley_score": "72",
        "parley_grade": "B",
        "parley_segments": "ready_to_buy;mid_market",
    }  # no phone: an empty value would clear the one HubSpot has


async def test_hubspot_multi_status_errors_fail_the_row() -> None:
    errors = {"errors": [{"category": "VALIDATION_ERROR", "message": "bad parley_grade"}]}
    with pytest.raises(DeliveryError) as raised:
        await deliver("hubspot", lambda request: httpx.Response(207, json=errors))
    assert not raised.value.retryable and "bad parley_grade" in raised.value.reason


async def test_hubspot_cannot_take_a_lead_without_an_email() -> None:
    phone_only = dict(PAYLOAD, contact=dict(PAYLOAD["contact"], email=None, phone="+14155550132"))
    with pytest.raises(DeliveryError) as raised:
        await deliver("hubspot", answer(200), phone_only)
    assert not raised.value.retryable and "e-mail" in raised.value.reason


def test_names_split_into_first_and_last() -> None:
    assert split_name("Priya") == ("Priya", None)
    assert split_name("  Jean  Luc Picard ") == ("Jean", "Luc Picard")
    assert split_name(None) == (None, None)


ERASED = erasure_payload(
    identifiers=[("email", "priya@globex.com"), ("phone", "+14155550132")],
    lead_ids=["L-1"],
    erased_at=datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc),
)


async def test_hubspot_gdpr_deletes_an_erased_person_by_email() -> None:
    seen: list[httpx.Request] = []

    def hubspot(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    await deliver("hubspot", hubspot, ERASED)
    [request] = seen
    assert str(request.url) == "https://hubspot.example/crm/v3/objects/contacts/gdpr-delete"
    assert json.loads(request.content) == {"objectId": "priya@globex.com", "idProperty": "email"}
    # Nobody there is an erasure done; a refusal is not.
    await deliver("hubspot", answer(404), ERASED)
    with pytest.raises(DeliveryError) as raised:
        await deliver("hubspot", answer(401), ERASED)
    assert not raised.value.retryable and raised.value.status == 401


async def test_the_webhook_hears_of_an_erasure_as_subject_erased() -> None:
    seen: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    await deliver("webhook", receiver, ERASED)
    [request] = seen
    body = json.loads(request.content)
    assert body["type"] == "subject.erased" and body["timestamp"] == "2026-12-01T09:00:00+00:00"
    assert body["data"]["lead_ids"] == ["L-1"]
    assert {"kind": "email", "value": "priya@globex.com"} in body["data"]["identifiers"]
    assert request.headers["webhook-signature"].startswith("v1,")
