"""A client for the running Rasa server's HTTP API, as the API process calls it.

The stack runs Rasa with its API (trackers, model) always on, behind `rasa_api_token`,
which Rasa reads from the `token` query parameter. When PARLEY_RASA_API_TOKEN is unset, the
token is derived from the deployment's secret key (HMAC with a purpose string), so every
process that shares the secret key (the stack's children; every container of
docker-compose, which requires PARLEY_SECRET_KEY) agrees on it with no more configuration.
Messages go in through the REST channel, like any visitor's.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import quote

import httpx

from bot.secret_key import secret_key
from bot.settings import Settings

TIMEOUT_S = 30.0  # a turn with the lead form's CRM writes takes well under this
_PURPOSE = b"parley rasa api token v1"


def rasa_api_token(settings: Settings) -> str:
    """The token of Rasa's HTTP API: the configured one, else one derived from the key."""
    if settings.rasa_api_token:
        return settings.rasa_api_token
    return hmac.new(secret_key(settings), _PURPOSE, hashlib.sha256).hexdigest()


class RasaUnavailable(Exception):
    """Rasa did not answer, refused the token, or its API is switched off."""


class RasaConversations:
    """Talks to a Rasa server as a visitor does, and reads its conversations back."""

    def __init__(self, settings: Settings, *, base_url: str | None = None) -> None:
        self.base_url = (base_url or f"http://{settings.host}:{settings.rasa_port}").rstrip("/")
        self._token = rasa_api_token(settings)

    async def send(self, sender: str, text: str) -> list[dict[str, Any]]:
        """One visitor message through the REST channel; the bot's replies."""
        replies = await self._call(
            "POST", "/webhooks/rest/webhook", json={"sender": sender, "message": text}
        )
        return replies if isinstance(replies, list) else []

    async def events(self, sender: str) -> list[dict[str, Any]]:
        """The conversation's events, with each user message's parse data."""
        tracker = await self._call("GET", f"/conversations/{quote(sender, safe='')}/tracker")
        events = tracker.get("events") if isinstance(tracker, dict) else None
        return events if isinstance(events, list) else []

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            async with httpx.AsyncClient(base_url=self.base_url, timeout=TIMEOUT_S) as client:
                response = await client.request(
                    method, path, params={"token": self._token}, **kwargs
                )
        except httpx.HTTPError as error:
            raise RasaUnavailable(
                f"Rasa at {self.base_url} did not answer ({type(error).__name__})."
            ) from error
        if response.status_code in (401, 403):
            raise RasaUnavailable(
                "Rasa refused the API token: give every process the same PARLEY_SECRET_KEY "
                "(or PARLEY_RASA_API_TOKEN)."
            )
        if not response.is_success:
            raise RasaUnavailable(f"Rasa answered {path} with HTTP {response.status_code}.")
        return response.json()
