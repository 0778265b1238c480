"""Handoffs are a person's data: exported and erased with their conversations, and
purged with a conversation by retention, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.crm import session_scope
from bot.crm.handoff_tables import Handoff
from bot.crm.retention import purge_expired
from bot.crm.subjects import erase_subject, export_subject, find_subject
from bot.handoff.config import HandoffConfig
from bot.handoff.queue import request
from tests.integration.review.conftest import Stores, seeded, stores
from tests.integration.review.conversations import T0
from tests.integration.review.test_subject_data import PEPPER, crm_and_events

__all__ = ["seeded", "stores"]
pytestmark = pytest.mark.integration


def handed_off(stores: Stores, *conversations: str) -> None:
    config = HandoffConfig(time_zone=ZoneInfo("UTC"), hours={})
    with session_scope(stores.crm) as session:
        for conversation_id in conversations:
            request(
                session,
                config,
                conversation_id=conversation_id,
                channel="webchat",
                reason="asked",
                now=T0,
            )


def remaining(stores: Stores) -> list[str]:
    with session_scope(stores.crm) as session:
        return sorted(session.execute(select(Handoff.conversation_id)).scalars())


def test_a_persons_handoffs_are_exported_and_erased_with_them(seeded: Stores) -> None:
    handed_off(seeded, "conv-priya", "conv-misread")
    with crm_and_events(seeded) as (session, events):
        subject = find_subject(
            session, kind="email", value="priya.patel@globex.com", conversations=events
        )
        assert subject is not None
        exported = export_subject(session, subject, conversations=events, pepper=PEPPER)
        assert [row["conversation_id"] for row in exported["handoffs"]] == ["conv-priya"]
        erased, _ = erase_subject(
            session, subject, conversations=events, pepper=PEPPER, actor="admin"
        )
    assert erased["handoffs"] == 1
    assert remaining(seeded) == ["conv-misread"]


def test_retention_purges_the_handoffs_of_a_purged_conversation(seeded: Stores) -> None:
    handed_off(seeded, "conv-misread", "conv-stop")
    cutoff = T0 + timedelta(hours=2, minutes=30)  # after conv-misread, before conv-stop
    with crm_and_events(seeded) as (session, events):
        purged = purge_expired(session, events, cutoff=cutoff)
    assert purged is not None and purged["handoffs"] == 1
    assert remaining(seeded) == ["conv-stop"]
