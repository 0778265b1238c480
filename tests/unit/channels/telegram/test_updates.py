"""Webhook bodies → TelegramInbound: every kind, group commands and malformed bodies."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from telegram import Update

from channels.telegram.updates import (
    NO_CHAT_ID,
    MalformedUpdate,
    TelegramInbound,
    parse_update,
)
from tests.fakes.telegram_updates import (
    callback_update,
    channel_post_update,
    contact_update,
    edited_update,
    my_chat_member_update,
    sticker_update,
    text_update,
)

CHAT = 5550001
USER = 5550001


def test_a_private_text_message_is_text() -> None:
    inbound = parse_update(text_update(10, CHAT, USER, "How much is the Pro plan?"))

    assert inbound == TelegramInbound(
        update_id=10,
        chat_id=CHAT,
        chat_type="private",
        user_id=USER,
        text="How much is the Pro plan?",
        kind="text",
        callback_query_id=None,
        message_id=10,
        language_code="en",
    )


def test_start_comes_through_as_text() -> None:
    assert parse_update(text_update(11, CHAT, USER, "/start")).text == "/start"


@pytest.mark.parametrize(
    ("text", "bot_username", "expected"),
    [
        ("/start@ParleyBot", "ParleyBot", "/start"),
        ("/start@parleybot", "ParleyBot", "/start"),
        ("/start@ParleyBot campaign_42", "ParleyBot", "/start campaign_42"),
        ("/start@ParleyBot", None, "/start"),
        ("/start@ParleyBot", "@ParleyBot", "/start"),
        ("/pricing", "ParleyBot", "/pricing"),
        ("mail me at ada@example.com", "ParleyBot", "mail me at ada@example.com"),
    ],
)
def test_group_commands_lose_the_bot_username(
    text: str, bot_username: str | None, expected: str
) -> None:
    update = text_update(12, -100123, USER, text, chat_type="supergroup")

    inbound = parse_update(update, bot_username=bot_username)

    assert (inbound.kind, inbound.text, inbound.chat_type) == ("text", expected, "supergroup")


def test_a_command_for_another_bot_is_unsupported() -> None:
    update = text_update(13, -4001, USER, "/start@OtherBot", chat_type="group")

    inbound = parse_update(update, bot_username="ParleyBot")

    assert (inbound.kind, inbound.text, inbound.chat_type) == ("unsupported", "", "group")


def test_a_button_press_carries_its_payload() -> None:
    update = callback_update(14, CHAT, USER, '/choose_plan{"plan":"pro"}', message_id=7)

    inbound = parse_update(update)

    assert inbound.kind == "button"
    assert inbound.text == '/choose_plan{"plan":"pro"}'
    assert inbound.callback_query_id == update["callback_query"]["id"]
    assert (inbound.chat_id, inbound.message_id, inbound.user_id) == (CHAT, 7, USER)


def test_a_callback_without_data_is_unsupported_but_keeps_its_query_id() -> None:
    update = callback_update(15, CHAT, USER, "x", message_id=7)
    del update["callback_query"]["data"]
    update["callback_query"]["game_short_name"] = "quiz"

    inbound = parse_update(update)

    assert (inbound.kind, inbound.text) == ("unsupported", "")
    assert inbound.callback_query_id == update["callback_query"]["id"]


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("447700900123", "+447700900123"),
        ("+447700900123", "+447700900123"),
        ("+1 555 0100", "+15550100"),
    ],
)
def test_sharing_your_own_number_is_a_contact_in_e164(phone: str, expected: str) -> None:
    inbound = parse_update(contact_update(16, CHAT, USER, phone))

    assert (inbound.kind, inbound.text) == ("contact", expected)


def test_someone_elses_contact_card_is_unsupported() -> None:
    inbound = parse_update(contact_update(17, CHAT, USER, "447700900999", contact_user_id=999))

    assert (inbound.kind, inbound.text) == ("unsupported", "")


def test_a_contact_without_a_telegram_account_is_unsupported() -> None:
    update = contact_update(18, CHAT, USER, "447700900999", has_telegram_account=False)

    assert parse_update(update).kind == "unsupported"


def test_an_edited_message_is_edited_with_its_new_text() -> None:
    inbound = parse_update(edited_update(19, CHAT, USER, "Actually, 50 seats", message_id=3))

    assert (inbound.kind, inbound.text, inbound.message_id) == ("edited", "Actually, 50 seats", 3)


@pytest.mark.parametrize(
    "update",
    [
        sticker_update(20, CHAT, USER),
        channel_post_update(21, -100777, "Our spring offer"),
        my_chat_member_update(22, CHAT, USER),
        {
            "update_id": 23,
            "poll_answer": {
                "poll_id": "1",
                "user": {"id": USER, "is_bot": False, "first_name": "Ada"},
                "option_ids": [0],
                "option_persistent_ids": ["opt-0"],
            },
        },
        {"update_id": 24, "some_future_update_type": {"id": 1}},
    ],
    ids=["sticker", "channel_post", "my_chat_member", "poll_answer", "unknown"],
)
def test_everything_else_is_unsupported_with_empty_text(update: dict[str, Any]) -> None:
    inbound = parse_update(update)

    assert (inbound.kind, inbound.text) == ("unsupported", "")
    assert inbound.update_id == update["update_id"]


def test_a_channel_post_has_a_chat_but_no_user() -> None:
    inbound = parse_update(channel_post_update(25, -100777, "Our spring offer"))

    assert (inbound.chat_id, inbound.chat_type, inbound.user_id) == (-100777, "channel", None)


def test_an_update_without_a_chat_says_so() -> None:
    inbound = parse_update({"update_id": 26, "some_future_update_type": {}})

    assert (inbound.chat_id, inbound.chat_type, inbound.user_id) == (NO_CHAT_ID, "none", None)


def test_json_bytes_are_parsed_too() -> None:
    body = json.dumps(text_update(27, CHAT, USER, "hi")).encode()

    assert parse_update(body).text == "hi"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ([1, 2], "JSON object"),
        ("not json", "not JSON"),
        (b"\xff", "not JSON"),
        ({"message": {}}, "update_id"),
        ({"update_id": "5"}, "update_id"),
        ({"update_id": True}, "update_id"),
        ({"update_id": 5, "message": "hello"}, "not a Telegram Update"),
        (
            {"update_id": 5, "message": {"message_id": 1, "chat": {"id": 1, "type": "private"}}},
            "not a Telegram Update",
        ),
    ],
)
def test_malformed_bodies_raise_with_a_reason(body: object, reason: str) -> None:
    with pytest.raises(MalformedUpdate) as raised:
        parse_update(body)

    assert reason in raised.value.reason


def test_the_inbound_message_is_frozen() -> None:
    inbound = parse_update(text_update(28, CHAT, USER, "hi"))

    with pytest.raises(dataclasses.FrozenInstanceError):
        inbound.text = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    "update",
    [
        text_update(29, CHAT, USER, "/start@ParleyBot", chat_type="group"),
        callback_update(30, CHAT, USER, "/affirm", message_id=2),
        contact_update(31, CHAT, USER, "447700900123"),
        edited_update(32, CHAT, USER, "typo fixed"),
    ],
)
def test_ptb_to_dict_round_trips(update: dict[str, Any]) -> None:
    # `parley telegram poll` forwards `Update.to_dict()`, not Telegram's bytes.
    forwarded = json.loads(json.dumps(Update.de_json(update, None).to_dict()))

    assert parse_update(forwarded) == parse_update(update)
