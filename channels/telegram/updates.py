"""Telegram webhook bodies, parsed into the one inbound shape the channel handles.

`parse_update` reads an Update with python-telegram-bot's own parser and reduces it to a
`TelegramInbound`: what was said (`text`), how (`kind`) and where to answer (`chat_id`).
Anything Parley cannot hold a conversation about (photos, stickers, channel posts,
membership changes, polls, …) comes back as kind "unsupported" with empty text, never as
an error: Telegram would otherwise retry it. Only a body that is not an Update at all
raises `MalformedUpdate`, which the channel answers with HTTP 400.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any, Literal

from telegram import Bot, Message, Update

InboundKind = Literal["text", "button", "contact", "edited", "unsupported"]

# Updates without a chat (inline queries, polls, …) have nowhere to reply to.
NO_CHAT_ID = 0
NO_CHAT_TYPE = "none"

# "/start@ParleyBot rest": Telegram's command syntax in groups, where bots share a chat.
_ADDRESSED_COMMAND = re.compile(r"^(/[A-Za-z0-9_]+)@([A-Za-z0-9_]+)(?=\s|$)")


class MalformedUpdate(ValueError):
    """The body is not a Telegram Update; `reason` says why (for the HTTP 400 answer)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TelegramInbound:
    """One update as the channel sees it; `text` is "" unless kind is text/button/contact/edited."""

    update_id: int
    chat_id: int
    chat_type: str
    user_id: int | None
    text: str
    kind: InboundKind
    callback_query_id: str | None = None
    message_id: int | None = None
    language_code: str | None = None


def parse_update(
    body: object, bot: Bot | None = None, *, bot_username: str | None = None
) -> TelegramInbound:
    """Parse a webhook body (a dict, or its JSON bytes/str) into a `TelegramInbound`.

    `bot` is handed to PTB so parsed objects carry it; `bot_username` (without "@") lets
    a group command addressed to another bot be told apart from one addressed to Parley.
    """
    data = _as_object(body)
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise MalformedUpdate("update_id must be an integer")
    try:
        update = Update.de_json(data, bot)
    except Exception as error:  # PTB raises whatever the bad field provokes
        raise MalformedUpdate(f"not a Telegram Update: {error!r}") from error
    return _inbound(update, bot_username)


def _as_object(body: object) -> dict[str, Any]:
    if isinstance(body, bytes | bytearray | str):
        try:
            body = json.loads(body)
        except ValueError as error:
            raise MalformedUpdate(f"body is not JSON: {error}") from error
    if not isinstance(body, dict):
        raise MalformedUpdate("body must be a JSON object")
    return body


def _inbound(update: Update, bot_username: str | None) -> TelegramInbound:
    chat = update.effective_chat
    user = update.effective_user
    base = TelegramInbound(
        update_id=update.update_id,
        chat_id=chat.id if chat else NO_CHAT_ID,
        chat_type=str(chat.type) if chat else NO_CHAT_TYPE,
        user_id=user.id if user else None,
        text="",
        kind="unsupported",
        language_code=user.language_code if user else None,
    )
    if update.callback_query is not None:
        query = update.callback_query
        message_id = query.message.message_id if query.message else None
        fields: dict[str, Any] = {"callback_query_id": query.id, "message_id": message_id}
        if query.data and query.message is not None:
            fields.update(kind="button", text=query.data)
        return replace(base, **fields)
    if update.edited_message is not None:
        edited = update.edited_message
        return replace(base, kind="edited", text=edited.text or "", message_id=edited.message_id)
    if update.message is None:
        return base  # channel posts, membership changes, polls, …
    message = update.message
    base = replace(base, message_id=message.message_id)
    if message.text is not None:
        return _text(base, message.text, bot_username)
    if message.contact is not None:
        return _own_contact(base, message)
    return base


def _text(base: TelegramInbound, text: str, bot_username: str | None) -> TelegramInbound:
    addressed = _ADDRESSED_COMMAND.match(text)
    if addressed is None:
        return replace(base, kind="text", text=text)
    command, username = addressed.groups()
    if bot_username is not None and username.lower() != bot_username.lstrip("@").lower():
        return base  # meant for another bot in the same group
    return replace(base, kind="text", text=command + text[addressed.end() :])


def _own_contact(base: TelegramInbound, message: Message) -> TelegramInbound:
    contact = message.contact
    sender = message.from_user
    # Only a user's own number is consent to contact them; a forwarded card is someone else's.
    if contact is None or sender is None or contact.user_id != sender.id:
        return base
    digits = re.sub(r"\D", "", contact.phone_number)
    if not digits:
        return base
    # Telegram sends the number with or without "+"; E.164 always has it.
    return replace(base, kind="contact", text=f"+{digits}")
