"""A visitor talking to the bot through Rasa's REST channel, with a look at the tracker."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

# Rasa's HTTP API (tracker reads) and the REST channel are behind this token on the test
# servers.
API_TOKEN = "e2e-" + uuid.uuid4().hex


@dataclass
class Conversation:
    """One visitor talking to the bot through Rasa's REST channel."""

    base_url: str
    sender: str = field(default_factory=lambda: f"visitor-{uuid.uuid4().hex}")
    transcript: list[tuple[str, list[str]]] = field(default_factory=list)

    def say(self, text: str) -> list[str]:
        response = httpx.post(
            f"{self.base_url}/webhooks/rest/webhook",
            json={"sender": self.sender, "message": text},
            params={"token": API_TOKEN},
            timeout=60,
        )
        response.raise_for_status()
        replies = [m.get("text", "") for m in response.json()]
        self.transcript.append((text, replies))
        return replies

    def said(self, text: str) -> str:
        """The bot's replies to `text`, joined, for substring assertions."""
        return "\n".join(self.say(text))

    def tracker(self) -> dict[str, Any]:
        response = httpx.get(
            f"{self.base_url}/conversations/{self.sender}/tracker",
            params={"token": API_TOKEN},
            timeout=30,
        )
        response.raise_for_status()
        return dict(response.json())

    def slots(self) -> dict[str, Any]:
        return dict(self.tracker()["slots"])
