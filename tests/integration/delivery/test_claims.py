"""Claims are leases: concurrent workers take disjoint rows, a crashed claim comes back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from bot.crm import make_engine, make_session, session_scope
from bot.crm.database import utcnow
from bot.delivery.outbox import claim_due, mark_delivered
from bot.delivery.webhook import WebhookSink
from tests.integration.delivery.delivery_helpers import capture, drain, make_worker, outbox
from tests.integration.delivery.fakes import FakeWebhookReceiver

pytestmark = pytest.mark.integration


def postgres_only(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no row locks: it runs one worker")


@pytest.fixture
async def receiver() -> AsyncIterator[FakeWebhookReceiver]:
    fake = await FakeWebhookReceiver(delay_s=0.02).start()
    yield fake
    await fake.close()


class Recording:
    """A sink that notes which idempotency keys went through it."""

    def __init__(self, sink: WebhookSink) -> None:
        self.name, self.sink, self.keys = sink.name, sink, list[str]()

    async def deliver(self, payload: Mapping[str, Any], *, idempotency_key: str) -> None:
        await self.sink.deliver(payload, idempotency_key=idempotency_key)
        self.keys.append(idempotency_key)


def test_a_second_claimer_skips_the_rows_the_first_holds(engine: Engine) -> None:
    postgres_only(engine)
    for n in range(5):
        capture(engine, f"lead{n}@globex.com", ("webhook",))
    lease, now = timedelta(seconds=60), utcnow()
    with make_session(engine) as first, make_session(engine) as second:
        held = claim_due(first, sinks=["webhook"], now=now, lease=lease, limit=2)
        # `first` has not committed: its rows are locked, and skipped rather than waited for.
        rest = claim_due(second, sinks=["webhook"], now=now, lease=lease, limit=10)
        assert len(held) == 2 and len(rest) == 3
        assert not {c.id for c in held} & {c.id for c in rest}
        first.commit()
        second.commit()


async def test_two_workers_on_postgres_never_deliver_one_row_twice(
    engine: Engine, client: httpx.AsyncClient, receiver: FakeWebhookReceiver
) -> None:
    postgres_only(engine)
    leads = [capture(engine, f"lead{n}@globex.com", ("webhook",)) for n in range(30)]
    url, secret = f"{receiver.url}/hooks", FakeWebhookReceiver.secret
    sinks = [Recording(WebhookSink(client, url=url, secret=secret)) for _ in range(2)]
    engines = [make_engine(engine.url) for _ in sinks]
    try:
        workers = [
            make_worker(own, {"webhook": sink}, batch_size=4)
            for own, sink in zip(engines, sinks, strict=True)
        ]
        await drain(*workers, engine=engine)
    finally:
        for own in engines:
            own.dispose()
    first, second = (set(sink.keys) for sink in sinks)
    assert first and second, "both workers should have taken a share"
    assert not first & second
    expected = {f"webhook:{lead.id}:1" for lead in leads}
    assert first | second == expected
    assert sorted(receiver.successes) == sorted(expected)  # each exactly once
    assert {row.attempts for row in outbox(engine)} == {1}


async def test_a_claim_never_finished_is_due_again_after_the_lease(
    engine: Engine, client: httpx.AsyncClient, receiver: FakeWebhookReceiver
) -> None:
    lead = capture(engine, "priya@globex.com", ("webhook",))
    with session_scope(engine) as session:
        # A worker claims the row and dies before reporting back.
        [crashed] = claim_due(
            session, sinks=["webhook"], now=utcnow(), lease=timedelta(seconds=0.5), limit=5
        )
    url, secret = f"{receiver.url}/hooks", FakeWebhookReceiver.secret
    worker = make_worker(engine, {"webhook": WebhookSink(client, url=url, secret=secret)})
    assert await worker.run_once() == 0  # still leased
    await asyncio.sleep(0.6)
    assert await worker.run_once() == 1
    [row] = outbox(engine)
    assert (row.status, row.attempts) == ("delivered", 2)
    assert receiver.successes == [f"webhook:{lead.id}:1"]
    with session_scope(engine) as session:
        # The crashed worker waking up cannot overwrite the newer claim's outcome.
        assert not mark_delivered(session, crashed, now=utcnow())


async def test_rows_for_a_sink_this_worker_lacks_wait_for_one_that_has_it(
    engine: Engine, client: httpx.AsyncClient, receiver: FakeWebhookReceiver
) -> None:
    capture(engine, "priya@globex.com", ("hubspot", "webhook"))
    url, secret = f"{receiver.url}/hooks", FakeWebhookReceiver.secret
    worker = make_worker(engine, {"webhook": WebhookSink(client, url=url, secret=secret)})
    while await worker.run_once():
        pass
    by_sink = {row.sink: (row.status, row.attempts) for row in outbox(engine)}
    assert by_sink == {"hubspot": ("pending", 0), "webhook": ("delivered", 1)}
