"""Web chat: server-issued conversation ids, what a message request must hold, history."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

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


def test_history_lists_visitor_and_bot_messages_with_buttons() -> None:
    tracker = DialogueStateTracker.from_events(
        "webchat-1",
        [
            ActionExecuted("action_listen"),
            UserUttered("hi", {"name": "greet"}),
            BotUttered("Hello!"),
            BotUttered("Shall we?", {"buttons": [{"title": "Yes", "payload": "yes"}]}),
            ActionExecuted("action_listen"),
        ],
    )
    assert [(m["sender"], m["text"], m.get("buttons")) for m in chat_history(tracker)] == [
        ("user", "hi", None),
        ("bot", "Hello!", None),
        ("bot", "Shall we?", [{"title": "Yes", "payload": "yes"}]),
    ]
    assert chat_history(None) == []
