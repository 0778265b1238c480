"""Reviews are a person's data: exported and erased with their conversations, and purged
with a conversation by retention, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from bot.crm import session_scope
from bot.crm.retention import purge_expired
from bot.crm.subjects import erase_subject, export_subject, find_subject
from bot.review import list_reviews, mark_fine
from bot.stores.conversation_events import ConversationEvents
from tests.integration.review.conftest import Stores
from tests.integration.review.conversations import T0

pytestmark = pytest.mark.integration

PEPPER = b"pepper"


@contextmanager
def crm_and_events(stores: Stores) -> Iterator[tuple[Session, ConversationEvents]]:
    """A CRM session and the tracker store as the API binds it: the session's own
    connection when both are one database, else the tracker store's engine."""
    with session_scope(stores.crm) as session:
        shared = stores.events.url == stores.crm.url
        yield session, ConversationEvents(session.connection() if shared else stores.events)


def review(stores: Stores, *messages: str) -> None:
    with session_scope(stores.crm) as session:
        for message_id in messages:
            conversation_id = message_id.rsplit("-m", 1)[0]
            mark_fine(
                session,
                stores.events,
                conversation_id=conversation_id,
                message_id=message_id,
                reviewer="maya",
            )


def reviewed(stores: Stores) -> list[str]:
    with session_scope(stores.crm) as session:
        return sorted(r.message_id for r in list_reviews(session, limit=100).reviews)


def test_a_persons_reviews_are_exported_and_erased_with_them(seeded: Stores) -> None:
    review(seeded, "conv-priya-m3", "conv-priya-m4", "conv-misread-m1")

    with crm_and_events(seeded) as (session, events):
        subject = find_subject(
            session, kind="email", value="priya.patel@globex.com", conversations=events
        )
        assert subject is not None and "conv-priya" in subject.conversation_ids
        exported = export_subject(session, subject, conversations=events, pepper=PEPPER)
        assert sorted(r["message_id"] for r in exported["message_reviews"]) == [
            "conv-priya-m3",
            "conv-priya-m4",
        ]
        assert {r["status"] for r in exported["message_reviews"]} == {"fine"}

        erased, _ = erase_subject(
            session, subject, conversations=events, pepper=PEPPER, actor="admin"
        )

    assert erased["message_reviews"] == 2
    assert reviewed(seeded) == ["conv-misread-m1"]  # someone else's stays


def test_retention_purges_the_reviews_of_a_purged_conversation(seeded: Stores) -> None:
    review(seeded, "conv-misread-m1", "conv-stop-m1")
    cutoff = T0 + timedelta(hours=2, minutes=30)  # after conv-misread, before conv-stop

    with crm_and_events(seeded) as (session, events):
        purged = purge_expired(session, events, cutoff=cutoff)

    assert purged is not None and purged["message_reviews"] == 1
    assert reviewed(seeded) == ["conv-stop-m1"]
