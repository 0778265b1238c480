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

Its messages take the path of every channel's (`channels.pipeline`): recorded in the inbox,
run in their turn, and the request waits for its turn's replies, answered as Rasa's REST
channel answers them. A turn that outlasts the wait is answered 202 and still runs.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.api_token import Refused, check_token, provided_token
from bot.crm.inbox import Claim
from bot.rasa_server import rasa_api_token
from bot.settings import get_settings
from channels.inbound import Inbound
from channels.outbound import GatedOutput, KeptOutput
from channels.pipeline import Pipeline
from channels.runtime import make_pipeline

NAME = "rest"
# Ids of the REST channel's own conversations: never another channel's.
_SENDER = re.compile(r"(?!webchat-)[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}")
# Rasa's REST channel waits for the whole turn; a caller waits this long at most.
REPLY_WAIT_S = 90.0


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


class RestOutput(KeptOutput):
    @classmethod
    def name(cls) -> str:
        return NAME


class TrustedRestInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return NAME

    def __init__(self, token: str | None = None) -> None:
        self.token = token or rasa_api_token(get_settings())
        self.pipeline: Pipeline = make_pipeline(self)

    def output_for(self, claim: Claim) -> GatedOutput:
        return RestOutput(address=None)

    async def before_core(self, claim: Claim, output: GatedOutput) -> str | None:
        return str(claim.payload["text"])

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("rest_webhook", __name__)
        self.pipeline.attach(blueprint, on_new_message)

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

        @blueprint.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender, text = request.json["sender"], request.json["message"]
            inbound = Inbound(
                channel=NAME,
                external_id=f"{sender}:{uuid.uuid4().hex}",  # a REST call is never a redelivery
                conversation_id=sender,
                text=text,
            )
            row_id = await self.pipeline.accept(inbound)
            sent = None
            if row_id is not None:  # None: seen before, which a REST call never is
                answers = self.pipeline.answers
                sent = await answers.wait(row_id, REPLY_WAIT_S, scheduled_here=True)
            if sent is None:
                return response.json({"pending": True}, status=202)
            collector = CollectingOutputChannel()  # Rasa's REST answer, message by message
            for message in sent:
                await collector.send_response(sender, message)
            return response.json(collector.messages)

        return blueprint
