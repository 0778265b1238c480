"""The Telegram channel (python-telegram-bot) in the Rasa server: the turns of the updates
the ingress recorded.

The ingress process serves the webhook (`channels.telegram.webhook`: secret, parsing, the
inbox, the acknowledgement); this channel serves no route. Its pipeline picks the recorded
messages up and processes them in the background. Button presses come back as their
payloads (their spinner is answered here); a contact shared with "Share my phone number"
becomes the phone answer; /start and /help become words the dialogue core understands.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint

from bot.crm.inbox import Claim
from bot.settings import get_settings
from channels.enabled import TELEGRAM, missing_settings
from channels.outbound import GatedOutput
from channels.pipeline import Pipeline
from channels.runtime import make_pipeline
from channels.telegram.bot_client import (
    TelegramSendError,
    answer_callback,
    make_bot,
    send_message,
)
from channels.telegram.render import render_message
from channels.telegram.webhook import NAME

logger = logging.getLogger(__name__)

SEND_ATTEMPTS = 3
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
        missing = missing_settings(settings, TELEGRAM)
        if missing:
            raise RuntimeError(f"the Telegram channel needs {', '.join(missing)}")
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
        """No route: the ingress serves the webhook; this runs the pipeline's pickup."""
        blueprint = Blueprint("telegram_webhook", __name__)
        self.pipeline.attach(blueprint, on_new_message)

        @blueprint.listener("before_server_stop")
        async def _close(*_: Any) -> None:
            await self.bot.shutdown()

        return blueprint
