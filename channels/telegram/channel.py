"""The Telegram channel (python-telegram-bot) under /webhooks/telegram/webhook.

Check `X-Telegram-Bot-Api-Secret-Token` in constant time (403 otherwise), parse the update
with PTB, record it in the inbox by `update_id` (a re-sent update is acknowledged and
not processed again), answer 200 at once and process in the background. Private and
group chats are separate conversations (one per chat id). Button presses come back as
their payloads; a contact shared with "Share my phone number" becomes the phone answer.
Edited messages and other update types are acknowledged and left alone.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.crm.inbox import Claim
from bot.settings import get_settings
from channels.enabled import missing_settings
from channels.inbound import Inbound
from channels.outbound import GatedOutput
from channels.pipeline import Pipeline
from channels.runtime import make_pipeline
from channels.telegram.bot_client import (
    TelegramSendError,
    answer_callback,
    make_bot,
    send_message,
)
from channels.telegram.commands import SECRET_HEADER
from channels.telegram.render import render_message
from channels.telegram.updates import MalformedUpdate, TelegramInbound, parse_update

logger = logging.getLogger(__name__)

NAME = "telegram"
SEND_ATTEMPTS = 3
PROCESSED_KINDS = frozenset({"text", "button", "contact"})
# Telegram's own commands, in the words the dialogue core understands.
COMMANDS = {"/start": "hi", "/help": "what can you do?"}


class TelegramOutput(GatedOutput):
    """Replies to whoever writes to the bot; Telegram addresses are never suppressed, as
    a person can block the bot themselves (and opt-outs still reach the CRM)."""

    def __init__(self, address: str | None, bot: Any) -> None:
        super().__init__(address)
        self._bot = bot

    @classmethod
    def name(cls) -> str:
        return NAME

    async def deliver(self, recipient_id: str, message: dict[str, Any]) -> None:
        if self.address is None:
            return
        for part in render_message(message):
            await self._send(int(self.address), part)

    async def _send(self, chat_id: int, part: dict[str, Any]) -> None:
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                await send_message(self._bot, chat_id, part)
                return
            except TelegramSendError as error:
                if not error.retryable or attempt == SEND_ATTEMPTS:
                    # The turn itself is saved; running it again would repeat it.
                    logger.error("Telegram message to chat %s not sent: %s", chat_id, error)
                    return
                await asyncio.sleep(error.retry_after or 0.5 * 2**attempt)


class TelegramInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return NAME

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramInput:
        return cls()

    def __init__(self) -> None:
        settings = get_settings()
        missing = missing_settings(settings, f"{__name__}.TelegramInput")
        if missing:
            raise RuntimeError(f"the Telegram channel needs {', '.join(missing)}")
        self.secret = str(settings.telegram_webhook_secret)
        api_url = str(settings.telegram_api_url) if settings.telegram_api_url else None
        self.bot = make_bot(str(settings.telegram_bot_token), api_url)
        self.pipeline: Pipeline = make_pipeline(self)

    def output_for(self, claim: Claim) -> GatedOutput:
        return TelegramOutput(claim.payload.get("address"), self.bot)

    async def before_core(self, claim: Claim, output: GatedOutput) -> str | None:
        callback = claim.payload.get("callback_query_id")
        if callback:
            try:
                await answer_callback(self.bot, str(callback))
            except TelegramSendError as error:  # only the button's spinner is at stake
                logger.warning("Callback query not answered: %s", error)
        text = str(claim.payload["text"])
        return COMMANDS.get(text.strip().lower(), text)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("telegram_webhook", __name__)
        self.pipeline.attach(blueprint, on_new_message)

        @blueprint.listener("before_server_stop")
        async def _close(*_: Any) -> None:
            await self.bot.shutdown()

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            given = request.headers.get(SECRET_HEADER) or ""
            if not hmac.compare_digest(given.encode(), self.secret.encode()):
                return response.json({"error": f"invalid or missing {SECRET_HEADER}"}, 403)
            try:
                update = parse_update(request.body, self.bot)
            except MalformedUpdate as malformed:
                return response.json({"error": malformed.reason}, 400)
            if update.kind in PROCESSED_KINDS and update.text:
                await self.pipeline.accept(_inbound(update))
            else:
                logger.debug("Telegram update %s (%s) left alone", update.update_id, update.kind)
            return response.json({"ok": True})

        return blueprint


def _inbound(update: TelegramInbound) -> Inbound:
    source = {"channel": NAME, "chat_type": update.chat_type}
    return Inbound(
        channel=NAME,
        external_id=str(update.update_id),
        conversation_id=f"{NAME}:{update.chat_id}",
        text=update.text,
        address=str(update.chat_id),
        metadata={"source": source, "telegram_user_id": update.user_id},
        extra={"callback_query_id": update.callback_query_id},
    )
