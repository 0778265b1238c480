"""Rasa bot messages rendered as keyword arguments for PTB's `Bot.send_message`.

Telegram's limits shape the output: text is at most 4096 characters (longer text is
split at paragraph, line, sentence or word boundaries, keyboard on the last part), a
message has one `reply_markup`, and a button's callback_data is 1–64 bytes. Text is
HTML-escaped and sent with parse_mode HTML, so whatever a response or a user's echoed
answer contains is shown literally, never interpreted as markup.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Mapping
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit, ParseMode

logger = logging.getLogger(__name__)

Keyboard = InlineKeyboardMarkup | ReplyKeyboardMarkup

PHONE_QUESTION = "utter_ask_phone"
SHARE_PHONE_LABEL = "Share my phone number"
# Telegram refuses a message without text; a buttons-only response still needs some.
BUTTONS_ONLY_TEXT = "Please choose:"

TEXT_LIMIT = int(MessageLimit.MAX_TEXT_LENGTH)
CALLBACK_DATA_LIMIT = int(InlineKeyboardButtonLimit.MAX_CALLBACK_DATA)

# Cut points, best first: paragraph, line, sentence end, any whitespace.
_BOUNDARIES = (
    re.compile(r"\n\s*\n"),
    re.compile(r"\n"),
    re.compile(r"[.!?…]\s"),
    re.compile(r"\s"),
)


def render_message(message: Mapping[str, Any]) -> list[dict[str, Any]]:
    """`send_message` keyword arguments (all but chat_id), one dict per message to send.

    Reads "text", "buttons" / "quick_replies" ([{"title", "payload"}]) and
    "utter_action"; an empty list means there is nothing Telegram can show.
    """
    text = str(message.get("text") or "").strip()
    buttons = [
        button
        for button in [*(message.get("buttons") or []), *(message.get("quick_replies") or [])]
        if str(button.get("title") or "").strip()
    ]
    markup: Keyboard | None = None
    if message.get("utter_action") == PHONE_QUESTION:
        # One reply_markup per message: the contact button wins, other options become text.
        text = "\n".join([text, *(f"• {button['title']}" for button in buttons)]).strip()
        markup = ReplyKeyboardMarkup(
            [[KeyboardButton(SHARE_PHONE_LABEL, request_contact=True)]],
            one_time_keyboard=True,
            resize_keyboard=True,
        )
    elif buttons:
        markup = _keyboard(buttons)
        text = text or BUTTONS_ONLY_TEXT
    if not text:
        return []
    parts: list[dict[str, Any]] = [
        {"text": html.escape(part), "parse_mode": ParseMode.HTML} for part in split_text(text)
    ]
    if markup is not None:
        parts[-1]["reply_markup"] = markup
    return parts


def _keyboard(buttons: list[Mapping[str, Any]]) -> Keyboard:
    payloads = [str(button.get("payload") or "") for button in buttons]
    too_long = [p for p in payloads if not 1 <= len(p.encode()) <= CALLBACK_DATA_LIMIT]
    if not too_long:
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(str(b["title"]), callback_data=p)]
                for b, p in zip(buttons, payloads, strict=True)
            ]
        )
    # Pressing a reply-keyboard button sends its title as text, which NLU then reads.
    logger.warning(
        "Telegram callback_data must be 1-%d bytes; sending buttons as reply-keyboard titles "
        "instead (payloads %r)",
        CALLBACK_DATA_LIMIT,
        too_long,
    )
    return ReplyKeyboardMarkup(
        [[KeyboardButton(str(button["title"]))] for button in buttons],
        one_time_keyboard=True,
        resize_keyboard=True,
    )


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """`text` in parts of at most `limit` characters, cut at the most natural boundary."""
    parts: list[str] = []
    rest = text.strip()
    while _length(rest) > limit:
        window = _prefix(rest, limit)
        cut = _cut_point(window)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _cut_point(window: str) -> int:
    # A boundary in the window's first half would leave tiny parts; a hard cut is better.
    for boundary in _BOUNDARIES:
        ends = [match.end() for match in boundary.finditer(window)]
        if ends and ends[-1] > len(window) // 2:
            return ends[-1]
    return len(window)


def _length(text: str) -> int:
    # Telegram counts UTF-16 code units: an emoji outside the BMP counts twice.
    return len(text.encode("utf-16-le")) // 2


def _prefix(text: str, limit: int) -> str:
    """The longest prefix of `text` no longer than `limit` UTF-16 units."""
    window = text[:limit]
    while _length(window) > limit:
        window = window[: -max(1, (_length(window) - limit) // 2)]
    return window
