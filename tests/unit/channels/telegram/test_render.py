"""Rasa bot messages → send_message arguments, checked in memory and against the fake API."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import Bot, InlineKeyboardMarkup, ReplyKeyboardMarkup
from telegram.constants import ParseMode

from channels.telegram.bot_client import make_bot
from channels.telegram.render import (
    BUTTONS_ONLY_TEXT,
    PHONE_QUESTION,
    SHARE_PHONE_LABEL,
    TEXT_LIMIT,
    render_message,
    split_text,
)
from tests.fakes.telegram_api import TOKEN, FakeTelegramApi

XSS = "<img src=x onerror=alert(1)>"
PLANS = [{"title": "Starter", "payload": "/choose_plan"}, {"title": "Pro", "payload": "/pro"}]


@pytest.fixture
def api() -> Iterator[FakeTelegramApi]:
    with FakeTelegramApi(TOKEN) as fake:
        yield fake


@pytest.fixture
async def bot(api: FakeTelegramApi) -> AsyncIterator[Bot]:
    async with make_bot(TOKEN, api.url) as telegram_bot:
        yield telegram_bot


def test_text_is_html_escaped() -> None:
    [part] = render_message({"text": f"Hi {XSS} & welcome"})

    assert part == {
        "text": "Hi &lt;img src=x onerror=alert(1)&gt; &amp; welcome",
        "parse_mode": ParseMode.HTML,
    }


async def test_telegram_shows_markup_literally(bot: Bot) -> None:
    [part] = render_message({"text": f"Hi {XSS} & <b>not bold</b>"})

    sent = await bot.send_message(chat_id=42, **part)

    assert sent.text == f"Hi {XSS} & <b>not bold</b>"


def test_buttons_become_an_inline_keyboard_one_per_row() -> None:
    [part] = render_message({"text": "Which plan?", "buttons": PLANS})

    markup = part["reply_markup"]
    assert isinstance(markup, InlineKeyboardMarkup)
    assert [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard] == [
        [("Starter", "/choose_plan")],
        [("Pro", "/pro")],
    ]


def test_quick_replies_are_buttons_too() -> None:
    [part] = render_message(
        {"text": "Ready?", "quick_replies": [{"title": "Yes", "payload": "/affirm"}]}
    )

    assert part["reply_markup"].inline_keyboard[0][0].callback_data == "/affirm"


def test_buttons_without_text_get_a_prompt() -> None:
    [part] = render_message({"buttons": PLANS})

    assert part["text"] == BUTTONS_ONLY_TEXT


def test_a_message_with_nothing_to_show_renders_nothing() -> None:
    assert render_message({"text": "  ", "image": "https://example.com/x.png"}) == []


async def test_a_64_byte_payload_stays_inline(bot: Bot, api: FakeTelegramApi) -> None:
    payload = '/choose_plan{"plan":"' + "p" * 41 + '"}'
    assert len(payload.encode()) == 64

    [part] = render_message({"text": "Plan?", "buttons": [{"title": "P", "payload": payload}]})
    await bot.send_message(chat_id=42, **part)

    assert api.calls("sendMessage")[0]["reply_markup"]["inline_keyboard"][0][0] == {
        "text": "P",
        "callback_data": payload,
    }


@pytest.mark.parametrize(
    "long_payload",
    ['/inform{"company":"' + "x" * 60 + '"}', "/inform" + "é" * 30, ""],
    ids=["ascii-over-64", "multibyte-over-64-bytes", "empty"],
)
async def test_a_payload_telegram_cannot_carry_falls_back_to_reply_keyboard_titles(
    bot: Bot, long_payload: str, caplog: pytest.LogCaptureFixture
) -> None:
    buttons = [{"title": "Short", "payload": "/affirm"}, {"title": "Long", "payload": long_payload}]

    with caplog.at_level(logging.WARNING):
        [part] = render_message({"text": "Pick one", "buttons": buttons})
    await bot.send_message(chat_id=42, **part)  # Telegram accepts it

    markup = part["reply_markup"]
    assert isinstance(markup, ReplyKeyboardMarkup)
    assert [[b.text for b in row] for row in markup.keyboard] == [["Short"], ["Long"]]
    assert markup.one_time_keyboard is True
    assert "callback_data" in caplog.text


def test_the_phone_question_offers_a_share_contact_button() -> None:
    [part] = render_message({"text": "What number can we call?", "utter_action": PHONE_QUESTION})

    markup = part["reply_markup"]
    assert isinstance(markup, ReplyKeyboardMarkup)
    [[button]] = markup.keyboard
    assert (button.text, button.request_contact) == (SHARE_PHONE_LABEL, True)
    assert (markup.one_time_keyboard, markup.resize_keyboard) == (True, True)


def test_the_phone_question_keeps_the_contact_keyboard_and_lists_its_options() -> None:
    message = {
        "text": "What number can we call?",
        "buttons": [{"title": "I'd rather not say", "payload": "/deny"}],
        "utter_action": PHONE_QUESTION,
    }

    [part] = render_message(message)

    assert part["text"] == "What number can we call?\n• I&#x27;d rather not say"
    assert part["reply_markup"].keyboard[0][0].request_contact is True


def test_other_responses_get_no_contact_keyboard() -> None:
    [part] = render_message({"text": "Thanks!", "utter_action": "utter_thanks"})

    assert "reply_markup" not in part


async def test_long_text_is_split_with_the_keyboard_on_the_last_part(
    bot: Bot, api: FakeTelegramApi
) -> None:
    paragraph = "Our plans scale with your team. " * 40  # ~1280 characters
    text = "\n\n".join([paragraph.strip()] * 8)

    parts = render_message({"text": text, "buttons": PLANS})
    for part in parts:
        await bot.send_message(chat_id=42, **part)

    assert len(parts) == 3
    assert all("reply_markup" not in part for part in parts[:-1])
    assert isinstance(parts[-1]["reply_markup"], InlineKeyboardMarkup)
    assert all(part["text"].endswith("team.") for part in parts)
    assert len(api.calls("sendMessage")) == 3


async def test_escaping_does_not_count_against_the_limit(bot: Bot) -> None:
    [part] = render_message({"text": "&" * TEXT_LIMIT})

    sent = await bot.send_message(chat_id=42, **part)

    assert sent.text == "&" * TEXT_LIMIT


def test_split_prefers_paragraphs_then_sentences() -> None:
    text = "First part. Second sentence here.\n\nThird paragraph."

    assert split_text(text, limit=40) == ["First part. Second sentence here.", "Third paragraph."]
    assert split_text("Alpha beta gamma. Delta epsilon.", limit=25) == [
        "Alpha beta gamma.",
        "Delta epsilon.",
    ]


def test_split_ignores_a_boundary_that_would_leave_a_tiny_part() -> None:
    assert split_text("One. Two three four.", limit=12) == ["One. Two", "three four."]


def test_split_cuts_hard_when_there_is_no_boundary() -> None:
    assert split_text("x" * 25, limit=10) == ["x" * 10, "x" * 10, "x" * 5]


def test_split_counts_utf16_units_like_telegram() -> None:
    parts = split_text("😀" * 3000)  # each emoji is two UTF-16 units

    assert [len(part) for part in parts] == [2048, 952]
