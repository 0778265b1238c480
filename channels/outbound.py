"""The one outbound interface: every bot message passes the suppression list first.

A channel subclasses `GatedOutput` and implements `deliver`. Before each message the
gate looks the recipient up on the suppression list (for channels whose address can be
suppressed: SMS numbers). A suppressed recipient gets compliance messages only: the
confirmation of their opt-out or erasure request, and HELP/START answers. Messages that
went out are kept in `sent` (the web chat returns them to the browser).

A turn's messages are held until the turn has been saved (`release`, called by
`channels.pipeline`): a turn that fails is retried from the inbox, and what it had said
before failing is said once, by the retry, never twice.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa.core.channels.channel import OutputChannel

from bot import bootstrap
from bot.crm import is_suppressed, read_scope

logger = logging.getLogger(__name__)

# Responses a person who opted out must still get: they confirm what they asked for.
COMPLIANCE_RESPONSES = frozenset({"utter_consent_withdrawn", "utter_erasure_requested"})
COMPLIANCE = "compliance"  # key a channel sets on messages it composes itself (STOP, HELP)


def is_compliance_message(message: dict[str, Any]) -> bool:
    return bool(message.get(COMPLIANCE)) or message.get("utter_action") in COMPLIANCE_RESPONSES


def _suppressed(kind: str, address: str) -> bool:
    with read_scope(bootstrap.crm_engine()) as session:
        try:
            return is_suppressed(
                session, kind=kind, value=address, pepper=bootstrap.suppression_pepper()
            )
        except ValueError:
            return False  # not a number the list can hold (a short code): never suppressed


class GatedOutput(OutputChannel):
    """An output channel for one recipient (`address`) that checks before it sends."""

    suppression_kind: str | None = None  # the suppression list's kind for `address`
    # Whether what the turn sent is kept with its inbox row, for a request that waits to
    # read it in whichever process it came in (`channels.answers`).
    kept_with_row = False

    def __init__(self, address: str | None) -> None:
        self.address = address
        self.sent: list[dict[str, Any]] = []
        self.withheld = 0
        self._held: list[tuple[str, dict[str, Any]]] = []

    async def permits(self, message: dict[str, Any]) -> bool:
        if self.suppression_kind is None or self.address is None:
            return True
        if is_compliance_message(message):
            return True
        return not await asyncio.to_thread(_suppressed, self.suppression_kind, self.address)

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self._held.append((recipient_id, message))

    async def release(self) -> None:
        """Sends what the turn said, in order, each message past the gate first."""
        held, self._held = self._held, []
        for recipient_id, message in held:
            if not await self.permits(message):
                self.withheld += 1
                logger.info("Not sent to %s: on the suppression list", recipient_id)
                continue
            await self.deliver(recipient_id, message)
            self.sent.append(message)

    def discard(self) -> None:
        """Drops what a failed turn said: its retry says it again."""
        self._held.clear()

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, **kwargs})

    async def deliver(self, recipient_id: str, message: dict[str, Any]) -> None:
        raise NotImplementedError


class KeptOutput(GatedOutput):
    """For a channel whose request waits for its turn's replies (web chat, REST): they
    are kept with the message's inbox row for it (and the tracker keeps them), and nothing
    is pushed."""

    kept_with_row = True

    async def deliver(self, recipient_id: str, message: dict[str, Any]) -> None:
        return None
