"""The web chat's public side under /webhooks/webchat/, served by the ingress: the widget's
server side.

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

A message is recorded in the inbox (a resent one is recognised by its id and recorded
once), which wakes a Rasa server's web chat pickup (`channels.wakeup`); the Rasa server
runs the turn in its turn and keeps the replies with the row, and the request waits for
them (`channels.webchat.answers`) only as long as a visitor would look at a typing
indicator. A reloaded page reads the conversation from the tracker store
(`channels.webchat.history`). Origins other than PARLEY_WEBCHAT_ORIGINS and the API's
own get no CORS headers, so their pages' scripts cannot read the answers.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import bootstrap
from bot.crm import read_scope, session_scope
from bot.crm.database import utcnow
from bot.crm.queries import lead_segments
from bot.handoff.queue import is_live
from bot.settings import Settings
from bot.targeting.offer_record import recorded_offer
from bot.targeting.opening import Opening, opening
from bot.targeting.visit import VISIT_KEYS, Visit
from channels.answers import Answers
from channels.inbound import Inbound
from channels.recorder import Recorder
from channels.wakeup import Wakeup
from channels.webchat import conversation_ids
from channels.webchat.history import chat_history, reply
from channels.webchat.rate_limits import RateLimits
from channels.webchat.requests import BadRequest, parse_message

logger = logging.getLogger(__name__)
NAME = "webchat"  # the inbox channel, as the Rasa server's web chat channel names it
PREFIX = "/webhooks/webchat"
HEADER = "X-Parley-Conversation"
REPLY_WAIT_S = 20.0
UPDATES_WAIT_S = 25.0
UPDATES_EVERY_S = 1.0
RETRY_AFTER_S = 10


def webchat_blueprint(settings: Settings, recorder: Recorder, wakeup: Wakeup) -> Blueprint:
    """The routes; `recorder` writes the messages (and wakes the Rasa servers), `wakeup`
    brings the news of their replies."""
    blueprint = Blueprint("webchat", url_prefix=PREFIX)
    answers = Answers(wakeup)
    per_minute = settings.webchat_rate_per_minute
    new_conversations = RateLimits(per_minute)  # per client address
    messages = RateLimits(per_minute)  # per conversation
    offers_recorded = RateLimits(per_minute)  # per client address

    @blueprint.listener("after_server_start")
    async def _start(*_: Any) -> None:
        answers.start()

    @blueprint.listener("before_server_stop")
    async def _stop(*_: Any) -> None:
        await answers.stop()

    @blueprint.get("/config")
    async def config(request: Request) -> HTTPResponse:
        query = {key: request.args.get(key) for key in VISIT_KEYS}
        sender = _sender(request)
        chosen = await asyncio.to_thread(_opening, settings, query, sender)
        if chosen.offer is not None and await offers_recorded.allow(_address(request)):
            chosen = await asyncio.to_thread(_recorded, chosen, sender)
        title = f"{settings.brand_name} assistant"
        return response.json({"title": title, **chosen.as_json()})

    @blueprint.post("/conversations")
    async def new_conversation(request: Request) -> HTTPResponse:
        if not await new_conversations.allow(_address(request)):
            return _too_many()
        issued = conversation_ids.issue(bootstrap.suppression_pepper())
        return response.json({"conversation_id": issued}, status=201)

    @blueprint.post("/messages")
    async def message(request: Request) -> HTTPResponse:
        sender = _sender(request)
        if sender is None:
            return _error(403, "unknown conversation: start a new one")
        if not await messages.allow(sender):
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
        row_id = await recorder.record(inbound)
        if row_id is None:  # a resent message: its first request has the answer
            return response.json({"pending": True}, status=202)
        sent = await answers.wait(row_id, REPLY_WAIT_S)
        if sent is None:  # the turn outlasts the wait; the page reads it in the history
            return response.json({"pending": True}, status=202)
        live = await asyncio.to_thread(_live, sender)
        return response.json({"replies": [reply(m) for m in sent], "live": live})

    @blueprint.get("/history")
    async def history(request: Request) -> HTTPResponse:
        sender = _sender(request)
        if sender is None:
            return _error(403, "unknown conversation: start a new one")
        said = await asyncio.to_thread(_history, sender, None)
        live = await asyncio.to_thread(_live, sender)
        return response.json({"messages": said, "live": live})

    @blueprint.get("/updates")
    async def updates(request: Request) -> HTTPResponse:
        sender = _sender(request)
        if sender is None:
            return _error(403, "unknown conversation: start a new one")
        try:
            after = float(request.args.get("after", "0"))
        except ValueError:
            return _error(400, "after: a timestamp (seconds since the epoch)")
        waited = 0.0
        while True:
            live = await asyncio.to_thread(_live, sender)
            said = await asyncio.to_thread(_history, sender, after)
            from_bot = [m for m in said if m["sender"] == "bot"]
            if from_bot or not live or waited >= UPDATES_WAIT_S:
                return response.json({"messages": from_bot, "live": live})
            await asyncio.sleep(UPDATES_EVERY_S)
            waited += UPDATES_EVERY_S

    return blueprint


def _history(conversation_id: str, after: float | None) -> list[dict[str, Any]]:
    return chat_history(bootstrap.tracker_engine(), conversation_id, after=after)


def _default_opening(settings: Settings) -> Opening:
    greeting = (
        f"Hi! I'm the {settings.brand_name} assistant. Looking for the right plan? I can help."
    )
    return Opening(greeting=greeting, delay_s=settings.webchat_greeting_delay_s)


def _opening(settings: Settings, query: dict[str, Any], sender: str | None) -> Opening:
    """The greeting for this visit; the default one if the triggers cannot be read."""
    default = _default_opening(settings)
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
