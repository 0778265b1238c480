"""Web chat: server-issued conversation ids, what a message request must hold, history."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.crm import make_engine
from channels.webchat import conversation_ids
from channels.webchat.history import chat_history
from channels.webchat.requests import BadRequest, parse_message

KEY = b"k" * 32


def test_an_issued_id_maps_to_a_stable_sender_and_forgeries_do_not() -> None:
    issued = conversation_ids.issue(KEY)
    sender = conversation_ids.sender_id(KEY, issued)
    assert sender is not None and sender.startswith("webchat-")
    assert conversation_ids.sender_id(KEY, issued) == sender
    assert conversation_ids.issue(KEY) != issued
    token, _, signature = issued.partition(".")
    for forged in (
        token,
        f"{token}.",
        f"{token}.{signature[:-2]}AA",
        f"someone-else.{signature}",
        None,
        "",
        "x" * 200,
    ):
        assert conversation_ids.sender_id(KEY, forged) is None
    assert conversation_ids.sender_id(b"another deployment" * 2, issued) is None


def test_a_message_keeps_only_http_urls_and_the_standard_utm_keys() -> None:
    message = parse_message(
        {
            "message_id": "0f8e4f5a-1d2c",
            "text": "  hi  ",
            "metadata": {
                "page_url": "https://acme.io/pricing?utm_source=x",
                "referrer": "javascript:alert(1)",
                "utm": {"utm_source": " google ", "utm_campaign": "spring", "gclid": "abc"},
                "trigger": "pricing-page",
            },
        }
    )
    assert message.text == "hi"
    assert message.source == {
        "page_url": "https://acme.io/pricing?utm_source=x",
        "utm_source": "google",
        "utm_campaign": "spring",
        "trigger": "pricing-page",
    }


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ([], "JSON object"),
        ({"text": "hi"}, "message_id"),
        ({"message_id": "short", "text": "hi"}, "message_id"),
        ({"message_id": "abcdefgh", "text": "   "}, "text"),
        ({"message_id": "abcdefgh", "text": "x" * 2001}, "at most 2000"),
        ({"message_id": "abcdefgh", "text": "hi", "metadata": "x"}, "metadata"),
        ({"message_id": "abcdefgh", "text": "hi", "metadata": {"utm": []}}, "utm"),
        ({"message_id": "abcdefgh", "text": "hi", "metadata": {"page_url": 5}}, "page_url"),
        ({"message_id": "abcdefgh", "text": "hi", "metadata": {"trigger": "<b>"}}, "trigger"),
        ({"message_id": "abcdefgh", "text": "hi", "metadata": {"trigger": 3}}, "trigger"),
    ],
)
def test_a_bad_request_says_what_is_wrong(body: object, reason: str) -> None:
    with pytest.raises(BadRequest, match=reason):
        parse_message(body)


async def test_history_reads_the_current_session_as_rasas_store_saved_it(
    tmp_path: Path,
) -> None:
    store = SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "tracker.db"))
    buttons = {"buttons": [{"title": "Yes", "payload": "yes"}]}
    tracker = DialogueStateTracker.from_events(
        "webchat-1",
        [
            SessionStarted(timestamp=100.0),
            UserUttered("an old visit", {"name": "greet"}, timestamp=101.0),
            BotUttered("Long ago", timestamp=102.0),
            SessionStarted(timestamp=200.0),
            ActionExecuted("action_listen", timestamp=200.5),
            UserUttered("hi", {"name": "greet"}, timestamp=201.0),
            BotUttered("Hello!", timestamp=202.0),
            BotUttered("Shall we?", buttons, timestamp=203.0),
            BotUttered("Sam here", metadata={"agent": "Sam"}, timestamp=204.0),
            ActionExecuted("action_listen", timestamp=205.0),
        ],
    )
    await store.save(tracker)
    engine = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")

    said = chat_history(engine, "webchat-1")
    assert [(m["sender"], m["text"], m.get("buttons"), m.get("agent")) for m in said] == [
        ("user", "hi", None, None),
        ("bot", "Hello!", None, None),
        ("bot", "Shall we?", [{"title": "Yes", "payload": "yes"}], None),
        ("bot", "Sam here", None, "Sam"),
    ]
    assert [m["text"] for m in chat_history(engine, "webchat-1", after=202.0)] == [
        "Shall we?",
        "Sam here",
    ]
    assert chat_history(engine, "webchat-2") == []
