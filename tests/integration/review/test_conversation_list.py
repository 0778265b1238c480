"""The review's reading of the tracker store, on SQLite (tracker store and CRM apart) and
PostgreSQL (one database): each message as Rasa read it and what the bot did next, each
conversation's tags, and the list newest first, filtered and paged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from bot.crm import session_scope
from bot.review import (
    ConversationMessages,
    ConversationPage,
    fallback_threshold,
    list_conversations,
)
from tests.integration.review.conftest import Stores
from tests.integration.review.conversations import T0

pytestmark = pytest.mark.integration

NEWEST_FIRST = [
    "conv-stop",
    "sms:+14155550199",
    "conv-misread",
    "conv-unsure",
    "conv-priya",
    "conv-hello-0",
    "conv-hello-1",
    "conv-hello-2",
]


def listed(stores: Stores, **filters: object) -> ConversationPage:
    with session_scope(stores.crm) as session:
        return list_conversations(stores.events, session, **filters)  # type: ignore[arg-type]


def ids(page: ConversationPage) -> list[str]:
    return [summary.conversation_id for summary in page.conversations]


def test_the_threshold_is_the_fallback_classifiers() -> None:
    assert fallback_threshold() == 0.45


def test_a_message_is_read_as_rasa_recorded_it(seeded: Stores) -> None:
    first, second, third = ConversationMessages(seeded.events).messages("conv-unsure")

    assert (first.message_id, first.text) == (
        "conv-unsure-m1",
        "does it plug into zapier for www.globex.io?",
    )
    assert first.at == T0 + timedelta(hours=1, seconds=4)
    assert (first.intent, first.confidence, first.channel) == ("nlu_fallback", 0.45, "webchat")
    assert [name for name, _ in first.runners_up] == ["ask_product", "greet", "ask_pricing"]
    [url] = first.entities
    assert (url.entity, url.value, url.extractor) == (
        "url",
        "www.globex.io",
        "StructuredEntityExtractor",
    )
    assert first.text[url.start : url.end] == url.value  # type: ignore[misc]
    assert first.next_actions == ("action_fallback",)
    assert first.replies == ("Sorry, I'm not sure I understood.",)
    assert first.fell_back and first.needs_review(0.45)

    assert (second.intent, second.fell_back) == ("ask_pricing", False)
    assert not second.needs_review(0.45) and second.needs_review(0.6)
    assert second.next_actions == ("utter_pricing",)
    assert third.is_low_confidence(0.45) and not third.fell_back


def test_the_core_fallback_counts_as_falling_back(seeded: Stores) -> None:
    [message] = ConversationMessages(seeded.events).messages("conv-misread")
    assert (message.intent, message.confidence, message.channel) == ("greet", 0.91, "telegram")
    assert message.fell_back and message.next_actions == ("action_fallback",)


def test_each_message_knows_the_conversations_personal_details(seeded: Stores) -> None:
    messages = ConversationMessages(seeded.events).messages("conv-priya")
    assert [m.message_id for m in messages] == [f"conv-priya-m{n}" for n in (1, 2, 3, 4)]
    assert dict(messages[0].personal) == {
        "name": ("Priya Patel",),
        "email": ("priya.patel@globex.com",),
        "company": ("Globex",),
    }
    assert [e.entity for e in messages[3].entities] == ["headcount", "phone"]
    reader = ConversationMessages(seeded.events)
    assert reader.message("conv-priya", "conv-priya-m3") == messages[2]
    assert reader.message("conv-priya", "nope") is None
    assert reader.messages("conv-nobody") == []


def test_conversations_are_listed_newest_first_with_their_tags(seeded: Stores) -> None:
    page = listed(seeded)

    assert ids(page) == NEWEST_FIRST  # the try-it panel's conversation is not a visitor's
    assert (page.total, page.threshold) == (8, 0.45)
    tags = {s.conversation_id: s.tags for s in page.conversations}
    assert tags["conv-stop"] == {"opted_out"}
    assert tags["sms:+14155550199"] == {"handed_off", "left_form"}
    assert tags["conv-misread"] == {"fell_back"}
    assert tags["conv-unsure"] == {"fell_back", "low_confidence"}
    assert tags["conv-priya"] == {"became_lead"}
    assert tags["conv-hello-0"] == frozenset()
    by_id = {s.conversation_id: s for s in page.conversations}
    assert by_id["sms:+14155550199"].stopped_at == "company"
    assert by_id["conv-priya"].lead_id is not None and by_id["conv-stop"].lead_id is None
    assert by_id["conv-priya"].messages == 4 and by_id["conv-priya"].channel == "webchat"
    assert by_id["conv-stop"].last_at > by_id["sms:+14155550199"].last_at


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["fell_back"], ["conv-misread", "conv-unsure"]),
        (["low_confidence"], ["conv-unsure"]),
        (["left_form"], ["sms:+14155550199"]),
        (["opted_out"], ["conv-stop"]),
        (["handed_off"], ["sms:+14155550199"]),
        (["became_lead"], ["conv-priya"]),
        (["fell_back", "low_confidence"], ["conv-unsure"]),
        (["handed_off", "left_form"], ["sms:+14155550199"]),
        (["became_lead", "fell_back"], []),
    ],
)
def test_a_tag_filter_keeps_the_conversations_with_every_tag(
    seeded: Stores, tags: list[str], expected: list[str]
) -> None:
    page = listed(seeded, tags=tags)
    assert (ids(page), page.total) == (expected, len(expected))


def test_the_threshold_is_the_pages_to_choose(seeded: Stores) -> None:
    page = listed(seeded, tags=["low_confidence"], threshold=0.6)
    assert (ids(page), page.threshold) == (["conv-unsure", "conv-priya"], 0.6)


def test_channel_and_time_filters(seeded: Stores) -> None:
    assert ids(listed(seeded, channel="twilio")) == ["conv-stop", "sms:+14155550199"]
    assert ids(listed(seeded, channel="telegram", tags=["fell_back"])) == ["conv-misread"]
    assert ids(listed(seeded, channel="email")) == []
    window = listed(seeded, since=T0 + timedelta(hours=1), until=T0 + timedelta(hours=3))
    assert ids(window) == ["conv-misread", "conv-unsure"]
    earlier = listed(seeded, until=T0, channel="webchat")
    assert (ids(earlier), earlier.total) == (NEWEST_FIRST[5:], 3)


def test_pages_split_the_list_and_count_it_whole(seeded: Stores) -> None:
    pages = [listed(seeded, limit=3, offset=offset) for offset in (0, 3, 6, 9)]
    assert [ids(page) for page in pages] == [
        NEWEST_FIRST[:3],
        NEWEST_FIRST[3:6],
        NEWEST_FIRST[6:],
        [],
    ]
    assert [page.total for page in pages] == [8, 8, 8, 8]
    checked = [listed(seeded, tags=["became_lead"], limit=1, offset=n) for n in (0, 1)]
    assert [(ids(page), page.total) for page in checked] == [(["conv-priya"], 1), ([], 1)]


def test_an_unknown_tag_is_refused(seeded: Stores) -> None:
    with pytest.raises(ValueError, match="unknown tags"):
        listed(seeded, tags=["angry"])


def test_a_tracker_store_without_events_lists_nothing(stores: Stores) -> None:
    assert (ids(listed(stores)), listed(stores).total) == ([], 0)
    assert ConversationMessages(stores.events).messages("conv-priya") == []


def test_the_crm_transaction_may_read_the_events_too(seeded: Stores) -> None:
    """Bound to a Connection (one database: the caller's transaction), as the API does."""
    if seeded.events.url != seeded.crm.url:
        pytest.skip("the tracker store is another database")
    with session_scope(seeded.crm) as session:
        assert isinstance(session, Session)
        page = list_conversations(session.connection(), session, tags=["became_lead"])
        messages = ConversationMessages(session.connection()).messages("conv-priya")
    assert ids(page) == ["conv-priya"] and len(messages) == 4
