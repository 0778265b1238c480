"""Marking messages fine, counting those that still wait for a look, and listing the
reviews, on SQLite (tracker store and CRM apart) and PostgreSQL (one database)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.crm import session_scope
from bot.crm.review_tables import MessageReview
from bot.review import (
    ReviewRefused,
    list_reviews,
    mark_fine,
    messages_needing_review,
    unreviewed_count,
)
from bot.review.messages import ConversationMessages
from bot.review.reviews import record
from tests.integration.review.conftest import Stores
from tests.integration.review.conversations import T0

pytestmark = pytest.mark.integration

# At the FallbackClassifier's threshold (0.45): two fallbacks and one unsure reading.
WAITING = {
    ("conv-unsure", "conv-unsure-m1"),
    ("conv-unsure", "conv-unsure-m3"),
    ("conv-misread", "conv-misread-m1"),
}
# At 0.6, two readings at 0.5 and 0.52 join them.
WAITING_AT_60 = WAITING | {("conv-unsure", "conv-unsure-m2"), ("conv-priya", "conv-priya-m4")}


def count(stores: Stores, threshold: float | None = None) -> int:
    with session_scope(stores.crm) as session:
        return unreviewed_count(session, stores.events, threshold=threshold)


def fine(stores: Stores, conversation_id: str, message_id: str, reviewer: str = "maya") -> None:
    with session_scope(stores.crm) as session:
        mark_fine(
            session,
            stores.events,
            conversation_id=conversation_id,
            message_id=message_id,
            reviewer=reviewer,
        )


def test_the_messages_needing_a_look_are_the_fallbacks_and_the_unsure(seeded: Stores) -> None:
    assert messages_needing_review(seeded.events) == WAITING
    assert messages_needing_review(seeded.events, threshold=0.6) == WAITING_AT_60
    assert (count(seeded), count(seeded, 0.6)) == (3, 5)


def test_a_review_takes_a_message_off_the_count(seeded: Stores) -> None:
    fine(seeded, "conv-misread", "conv-misread-m1")
    assert count(seeded) == 2
    fine(seeded, "conv-misread", "conv-misread-m1", reviewer="omar")  # again: no change
    fine(seeded, "conv-priya", "conv-priya-m1")  # fine, though it never needed a look
    assert (count(seeded), count(seeded, 0.6)) == (2, 4)

    with session_scope(seeded.crm) as session:
        page = list_reviews(session)
        assert page.total == 2
        [latest, first] = page.reviews
        assert (latest.conversation_id, latest.message_id) == ("conv-priya", "conv-priya-m1")
        assert (first.status, first.reviewer, first.intent, first.example) == (
            "fine",
            "maya",
            None,
            None,
        )
        assert first.message_at == T0 + timedelta(hours=2, seconds=4)  # when it was said
        assert first.reviewed_at > first.message_at
        assert list_reviews(session, conversation_ids=["conv-misread"]).total == 1
        assert list_reviews(session, status="filed").reviews == []
        assert list_reviews(session, reviewer="omar").total == 0
        assert [r.message_id for r in list_reviews(session, limit=1, offset=1).reviews] == [
            "conv-misread-m1"
        ]


def test_a_message_filed_already_cannot_be_marked_fine(seeded: Stores) -> None:
    message = ConversationMessages(seeded.events).message("conv-unsure", "conv-unsure-m1")
    assert message is not None
    with session_scope(seeded.crm) as session:
        fine(seeded, "conv-unsure", "conv-unsure-m1")
        # Marked fine first, then filed after all: the row becomes the filing.
        filed = record(
            session,
            message,
            status="filed",
            reviewer="omar",
            intent="ask_product",
            example="does it plug into zapier for https://example.com?",
        )
        assert (filed.status, filed.reviewer, filed.intent) == ("filed", "omar", "ask_product")
    with pytest.raises(ReviewRefused, match="filed already, as an example of 'ask_product'"):
        fine(seeded, "conv-unsure", "conv-unsure-m1")
    with session_scope(seeded.crm) as session:
        [row] = session.query(MessageReview).all()
        assert row.status == "filed"


def test_an_unknown_message_cannot_be_reviewed(seeded: Stores) -> None:
    with pytest.raises(ReviewRefused) as refused:
        fine(seeded, "conv-unsure", "no-such-message")
    assert refused.value.problems[0].message.startswith("There is no such message")
    assert count(seeded) == 3


def test_without_events_nothing_waits(stores: Stores) -> None:
    assert count(stores) == 0


def test_a_count_may_take_only_recent_messages(seeded: Stores) -> None:
    later = T0 + timedelta(hours=1, minutes=30)  # after conv-unsure's, before conv-misread's
    assert messages_needing_review(seeded.events, since=later) == {
        ("conv-misread", "conv-misread-m1")
    }
    assert count(seeded) == 3
    with session_scope(seeded.crm) as session:
        assert unreviewed_count(session, seeded.events, since=later) == 1
    fine(seeded, "conv-misread", "conv-misread-m1")
    fine(seeded, "conv-unsure", "conv-unsure-m3")
    with session_scope(seeded.crm) as session:
        assert unreviewed_count(session, seeded.events, since=later) == 0
        assert unreviewed_count(session, seeded.events) == 1
