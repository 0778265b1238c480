"""Rasa's REST channel (POST /webhooks/rest/webhook), for Parley's own callers only.

The body names the conversation, the channel and metadata, so whoever may call it could
speak as anyone: as an SMS number (`sms:+14155550100`) and give that number's consent, as a
Telegram chat, into a web visitor's conversation. So it speaks for no one:

- Rasa's API token is required, as on the rest of Rasa's API (`?token=` or
  `Authorization: Bearer`): the console's try-it, the benchmarks and the tests hold it, and
  the public proxy does not route it (deploy/nginx/).
- A conversation id of a verified channel (`sms:…`, `telegram:…`, `webchat-…`, anything with
  a colon) is refused with 400, so no REST call reaches such a conversation.
- The input channel is always `rest`, whatever the body says, and the body's metadata is
  dropped: a REST caller cannot claim a channel, a phone number or a page.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.api_token import Refused, check_token, provided_token
from bot.rasa_server import rasa_api_token
from bot.settings import get_settings

NAME = "rest"
# Ids of the REST channel's own conversations: never another channel's.
_SENDER = re.compile(r"(?!webchat-)[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}")


def sender_refusal(body: Any) -> str | None:
    """Why a REST message body cannot be served, or None."""
    if not isinstance(body, dict):
        return "the body must be a JSON object with a sender and a message"
    sender = body.get("sender")
    if not isinstance(sender, str) or not _SENDER.fullmatch(sender):
        return (
            "the sender must be 1-128 letters, digits or _ . @ + -, and not another channel's "
            "conversation id"
        )
    if not isinstance(body.get("message"), str):
        return "the message must be a string"
    return None


class TrustedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return NAME

    def __init__(self, token: str | None = None) -> None:
        self.token = token or rasa_api_token(get_settings())

    def _extract_input_channel(self, req: Request) -> str:
        return NAME

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def guard(request: Request) -> HTTPResponse | None:
            try:
                check_token(provided_token(request), self.token)
            except Refused as refused:
                return response.json({"error": str(refused)}, status=refused.status)
            if request.method != "POST":
                return None
            try:
                body = request.json
            except Exception:  # Sanic's own error for a body that is not JSON
                body = None
            refusal = sender_refusal(body)
            return response.json({"error": refusal}, status=400) if refusal else None

        return blueprint
