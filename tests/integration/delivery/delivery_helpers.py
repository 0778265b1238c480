"""Builders shared by the delivery tests: leads captured as the action server does, and
workers with the retry schedule shrunk to milliseconds."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot import bootstrap
from bot.crm import Lead, OutboxRow, session_scope
from bot.delivery.backoff import RetryPolicy
from bot.delivery.sink import Sink
from bot.delivery.worker import DeliveryWorker
from bot.lead_capture import capture_lead

QUICK = RetryPolicy(max_attempts=12, base_s=0.01, cap_s=0.05)


def capture(engine: Engine, email: str, sinks: tuple[str, ...], **slots: Any) -> Lead:
    """A finished conversation for `email`, written and queued in one transaction."""
    answers = {
        "name": "Priya Patel",
        "email": email,
        "company": "Globex",
        "role": "VP marketing",
        "authority": "decision_maker",
        "budget": {"low": 20000, "high": 30000, "unit": "USD"},
        "timeline": "1_3_months",
        "phone": "declined",
        **slots,
    }
    with session_scope(engine) as session:
        lead = capture_lead(
            session,
            slots=answers,
            conversation_id=f"conv-{email}",
            channel="rest",
            signals={},
            rules=bootstrap.scoring_rules(),
            segments=bootstrap.segments(),
            pepper=b"pepper",
            sinks=sinks,
        )
    assert lead is not None
    return lead


def outbox(engine: Engine) -> list[OutboxRow]:
    with session_scope(engine) as session:
        return list(session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


def pending(engine: Engine) -> int:
    return sum(row.status == "pending" for row in outbox(engine))


def make_worker(engine: Engine, sinks: dict[str, Sink], **options: Any) -> DeliveryWorker:
    defaults: dict[str, Any] = {"policy": QUICK, "lease_s": 5, "timeout_s": 2, "poll_s": 0.01}
    return DeliveryWorker(engine, sinks, **(defaults | options))


async def drain(*workers: DeliveryWorker, engine: Engine, timeout_s: float = 20) -> None:
    """Runs the workers side by side until no row is pending."""

    async def rounds(worker: DeliveryWorker) -> None:
        while await asyncio.to_thread(pending, engine):
            if not await worker.run_once():
                await asyncio.sleep(0.01)

    await asyncio.wait_for(asyncio.gather(*(rounds(w) for w in workers)), timeout_s)
