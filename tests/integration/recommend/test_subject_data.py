"""Content engagements are a person's data: exported and erased with them (by conversation,
contact or lead), and purged with a conversation by retention, on SQLite and PostgreSQL;
opening offers to no conversation are no one's, and go by their age."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.crm import session_scope
from bot.crm.engagement_tables import ContentEngagement, record_click, record_offer
from bot.crm.retention import purge_expired
from bot.crm.subjects import erase_subject, export_subject, find_subject
from bot.crm.tables import Lead
from tests.integration.review.conftest import Stores, seeded, stores
from tests.integration.review.conversations import T0
from tests.integration.review.test_subject_data import PEPPER, crm_and_events

__all__ = ["seeded", "stores"]
pytestmark = pytest.mark.integration


def engaged(stores: Stores, *conversations: str) -> None:
    """Each conversation was offered an item and clicked it; Priya's through her lead."""
    with session_scope(stores.crm) as session:
        for conversation_id in conversations:
            lead = session.scalar(select(Lead).where(Lead.conversation_id == conversation_id))
            offered = record_offer(
                session,
                item_id="guide-lead-qualification-questions",
                strategy="content",
                conversation_id=conversation_id,
                lead_id=lead.id if lead else None,
                contact_id=lead.contact_id if lead else None,
                now=T0,
            )
            assert record_click(session, offered.id, now=T0 + timedelta(minutes=1))


def remaining(stores: Stores) -> list[tuple[str | None, str]]:
    with session_scope(stores.crm) as session:
        found = session.execute(select(ContentEngagement.conversation_id, ContentEngagement.kind))
        rows = [(conversation, kind) for conversation, kind in found]
    return sorted(rows, key=lambda row: (row[0] is None, row[0] or "", row[1]))


def test_a_persons_engagements_are_exported_and_erased_with_them(seeded: Stores) -> None:
    engaged(seeded, "conv-priya", "conv-misread")
    with crm_and_events(seeded) as (session, events):
        subject = find_subject(
            session, kind="email", value="priya.patel@globex.com", conversations=events
        )
        assert subject is not None
        exported = export_subject(session, subject, conversations=events, pepper=PEPPER)
        rows = exported["content_engagements"]
        assert sorted(row["kind"] for row in rows) == ["clicked", "offered"]
        assert {row["conversation_id"] for row in rows} == {"conv-priya"}
        erased, _ = erase_subject(
            session, subject, conversations=events, pepper=PEPPER, actor="admin"
        )
    assert erased["content_engagements"] == 2
    assert remaining(seeded) == [("conv-misread", "clicked"), ("conv-misread", "offered")]


def test_retention_purges_the_engagements_of_a_purged_conversation(seeded: Stores) -> None:
    engaged(seeded, "conv-misread", "conv-stop")
    cutoff = T0 + timedelta(hours=2, minutes=30)  # after conv-misread, before conv-stop
    with crm_and_events(seeded) as (session, events):
        purged = purge_expired(session, events, cutoff=cutoff)
    assert purged is not None and purged["content_engagements"] == 2
    assert remaining(seeded) == [("conv-stop", "clicked"), ("conv-stop", "offered")]


def test_retention_purges_anonymous_opening_offers_by_their_age(seeded: Stores) -> None:
    engaged(seeded, "conv-stop")
    with session_scope(seeded.crm) as session:
        for made in (T0, T0 + timedelta(hours=3)):
            offered = record_offer(
                session,
                item_id="plan-growth",
                strategy="trigger",
                conversation_id=None,
                lead_id=None,
                contact_id=None,
                now=made,
                placement="opening",
                trigger="pricing-page",
            )
            assert record_click(session, offered.id, now=made + timedelta(minutes=1))
    cutoff = T0 + timedelta(hours=2, minutes=30)  # before conv-stop and the second offer
    with crm_and_events(seeded) as (session, events):
        purged = purge_expired(session, events, cutoff=cutoff)
    assert purged is not None and purged["content_engagements"] == 2
    assert remaining(seeded) == [
        ("conv-stop", "clicked"),
        ("conv-stop", "offered"),
        (None, "clicked"),
        (None, "offered"),
    ]
