"""The "try it" panel: chat with the live model and see, per message, how it was read.

Messages go through Rasa's REST channel like a visitor's, so the answers come from the
model and actions in service. What the model made of each message (the intent, its
confidence, the runners-up and the entities) is read back from the conversation's own
tracker, exactly as Rasa recorded it. Each panel is a fresh conversation with a random id
(`console-try-…`); the id is not personal data, so it may sit in the URL.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from bot.console.access import Marketer
from bot.console.auth import ConsoleUser
from bot.console.pages import page, refused
from bot.rasa_server import RasaConversations, RasaUnavailable
from bot.settings import get_settings

router = APIRouter(prefix="/console", include_in_schema=False)
SENDER = re.compile(r"console-try-[0-9a-f]{16}")
MAX_MESSAGE = 500
RUNNERS_UP = 2


@dataclass
class Turn:
    """One message typed in the panel, what the model read in it, and the bot's replies."""

    text: str
    intent: str | None
    confidence: float | None
    runners_up: list[tuple[str, float]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    replies: list[dict[str, Any]] = field(default_factory=list)


def turns_of(events: list[dict[str, Any]]) -> list[Turn]:
    turns: list[Turn] = []
    for event in events:
        if event.get("event") == "user":
            parse = event.get("parse_data") or {}
            intent = parse.get("intent") or {}
            ranking = [
                (str(item.get("name")), float(item.get("confidence") or 0.0))
                for item in parse.get("intent_ranking") or []
                if item.get("name") != intent.get("name")
            ]
            turns.append(
                Turn(
                    text=str(event.get("text") or ""),
                    intent=intent.get("name"),
                    confidence=intent.get("confidence"),
                    runners_up=ranking[:RUNNERS_UP],
                    entities=list(parse.get("entities") or []),
                )
            )
        elif event.get("event") == "bot" and turns:
            data = event.get("data") or {}
            turns[-1].replies.append(
                {"text": event.get("text") or "", "buttons": data.get("buttons") or []}
            )
    return turns


def _new_sender() -> str:
    return f"console-try-{secrets.token_hex(8)}"


def _panel(
    request: Request, user: ConsoleUser, sender: str, turns: list[Turn], error: str | None = None
) -> Response:
    return page(
        request,
        user,
        "try.html",
        502 if error else 200,
        section="/console/try",
        sender=sender,
        turns=turns,
        error=error,
        max_message=MAX_MESSAGE,
    )


@router.get("/try")
async def try_panel(request: Request, user: Marketer, c: str | None = None) -> Response:
    if c is None or not SENDER.fullmatch(c):
        return _panel(request, user, _new_sender(), [])
    try:
        turns = turns_of(await RasaConversations(get_settings()).events(c))
    except RasaUnavailable as error:
        return _panel(request, user, c, [], str(error))
    return _panel(request, user, c, turns)


@router.post("/try")
async def try_message(
    request: Request,
    user: Marketer,
    sender: Annotated[str, Form(max_length=64)] = "",
    message: Annotated[str, Form(max_length=MAX_MESSAGE)] = "",
) -> Response:
    if not SENDER.fullmatch(sender):
        return refused("This try-it conversation is not one the console started.", 400)
    text = message.replace("\x00", "").strip()
    if text:
        try:
            await RasaConversations(get_settings()).send(sender, text)
        except RasaUnavailable as error:
            return _panel(request, user, sender, [], str(error))
    return RedirectResponse(f"/console/try?c={sender}#latest", status_code=303)
