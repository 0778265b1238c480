"""One persona's conversation with the bot over Rasa's REST channel, with its transcript."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

import httpx

from bench.conversations.personas import Persona
from bench.conversations.prompts import read_turn
from bench.conversations.visitor import Tally, Visitor

TURN_TIMEOUT_S = 120.0


@dataclass
class Conversation:
    """What was said, by whom, and what the visitor made of it."""

    persona: Persona
    sender: str
    lines: list[str] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    sent: list[str] = field(default_factory=list)  # the visitor's messages, as sent
    error: str | None = None
    seconds: float = 0.0

    def transcript(self) -> str:
        header = [f"persona: {self.persona.key}", f"sender: {self.sender}", ""]
        footer = [
            "",
            f"ended: {self.tally.ended or 'unknown'}; visitor turns: {self.tally.turns}; "
            f"fallbacks: {self.tally.fallbacks}; re-asked volunteered answers: "
            f"{self.tally.reasked} {self.tally.reasked_fields or ''}".rstrip(),
        ]
        if self.error:
            footer.append(f"error: {self.error}")
        return "\n".join(header + self.lines + footer) + "\n"


def _bot_lines(messages: list[dict[str, object]]) -> list[str]:
    lines = []
    for message in messages:
        text = str(message.get("text") or "")
        buttons = message.get("buttons")
        listed = buttons if isinstance(buttons, list) else []
        titles = [str(b.get("title", "")) for b in listed if isinstance(b, dict)]
        shown = f"  [buttons: {' | '.join(titles)}]" if titles else ""
        if text or shown:
            lines.append(f"BOT:     {text}{shown}")
    return lines


def new_sender(persona: Persona) -> str:
    return f"crowd-{persona.key}-{uuid.uuid4().hex[:10]}"


def converse(
    rest_url: str, rest_token: str, persona: Persona, sender: str | None = None
) -> Conversation:
    """Runs the persona's whole conversation through the REST channel at `rest_url` (which
    needs Rasa's API token, `rest_token`); errors end it and are noted, never raised."""
    conversation = Conversation(persona, sender or new_sender(persona))
    visitor = Visitor(persona)
    started = time.monotonic()
    url = f"{rest_url.rstrip('/')}/webhooks/rest/webhook"
    try:
        with httpx.Client(params={"token": rest_token}, timeout=TURN_TIMEOUT_S) as client:
            text: str | None = visitor.first()
            while text is not None:
                conversation.sent.append(text)
                conversation.lines.append(f"VISITOR: {text}")
                response = client.post(url, json={"sender": conversation.sender, "message": text})
                response.raise_for_status()
                messages = [m for m in response.json() if isinstance(m, dict)]
                conversation.lines += _bot_lines(messages)
                text = visitor.next(read_turn(messages))
    except (httpx.HTTPError, ValueError) as error:
        conversation.error = f"{type(error).__name__}: {error}"
        visitor.tally.ended = "error"
    conversation.tally = visitor.tally
    conversation.seconds = time.monotonic() - started
    return conversation
