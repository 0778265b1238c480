"""The HubSpot sink against a local fake of the CRM v3 contacts API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine

from bot.crm import OutboxRow, session_scope
from bot.crm.database import utcnow
from bot.delivery.backoff import RetryPolicy
from bot.delivery.hubspot import HubSpotSink
from tests.integration.delivery.delivery_helpers import capture, drain, make_worker, outbox
from tests.integration.delivery.fakes import FakeHubSpot

pytestmark = pytest.mark.integration


@pytest.fixture
async def hubspot() -> AsyncIterator[FakeHubSpot]:
    fake = await FakeHubSpot().start()
    yield fake
    await fake.close()


async def test_throttled_then_upserted_by_email(
    engine: Engine, client: httpx.AsyncClient, hubspot: FakeHubSpot
) -> None:
    hubspot.script, hubspot.retry_after = [429], "30"
    lead = capture(engine, "priya@globex.com", ("hubspot",))
    sink = HubSpotSink(client, token=hubspot.token, base_url=hubspot.url)
    # Retry-After is honoured up to the cap; this cap leaves room for it.
    policy = RetryPolicy(base_s=0.01, cap_s=60)
    worker = make_worker(engine, {"hubspot": sink}, policy=policy)

    before = utcnow()
    await worker.run_once()
    [row] = outbox(engine)
    assert row.status == "pending" and "HTTP 429" in (row.last_error or "")
    # Retry-After: 30 outweighs the 0.02 s the schedule alone would wait.
    assert row.next_attempt_at - before >= timedelta(seconds=29)

    with session_scope(engine) as session:
        session.execute(update(OutboxRow).values(next_attempt_at=utcnow()))
    await drain(worker, engine=engine)
    [row] = outbox(engine)
    assert (row.status, row.attempts) == ("delivered", 2)
    assert hubspot.successes == [f"hubspot:{lead.id}:1"]
    contact = hubspot.contacts["priya@globex.com"]
    assert contact["firstname"] == "Priya" and contact["lastname"] == "Patel"
    assert contact["company"] == "Globex" and contact["jobtitle"] == "VP marketing"
    assert contact["parley_score"] == str(lead.score) and contact["parley_grade"] == lead.grade
    assert contact["parley_segments"] == ";".join(lead.segments)


async def test_a_rejected_token_fails_the_row(
    engine: Engine, client: httpx.AsyncClient, hubspot: FakeHubSpot
) -> None:
    capture(engine, "priya@globex.com", ("hubspot",))
    sink = HubSpotSink(client, token="revoked", base_url=hubspot.url)
    await drain(make_worker(engine, {"hubspot": sink}), engine=engine)
    [row] = outbox(engine)
    assert row.status == "failed"
    assert "HTTP 401" in (row.last_error or "") and "INVALID_AUTHENTICATION" in (
        row.last_error or ""
    )
