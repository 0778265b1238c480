"""The confirmation text sink: a double opt-in request texted through Twilio."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.delivery.sink import DeliveryError
from channels.sms.twilio_sender import SmsSendError, TwilioSender


class ConfirmationSmsSink:
    name = "confirm_sms"

    def __init__(self, sender: TwilioSender) -> None:
        self._sender = sender

    async def deliver(self, payload: Mapping[str, Any], *, idempotency_key: str) -> None:
        try:
            await self._sender.send(str(payload["to"]), str(payload["text"]))
        except SmsSendError as error:
            raise DeliveryError(retryable=error.retryable, reason=str(error)) from error

    async def close(self) -> None:
        await self._sender.close()
