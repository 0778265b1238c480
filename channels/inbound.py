"""What a channel's webhook decides and hands the shared pipeline, and what the pipeline
asks of a channel.

Nothing here imports Rasa: the ingress process (`channels.ingress`) verifies, parses and
records SMS and Telegram messages with these types, and only the Rasa server runs turns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from bot.crm.inbox import Claim
    from channels.outbound import GatedOutput


@dataclass(frozen=True)
class Inbound:
    """A verified, parsed channel message, as every channel hands it to the pipeline."""

    channel: str
    external_id: str  # the channel's message id: the dedupe key
    conversation_id: str  # the Rasa sender id
    text: str
    address: str | None = None  # where replies go (phone number, chat id)
    metadata: dict[str, Any] = field(default_factory=dict)  # → UserMessage.metadata
    extra: dict[str, Any] = field(default_factory=dict)  # what only the channel reads

    def payload(self) -> dict[str, Any]:
        return {**self.extra, "text": self.text, "address": self.address, "metadata": self.metadata}


@dataclass(frozen=True)
class Verdict:
    """A webhook's answer to one request, and the message to record in the inbox before
    answering (None: nothing to record, e.g. a refused request or an edited message).

    `body` is text, or a dict answered as JSON.
    """

    status: int
    body: str | dict[str, Any]
    content_type: str = "text/plain; charset=utf-8"
    inbound: Inbound | None = None


class Adapter(Protocol):
    """What a channel provides the pipeline: its outbound side and a pre-core step."""

    @classmethod
    def name(cls) -> str: ...

    def output_for(self, claim: Claim) -> GatedOutput: ...

    async def before_core(self, claim: Claim, output: GatedOutput) -> str | None:
        """The text the dialogue core gets, or None when the channel handled the message
        itself (an SMS keyword)."""
        ...
