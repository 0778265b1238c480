"""The worker drains the outbox into a real HTTP receiver, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.engine import Engine

from bot.delivery.backoff import RetryPolicy
from bot.delivery.webhook import WebhookSink
from tests.integration.delivery.delivery_helpers import capture, drain, make_worker, outbox
from tests.integration.delivery.fakes import FakeWebhookReceiver, closed_port

pytestmark = pytest.mark.integration


@pytest.fixture
async def receiver() -> AsyncIterator[FakeWebhookReceiver]:
    fake = await FakeWebhookReceiver().start()
    yield fake
    await fake.close()


def webhook(client: httpx.AsyncClient, receiver_url: str) -> dict[str, WebhookSink]:
    secret = FakeWebhookReceiver.secret
    return {"webhook": WebhookSink(client, url=f"{receiver_url}/hooks", secret=secret)}


async def test_three_failures_then_success_is_one_delivery_under_one_id(
    engine: Engine, client: httpx.AsyncClient, receiver: FakeWebhookReceiver
) -> None:
    receiver.script = [503, 500, 429]
    lead = capture(engine, "priya@globex.com", ("webhook",))
    worker = make_worker(engine, webhook(client, receiver.url))

    assert await worker.run_once() == 1
    [row] = outbox(engine)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error is not None and "HTTP 503" in row.last_error

    await drain(worker, engine=engine)
    [row] = outbox(engine)
    assert (row.status, row.attempts, row.last_error) == ("delivered", 4, None)
    assert row.delivered_at is not None
    assert [r.status for r in receiver.received] == [503, 500, 429, 200]
    assert {r.key for r in receiver.received} == {f"webhook:{lead.id}:1"}
    assert receiver.successes == [f"webhook:{lead.id}:1"]
    assert receiver.received[-1].body["data"]["lead_id"] == lead.id


async def test_a_sink_that_is_down_loses_nothing_and_drains_when_back(
    engine: Engine, client: httpx.AsyncClient
) -> None:
    port = closed_port()
    leads = [capture(engine, f"lead{n}@globex.com", ("webhook",)) for n in range(3)]
    worker = make_worker(engine, webhook(client, f"http://127.0.0.1:{port}"))
    while min(row.attempts for row in outbox(engine)) < 2:
        await worker.run_once()
        await asyncio.sleep(0.02)
    for row in outbox(engine):
        assert row.status == "pending"
        assert row.last_error is not None and "ConnectError" in row.last_error

    receiver = await FakeWebhookReceiver().start(port)
    try:
        await drain(worker, engine=engine)
    finally:
        await receiver.close()
    assert {row.status for row in outbox(engine)} == {"delivered"}
    assert sorted(receiver.successes) == sorted(f"webhook:{lead.id}:1" for lead in leads)
    assert len(receiver.received) == 3


async def test_a_4xx_fails_the_row_with_the_reason_and_is_not_retried(
    engine: Engine, client: httpx.AsyncClient, receiver: FakeWebhookReceiver
) -> None:
    receiver.script = [422]
    capture(engine, "priya@globex.com", ("webhook",))
    worker = make_worker(engine, webhook(client, receiver.url))
    await drain(worker, engine=engine)
    for _ in range(3):
        await worker.run_once()
    [row] = outbox(engine)
    assert (row.status, row.attempts, row.delivered_at) == ("failed", 1, None)
    assert row.last_error is not None
    assert "HTTP 422" in row.last_error and "unknown field: parley_grade" in row.last_error
    assert len(receiver.received) == 1


async def test_retries_end_in_failed_after_the_last_attempt(
    engine: Engine, client: httpx.AsyncClient, receiver: FakeWebhookReceiver
) -> None:
    receiver.script = [503] * 10
    capture(engine, "priya@globex.com", ("webhook",))
    policy = RetryPolicy(max_attempts=3, base_s=0.01, cap_s=0.02)
    worker = make_worker(engine, webhook(client, receiver.url), policy=policy)
    await drain(worker, engine=engine)
    [row] = outbox(engine)
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.last_error is not None and row.last_error.startswith("gave up after 3 attempts")
    assert len(receiver.received) == 3


async def test_the_same_lead_version_is_never_pushed_twice(
    engine: Engine, client: httpx.AsyncClient, receiver: FakeWebhookReceiver
) -> None:
    worker = make_worker(engine, webhook(client, receiver.url))
    lead = capture(engine, "priya@globex.com", ("webhook",))
    capture(engine, "priya@globex.com", ("webhook",))  # the action ran again: same version
    await drain(worker, engine=engine)
    capture(engine, "priya@globex.com", ("webhook",))  # and again, after delivery
    for _ in range(3):
        await worker.run_once()
    assert receiver.successes == [f"webhook:{lead.id}:1"]

    changed = capture(engine, "priya@globex.com", ("webhook",), company="Globex Corp")
    await drain(worker, engine=engine)
    assert changed.version == 2
    assert receiver.successes == [f"webhook:{lead.id}:1", f"webhook:{lead.id}:2"]
    assert [r.body["type"] for r in receiver.received] == ["lead.created", "lead.updated"]
    assert receiver.received[1].body["data"]["contact"]["company"] == "Globex Corp"


async def test_a_newer_version_waits_for_the_older_one(
    engine: Engine, client: httpx.AsyncClient, receiver: FakeWebhookReceiver
) -> None:
    receiver.script = [503, 503]
    capture(engine, "priya@globex.com", ("webhook",))
    capture(engine, "priya@globex.com", ("webhook",), company="Globex Corp")
    await drain(make_worker(engine, webhook(client, receiver.url)), engine=engine)
    versions = [r.body["data"]["version"] for r in receiver.received]
    assert versions == [1, 1, 1, 2]  # version 1 could not undo version 2 in the CRM


async def test_stopping_finishes_the_delivery_under_way(
    engine: Engine, client: httpx.AsyncClient, receiver: FakeWebhookReceiver
) -> None:
    receiver.delay_s = 0.3
    capture(engine, "priya@globex.com", ("webhook",))
    worker = make_worker(engine, webhook(client, receiver.url))
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    while not receiver.received and not any(r.attempts for r in outbox(engine)):
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(running, 5)
    [row] = outbox(engine)
    assert (row.status, row.attempts) == ("delivered", 1)
