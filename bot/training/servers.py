"""The running Rasa servers a new model goes live on: load it, then confirm `GET /status`.

A server loads the archive through Parley's model-swap endpoint (bot/model_swap.py,
`PUT /webhooks/parley_model/model`), which builds the model off Rasa's event loop, so
conversations keep being answered while it loads; Rasa's own `PUT /model` would stall
every channel for the 20–30 s the load takes.

Rasa's HTTP API is behind the token of `bot.rasa_server.rasa_api_token`.

Settings list the servers (PARLEY_RASA_API_URLS); a swap goes through them one by one and
confirms each serves the new archive before the run is live.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.rasa_server import rasa_api_token
from bot.settings import Settings

SWAP_PATH = "/webhooks/parley_model/model"
# The request returns once the model is loaded (20–30 s here; more on a busy machine).
LOAD_TIMEOUT_S = 300.0
STATUS_TIMEOUT_S = 10.0


class SwapFailed(Exception):
    """A Rasa server refused the model, could not be reached, or serves another one."""


@dataclass(frozen=True)
class RasaServer:
    url: str
    token: str

    def _call(self, method: str, path: str, timeout: float, body: object = None) -> httpx.Response:
        try:
            response = httpx.request(
                method,
                f"{self.url}{path}",
                params={"token": self.token},
                json=body,
                timeout=timeout,
            )
        except httpx.HTTPError as failure:
            raise SwapFailed(f"The Rasa server at {self.url} could not be reached.") from failure
        if response.status_code in (401, 403):
            raise SwapFailed(f"The Rasa server at {self.url} did not accept the API token.")
        return response

    def serving(self, timeout: float = STATUS_TIMEOUT_S) -> str | None:
        """The archive name this server answers with, or None if it has no model."""
        response = self._call("GET", "/status", timeout)
        if response.status_code != 200:
            return None
        return Path(str(response.json().get("model_file") or "")).name or None

    def load(self, model: Path) -> str | None:
        """Loads `model`; the archive name the server reports it now serves."""
        response = self._call("PUT", SWAP_PATH, LOAD_TIMEOUT_S, {"model_file": str(model)})
        if response.status_code == 404:
            raise SwapFailed(
                f"The Rasa server at {self.url} has no model-swap endpoint: restart it "
                "with the current bot/credentials.yml."
            )
        if response.status_code != 200:
            raise SwapFailed(
                f"The Rasa server at {self.url} could not load the model "
                f"(HTTP {response.status_code}: {_reason(response)})."
            )
        return Path(str(_json(response).get("model_file") or "")).name or None


def _json(response: httpx.Response) -> dict[str, object]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _reason(response: httpx.Response) -> str:
    return str(_json(response).get("error") or response.reason_phrase)


def rasa_servers(settings: Settings) -> list[RasaServer]:
    token = rasa_api_token(settings)
    return [RasaServer(url, token) for url in settings.rasa_api_url_list]


def go_live(servers: Sequence[RasaServer], model: Path) -> None:
    """Load `model` on every server, and check each then serves it."""
    for server in servers:
        loaded = server.load(model)
        if loaded != model.name:
            raise SwapFailed(
                f"The Rasa server at {server.url} loaded {loaded or 'no model'} "
                f"instead of {model.name}."
            )
        serving = server.serving()
        if serving != model.name:
            raise SwapFailed(
                f"The Rasa server at {server.url} serves {serving or 'no model'} "
                f"instead of {model.name}."
            )
