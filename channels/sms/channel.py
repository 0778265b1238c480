"""The SMS channel (Twilio) in the Rasa server: the turns of the messages the ingress
recorded.

The ingress process serves the webhook (`channels.sms.webhook`: signature, parsing, the
inbox, the acknowledgement); this channel serves no route. Its pipeline picks the recorded
messages up and processes them in the background: carrier keywords first, a numbered
reply mapped back to the button offered, then the dialogue core. Replies go out through
Twilio's REST API, split into single SMS segments, buttons as numbers.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.core.events import BotUttered
from sanic import Blueprint

from bot.consent.keywords import classify_keyword, is_yes
from bot.crm.inbox import Claim
from bot.settings import get_settings
from channels.enabled import SMS, missing_settings
from channels.outbound import COMPLIANCE, GatedOutput
from channels.pipeline import Pipeline
from channels.runtime import make_pipeline
from channels.sms.compliance import (
    confirm_by_text,
    confirmed_reply,
    keyword_reply,
    record_keyword,
)
from channels.sms.options import choose_option, numbered_options
from channels.sms.segments import split_for_sms
from channels.sms.twilio_sender import SmsSendError, TwilioSender
from channels.sms.webhook import NAME, is_e164

logger = logging.getLogger(__name__)
# The SDK logs every request with its headers at INFO: far too much for a reply storm.
logging.getLogger("twilio").setLevel(logging.WARNING)

SEND_ATTEMPTS = 3
_NUMBER = re.compile(r"\W*\d{1,2}\W*")  # what might pick a numbered option


class SmsOutput(GatedOutput):
    suppression_kind = "phone"

    def __init__(self, address: str | None, sender: TwilioSender) -> None:
        super().__init__(address)
        self._sender = sender

    @classmethod
    def name(cls) -> str:
        return NAME

    async def deliver(self, recipient_id: str, message: dict[str, Any]) -> None:
        text = str(message.get("text") or "")
        buttons = message.get("buttons") or message.get("quick_replies")
        if buttons:
            text = numbered_options(text, buttons)
        for part in split_for_sms(text):
            await self._send(part)

    async def _send(self, body: str) -> None:
        if self.address is None:
            return
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                await self._sender.send(self.address, body)
                return
            except SmsSendError as error:
                if not error.retryable or attempt == SEND_ATTEMPTS:
                    # The turn itself is saved; running it again would repeat it.
                    logger.error("SMS to %s not sent: %s", self.address, error)
                    return
                await asyncio.sleep(0.5 * 2**attempt)


class SmsInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return NAME

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SmsInput:
        return cls()

    def __init__(self) -> None:
        settings = get_settings()
        missing = missing_settings(settings, SMS)
        if missing:
            raise RuntimeError(f"the SMS channel needs {', '.join(missing)}")
        self.auth_token = str(settings.twilio_auth_token)
        self.sender = TwilioSender(
            str(settings.twilio_account_sid),
            self.auth_token,
            str(settings.twilio_from_number),
            str(settings.twilio_api_url) if settings.twilio_api_url else None,
        )
        self.pipeline: Pipeline = make_pipeline(self)

    def output_for(self, claim: Claim) -> GatedOutput:
        return SmsOutput(claim.payload.get("address"), self.sender)

    async def before_core(self, claim: Claim, output: GatedOutput) -> str | None:
        text = str(claim.payload["text"])
        keyword = classify_keyword(text)
        if keyword is not None:
            settings = get_settings()
            phone = str(claim.payload["address"])
            if is_e164(phone):  # a short code or the like can't be on the list
                await asyncio.to_thread(
                    record_keyword,
                    keyword,
                    phone=phone,
                    reply_text=text,
                    message_id=claim.external_id,
                    conversation_id=claim.conversation_id,
                    settings=settings,
                )
            reply = {"text": keyword_reply(keyword, settings), COMPLIANCE: True}
            await output.send_response(claim.conversation_id, reply)
            return None
        if is_yes(text) and is_e164(str(claim.payload["address"])):
            settings = get_settings()
            confirmed = await asyncio.to_thread(
                confirm_by_text,
                phone=str(claim.payload["address"]),
                reply_text=text,
                message_id=claim.external_id,
            )
            if confirmed:
                reply = {"text": confirmed_reply(settings), COMPLIANCE: True}
                await output.send_response(claim.conversation_id, reply)
                return None
        if _NUMBER.fullmatch(text):
            return choose_option(text, await self._offered(claim.conversation_id)) or text
        return text

    async def _offered(self, conversation_id: str) -> list[dict[str, Any]]:
        """The buttons of the bot's last message, which a numbered reply picks from."""
        tracker = await self.pipeline.tracker(conversation_id)
        for event in reversed(tracker.events if tracker else []):
            if isinstance(event, BotUttered):
                return list(event.data.get("buttons") or event.data.get("quick_replies") or [])
        return []

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """No route: the ingress serves the webhook; this runs the pipeline's pickup."""
        blueprint = Blueprint("sms_webhook", __name__)
        self.pipeline.attach(blueprint, on_new_message)

        @blueprint.listener("before_server_stop")
        async def _close(*_: Any) -> None:
            await self.sender.close()

        return blueprint
