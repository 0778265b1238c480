"""What a web chat message request must hold; a clear reason when it does not.

Page URL, referrer, UTM parameters and the name of the trigger whose greeting the
visitor saw (bot.targeting) become the conversation's metadata (the lead's source): only
http(s) URLs, the five standard UTM keys and a trigger's name are kept, each
length-capped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.targeting.triggers import is_name

MAX_TEXT = 2000
MAX_URL = 2048
MAX_UTM = 200
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
_MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


class BadRequest(ValueError):
    """The reason a request is refused (HTTP 400)."""


@dataclass(frozen=True)
class ChatMessage:
    message_id: str
    text: str
    source: dict[str, Any]


def _url(value: Any, name: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > MAX_URL:
        raise BadRequest(f"metadata.{name} must be a URL of at most {MAX_URL} characters")
    if urlsplit(value).scheme not in ("http", "https"):
        return None  # file:, about:blank and the like say nothing about the visit
    return value


def _utm(value: Any) -> dict[str, str]:
    if value in (None, {}):
        return {}
    if not isinstance(value, dict):
        raise BadRequest("metadata.utm must be an object")
    kept = {}
    for key in UTM_KEYS:
        item = value.get(key)
        if isinstance(item, str) and item.strip():
            kept[key] = item.strip()[:MAX_UTM]
    return kept


def _trigger(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not is_name(value):
        raise BadRequest("metadata.trigger must be a trigger's name (a-z, 0-9 and '-')")
    return value


def _source(metadata: Any) -> dict[str, Any]:
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise BadRequest("metadata must be an object")
    source: dict[str, Any] = {
        "page_url": _url(metadata.get("page_url"), "page_url"),
        "referrer": _url(metadata.get("referrer"), "referrer"),
        **_utm(metadata.get("utm")),
        "trigger": _trigger(metadata.get("trigger")),
    }
    return {key: value for key, value in source.items() if value}


def parse_message(body: Any) -> ChatMessage:
    """The message in a POST body, or BadRequest saying what is wrong with it."""
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    message_id, text = body.get("message_id"), body.get("text")
    if not isinstance(message_id, str) or not _MESSAGE_ID.fullmatch(message_id):
        raise BadRequest("message_id must be 8-64 letters, digits, '-' or '_'")
    if not isinstance(text, str) or not text.strip():
        raise BadRequest("text must be a non-empty string")
    if len(text) > MAX_TEXT:
        raise BadRequest(f"text must be at most {MAX_TEXT} characters")
    return ChatMessage(message_id, text.strip(), _source(body.get("metadata")))
