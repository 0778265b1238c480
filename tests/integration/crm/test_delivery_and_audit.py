"""Outbox idempotency, audit and transactions, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from bot.crm import (
    Contact,
    OutboxRow,
    enqueue_delivery,
    record_audit,
    session_scope,
    upsert_contact,
)
from tests.integration.crm.crm_helpers import count, lead_for

pytestmark = pytest.mark.integration


def test_each_lead_version_is_queued_once_per_sink(session: Session) -> None:
    contact = upsert_contact(session, email="jane@acme.io")
    lead = lead_for(session, contact, "conv-1")
    queued = enqueue_delivery(session, lead=lead, sink="hubspot", payload={"score": 55})
    assert queued is not None and queued.idempotency_key == f"hubspot:{lead.id}:1"
    assert (queued.status, queued.attempts) == ("pending", 0)
    assert enqueue_delivery(session, lead=lead, sink="hubspot", payload={"score": 55}) is None
    assert enqueue_delivery(session, lead=lead, sink="webhook", payload={}) is not None
    lead_for(session, contact, "conv-1", score=90)
    assert enqueue_delivery(session, lead=lead, sink="hubspot", payload={"score": 90}) is not None
    assert count(session, OutboxRow) == 3


def test_the_database_refuses_a_second_row_with_one_idempotency_key(session: Session) -> None:
    lead = lead_for(session, upsert_contact(session, email="jane@acme.io"), "conv-1")
    enqueue_delivery(session, lead=lead, sink="hubspot", payload={})
    session.add(
        OutboxRow(
            lead_id=lead.id,
            lead_version=1,
            sink="hubspot",
            idempotency_key=f"hubspot:{lead.id}:1",
            payload={},
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()


# Inbound ledger, audit, units of work


def test_audit_and_timestamps_are_utc_aware(session: Session) -> None:
    entry = record_audit(session, actor="api:ops", action="export", subject_hash="ab" * 32)
    contact = upsert_contact(session, email="jane@acme.io")
    session.commit()
    session.expire_all()
    assert entry.details == {} and entry.created_at.tzinfo == timezone.utc
    assert contact.created_at.utcoffset() == timedelta(0)
    contact.updated_at = datetime(2026, 1, 1)  # naive: its zone would be a guess
    with pytest.raises(StatementError):
        session.flush()


def test_session_scope_commits_or_rolls_back(crm_engine: Engine, session: Session) -> None:
    with session_scope(crm_engine) as work:
        upsert_contact(work, email="kept@acme.io")
    with pytest.raises(RuntimeError), session_scope(crm_engine) as work:
        upsert_contact(work, email="lost@acme.io")
        raise RuntimeError("boom")
    assert session.execute(select(Contact.email)).scalars().all() == ["kept@acme.io"]
