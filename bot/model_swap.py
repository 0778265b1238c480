"""Loads a retrained model into the running Rasa server without pausing conversations.

Rasa's own `PUT /model` builds the new model inside the server's event loop: TensorFlow
traces DIET and TED for 20–30 s, and every channel's webhook waits that long (Twilio gives
up after 15 s). This channel, always on under /webhooks/parley_model/, builds the new
`MessageProcessor` in a worker thread, exactly as `Agent.load_model` does, and then swaps
it in on the event loop in one step: a turn in flight finishes on the old processor, every
later turn runs on the new one.

    PUT model   {"model_file": "<archive under the models directory>"}
                200 {"model_file", "model_id", "fingerprint"}; 400 bad body or path;
                401/403 missing or wrong token; 409 a load is already running;
                500 the archive could not be loaded (the old model stays)

It is behind Rasa's API token (`?token=` as Rasa reads it, or `Authorization: Bearer`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.api_token import Refused, check_token, provided_token
from bot.rasa_server import rasa_api_token
from bot.settings import get_settings

logger = logging.getLogger(__name__)

NAME = "parley_model"
ARCHIVE_SUFFIX = ".tar.gz"


def archive_path(body: bytes | None, models_dir: Path) -> Path:
    """The archive the body names, if it is an existing archive inside `models_dir`."""
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "the body is not valid JSON") from None
    named = data.get("model_file") if isinstance(data, dict) else None
    if not isinstance(named, str) or not named.strip():
        raise Refused(400, 'the body needs {"model_file": "<path of the archive>"}')
    models = models_dir.resolve()
    path = Path(named)
    path = (path if path.is_absolute() else models / path).resolve()
    if path.parent != models:
        raise Refused(400, f"the model file must be an archive in {models}")
    if not path.name.endswith(ARCHIVE_SUFFIX) or not path.is_file():
        raise Refused(400, f"there is no model archive {path.name} in {models}")
    return path


def build_processor(agent: Agent, model: Path) -> MessageProcessor:
    """The new model's processor over the running agent's stores, as `Agent.load_model`."""
    if agent.tracker_store is None or agent.lock_store is None or agent.nlg is None:
        raise Refused(409, "the Rasa server has not started its agent yet")
    return MessageProcessor(
        model_path=model,
        tracker_store=agent.tracker_store,
        lock_store=agent.lock_store,
        action_endpoint=agent.action_endpoint,
        generator=agent.nlg,
        http_interpreter=agent.http_interpreter,
    )


def swap_in(agent: Agent, processor: MessageProcessor) -> None:
    """Makes `processor` the agent's; no await in here, so no turn sees half of it."""
    agent.processor = processor
    agent.domain = processor.domain
    agent._set_fingerprint(None)
    if agent.tracker_store is not None:
        agent.tracker_store.domain = processor.domain
    if isinstance(agent.nlg, TemplatedNaturalLanguageGenerator):
        agent.nlg.responses = processor.domain.responses if processor.domain else {}


def serving(agent: Agent) -> dict[str, Any]:
    processor = agent.processor
    return {
        "model_file": processor.model_filename if processor else None,
        "model_id": agent.model_id,
        "fingerprint": agent.fingerprint,
    }


class ModelSwapInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return NAME

    def __init__(self, token: str | None = None, models_dir: str | Path | None = None) -> None:
        settings = get_settings()
        self.token = token or rasa_api_token(settings)
        self.models_dir = Path(models_dir) if models_dir else settings.models_dir
        self.loading: asyncio.Task[dict[str, Any]] | None = None

    async def swap(self, request: Request) -> dict[str, Any]:
        check_token(provided_token(request), self.token)
        model = archive_path(request.body, self.models_dir)
        if self.loading is not None and not self.loading.done():
            raise Refused(409, "another model is being loaded; try again later")
        self.loading = asyncio.create_task(self._load(request.app.ctx, model))
        # A caller that hangs up does not stop the load: it still swaps in when ready.
        return await asyncio.shield(self.loading)

    async def _load(self, app: Any, model: Path) -> dict[str, Any]:
        agent: Agent = app.agent
        logger.info("loading model %s off the event loop", model.name)
        processor = await asyncio.to_thread(build_processor, agent, model)
        if app.agent is not agent:
            # Rasa's own PUT /model replaced the agent (and its stores) meanwhile.
            raise Refused(409, "another model was loaded meanwhile; try again")
        swap_in(agent, processor)
        logger.info("now serving model %s", model.name)
        return serving(agent)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("parley_model_swap", __name__)

        @blueprint.route("/model", methods=["PUT"])
        async def load_model(request: Request) -> HTTPResponse:
            try:
                return response.json(await self.swap(request))
            except Refused as refused:
                return response.json({"error": str(refused)}, status=refused.status)
            except Exception:
                logger.exception("loading a model failed; the current model stays")
                reason = "the model could not be loaded; the current model stays"
                return response.json({"error": reason}, status=500)

        return blueprint
