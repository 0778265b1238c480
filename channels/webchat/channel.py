"""The web chat channel under /webhooks/webchat/: the widget's server side.

    GET  config         title, and the greeting, its delay and offer chosen for the visit
                        (bot.targeting: the page's path, UTM, referrer, visit count and
                        the conversation's lead's segments when the header names one);
                        the offer is recorded as offered and linked through the signed
                        click redirect (at most PARLEY_WEBCHAT_RATE_PER_MINUTE a minute
                        per address: beyond that it is served with its own address and
                        not counted, so a script cannot fill the table)
    POST conversations  a new server-issued conversation id (201)
    POST messages       one visitor message (X-Parley-Conversation header): the turn's
                        replies (200), or 202 when the turn outlasts the wait
    GET  history        the conversation so far, for a reloaded page
    GET  updates        while a sales rep is in the conversation (`live` in the answers):
                        the messages after `after`, waiting up to UPDATES_WAIT_S for one

The message goes through the shared pipeline (inbox, ordered processing); the request
waits for its own turn only as long as a visitor would look at a typing indicator.
CORS is Rasa's own (`rasa run --cors`, fed from PARLEY_WEBCHAT_ORIGINS by the stack).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import bootstrap
from bot.crm import read_scope, session_scope
from bot.crm.database import utcnow
from bot.crm.inbox import Claim
from bot.crm.queries import lead_segments
from bot.handoff.queue import is_live
from bot.settings import get_settings
from bot.targeting.offer_record import recorded_offer
from bot.targeting.opening import Opening, opening
from bot.targeting.visit import VISIT_KEYS, Visit
from channels.inbound import Inbound
from channels.outbound import GatedOutput, KeptOutput
from channels.pipeline import Pipeline
from channels.runtime import make_pipeline
from channels.webchat import conversation_ids
from channels.webchat.history import chat_history, reply
from channels.webchat.rate_limits import RateLimits
from channels.webchat.requests import BadRequest, parse_message

logger = logging.getLogger(__name__)
NAME = "webchat"
HEADER = "X-Parley-Conversation"
REPLY_WAIT_S = 20.0
UPDATES_WAIT_S = 25.0
UPDATES_EVERY_S = 1.0
RETRY_AFTER_S = 10


class WebChatOutput(KeptOutput):
    @classmethod
    def name(cls) -> str:
        return NAME


class WebChatInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return NAME

    def __init__(self) -> None:
        self.pipeline: Pipeline = make_pipeline(self)
        per_minute = get_settings().webchat_rate_per_minute
        self.new_conversations = RateLimits(per_minute)  # per client address
        self.messages = RateLimits(per_minute)  # per conversation
        self.offers_recorded = RateLimits(per_minute)  # per client address

    def output_for(self, claim: Claim) -> GatedOutput:
        return WebChatOutput(address=None)

    async def before_core(self, claim: Claim, output: GatedOutput) -> str | None:
        return str(claim.payload["text"])

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("webchat_webhook", __name__)
        self.pipeline.attach(blueprint, on_new_message)

        @blueprint.route("/config", methods=["GET"])
        async def config(request: Request) -> HTTPResponse:
            query = {key: request.args.get(key) for key in VISIT_KEYS}
            sender = _sender(request)
            chosen = await asyncio.to_thread(_opening, query, sender)
            if chosen.offer is not None and await self.offers_recorded.allow(_address(request)):
                chosen = await asyncio.to_thread(_recorded, chosen, sender)
            title = f"{get_settings().brand_name} assistant"
            return response.json({"title": title, **chosen.as_json()})

        @blueprint.route("/conversations", methods=["POST"])
        async def new_conversation(request: Request) -> HTTPResponse:
            if not await self.new_conversations.allow(_address(request)):
                return _too_many()
            issued = conversation_ids.issue(bootstrap.suppression_pepper())
            return response.json({"conversation_id": issued}, status=201)

        @blueprint.route("/messages", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            sender = _sender(request)
            if sender is None:
                return _error(403, "unknown conversation: start a new one")
            if not await self.messages.allow(sender):
                return _too_many()
            try:
                chat = parse_message(_json(request))
            except BadRequest as reason:
                return _error(400, str(reason))
            inbound = Inbound(
                channel=NAME,
                external_id=f"{sender}:{chat.message_id}",
                conversation_id=sender,
                text=chat.text,
                metadata={"source": {"channel": NAME, **chat.source}},
            )
            accepted = await self.pipeline.accept(inbound, wait=True)
            sent = await self.pipeline.replies(accepted, REPLY_WAIT_S)
            if sent is None:  # a duplicate, or a turn that outlasts the wait
                return response.json({"pending": True}, status=202)
            live = await asyncio.to_thread(_live, sender)
            return response.json({"replies": [reply(m) for m in sent], "live": live})

        @blueprint.route("/history", methods=["GET"])
        async def history(request: Request) -> HTTPResponse:
            sender = _sender(request)
            if sender is None:
                return _error(403, "unknown conversation: start a new one")
            tracker = await request.app.ctx.agent.tracker_store.retrieve(sender)
            live = await asyncio.to_thread(_live, sender)
            return response.json({"messages": chat_history(tracker), "live": live})

        @blueprint.route("/updates", methods=["GET"])
        async def updates(request: Request) -> HTTPResponse:
            sender = _sender(request)
            if sender is None:
                return _error(403, "unknown conversation: start a new one")
            try:
                after = float(request.args.get("after", "0"))
            except ValueError:
                return _error(400, "after: a timestamp (seconds since the epoch)")
            store = request.app.ctx.agent.tracker_store
            waited = 0.0
            while True:
                live = await asyncio.to_thread(_live, sender)
                history = chat_history(await store.retrieve(sender), after=after)
                messages = [m for m in history if m["sender"] == "bot"]
                if messages or not live or waited >= UPDATES_WAIT_S:
                    return response.json({"messages": messages, "live": live})
                await asyncio.sleep(UPDATES_EVERY_S)
                waited += UPDATES_EVERY_S

        return blueprint


def _default_opening() -> Opening:
    settings = get_settings()
    greeting = (
        f"Hi! I'm the {settings.brand_name} assistant. Looking for the right plan? I can help."
    )
    return Opening(greeting=greeting, delay_s=settings.webchat_greeting_delay_s)


def _opening(query: dict[str, Any], sender: str | None) -> Opening:
    """The greeting for this visit; the default one if the triggers cannot be read."""
    default = _default_opening()
    try:
        triggers, catalogue = bootstrap.triggers(), bootstrap.content()[0]
    except ValueError:
        logger.exception("the web chat's triggers do not load; using the default greeting")
        return default
    segments: list[str] = []
    if sender is not None and any(trigger.when.segments for trigger in triggers):
        with read_scope(bootstrap.crm_engine()) as session:
            segments = lead_segments(session, sender)
    visit = Visit.from_query(query, segments)
    return opening(triggers, catalogue, visit, default=default, today=utcnow().date())


def _recorded(chosen: Opening, sender: str | None) -> Opening:
    """The opening with its offer recorded and linked; as it was if that fails (the
    visitor still sees the offer, it just does not count)."""
    try:
        with session_scope(bootstrap.crm_engine()) as session:
            return recorded_offer(
                session,
                chosen,
                conversation_id=sender,
                links=bootstrap.content_links(),
                now=utcnow(),
            )
    except Exception:
        logger.exception("the opening offer could not be recorded; served unrecorded")
        return chosen


def _live(conversation_id: str) -> bool:
    with read_scope(bootstrap.crm_engine()) as session:
        return is_live(session, conversation_id, utcnow())


def _address(request: Request) -> str:
    return str(request.remote_addr or request.ip)


def _sender(request: Request) -> str | None:
    return conversation_ids.sender_id(bootstrap.suppression_pepper(), request.headers.get(HEADER))


def _json(request: Request) -> Any:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest("the body is not valid JSON") from error


def _error(status: int, reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=status)


def _too_many() -> HTTPResponse:
    answer = _error(429, "too many messages: wait a moment and try again")
    answer.headers["Retry-After"] = str(RETRY_AFTER_S)
    return answer
