"""Telegram Update bodies shaped exactly as Telegram sends them to a webhook or getUpdates.

Field names, nesting and optional fields follow https://core.telegram.org/bots/api#update
(`from`, not `from_user`; `date` in Unix seconds; private chats carry the user's names,
groups a title). Message ids default to the update id so each builder call stands alone.
"""

from __future__ import annotations

from typing import Any

from tests.fakes.telegram_api import BOT_USERNAME, TOKEN

BOT_ID = int(TOKEN.split(":")[0])
DATE = 1_767_225_600  # 2026-01-01T00:00:00Z


def user(user_id: int, *, language_code: str | None = "en") -> dict[str, Any]:
    person: dict[str, Any] = {
        "id": user_id,
        "is_bot": False,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "username": f"ada{user_id}",
    }
    if language_code:
        person["language_code"] = language_code
    return person


def bot_user() -> dict[str, Any]:
    return {"id": BOT_ID, "is_bot": True, "first_name": "Parley", "username": BOT_USERNAME}


def chat(chat_id: int, chat_type: str = "private") -> dict[str, Any]:
    if chat_type == "private":
        return {
            "id": chat_id,
            "first_name": "Ada",
            "last_name": "Lovelace",
            "username": f"ada{chat_id}",
            "type": "private",
        }
    if chat_type == "channel":
        return {"id": chat_id, "title": "Parley news", "username": "parleynews", "type": "channel"}
    return {"id": chat_id, "title": "Parley testers", "type": chat_type}


def message(
    message_id: int, chat_id: int, user_id: int, chat_type: str = "private", **content: Any
) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "from": user(user_id),
        "chat": chat(chat_id, chat_type),
        "date": DATE,
        **content,
    }


def _text_content(text: str) -> dict[str, Any]:
    content: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        command = text.split()[0]
        content["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
    return content


def text_update(
    update_id: int, chat_id: int, user_id: int, text: str, chat_type: str = "private"
) -> dict[str, Any]:
    body = message(update_id, chat_id, user_id, chat_type, **_text_content(text))
    return {"update_id": update_id, "message": body}


def callback_update(
    update_id: int, chat_id: int, user_id: int, data: str, message_id: int
) -> dict[str, Any]:
    """A press on an inline button under the bot's message `message_id`."""
    keyboard_message = {
        "message_id": message_id,
        "from": bot_user(),
        "chat": chat(chat_id),
        "date": DATE - 30,
        "text": "Which plan are you interested in?",
        "reply_markup": {"inline_keyboard": [[{"text": "That one", "callback_data": data}]]},
    }
    query = {
        "id": f"{user_id}{update_id:08d}",
        "from": user(user_id),
        "message": keyboard_message,
        "chat_instance": "-6023497129842394011",
        "data": data,
    }
    return {"update_id": update_id, "callback_query": query}


def contact_update(
    update_id: int,
    chat_id: int,
    user_id: int,
    phone: str,
    contact_user_id: int | None = None,
    *,
    has_telegram_account: bool = True,
) -> dict[str, Any]:
    """A shared contact card: the sender's own unless `contact_user_id` says otherwise."""
    contact: dict[str, Any] = {"phone_number": phone, "first_name": "Ada", "last_name": "Lovelace"}
    if has_telegram_account:
        contact["user_id"] = user_id if contact_user_id is None else contact_user_id
    body = message(update_id, chat_id, user_id, contact=contact)
    return {"update_id": update_id, "message": body}


def edited_update(
    update_id: int, chat_id: int, user_id: int, text: str, message_id: int | None = None
) -> dict[str, Any]:
    body = message(message_id or update_id, chat_id, user_id, text=text, edit_date=DATE + 60)
    return {"update_id": update_id, "edited_message": body}


def sticker_update(update_id: int, chat_id: int, user_id: int) -> dict[str, Any]:
    thumbnail = {
        "file_id": "AAMCAgADGQEAAQ",
        "file_unique_id": "AQADvA0AAk",
        "file_size": 5416,
        "width": 128,
        "height": 128,
    }
    sticker = {
        "width": 512,
        "height": 512,
        "emoji": "👍",
        "set_name": "HotCherry",
        "is_animated": False,
        "is_video": False,
        "type": "regular",
        "thumbnail": thumbnail,
        "thumb": thumbnail,
        "file_id": "CAACAgIAAxkBAAEBsticker",
        "file_unique_id": "AgADvA0AAk",
        "file_size": 23412,
    }
    return {
        "update_id": update_id,
        "message": message(update_id, chat_id, user_id, sticker=sticker),
    }


def channel_post_update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    post = {
        "message_id": update_id,
        "sender_chat": chat(chat_id, "channel"),
        "chat": chat(chat_id, "channel"),
        "date": DATE,
        "text": text,
    }
    return {"update_id": update_id, "channel_post": post}


def my_chat_member_update(update_id: int, chat_id: int, user_id: int) -> dict[str, Any]:
    """The user blocked the bot (Telegram's notice of it)."""
    member = {
        "chat": chat(chat_id),
        "from": user(user_id),
        "date": DATE,
        "old_chat_member": {"user": bot_user(), "status": "member"},
        "new_chat_member": {"user": bot_user(), "status": "kicked", "until_date": 0},
    }
    return {"update_id": update_id, "my_chat_member": member}
