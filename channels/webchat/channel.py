"""The web chat channel on the Rasa server: it runs the turns of the messages the ingress
recorded (`channels.webchat.routes` is the widget's side), and keeps each turn's replies
with its inbox row for the request waiting there.

The Rasa server opens no web chat route: its pipeline picks the recorded messages up when
the ingress's wake-up comes (`channels.pipeline`), like SMS and Telegram.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint

from bot.crm.inbox import Claim
from channels.outbound import GatedOutput, KeptOutput
from channels.pipeline import Pipeline
from channels.runtime import make_pipeline
from channels.webchat.routes import NAME


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

    def output_for(self, claim: Claim) -> GatedOutput:
        return WebChatOutput(address=None)

    async def before_core(self, claim: Claim, output: GatedOutput) -> str | None:
        return str(claim.payload["text"])

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("webchat_turns", __name__)
        self.pipeline.attach(blueprint, on_new_message)
        return blueprint
