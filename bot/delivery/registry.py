"""Builds the sinks PARLEY_SINKS names, from the settings (the worker's composition step)."""

from __future__ import annotations

import httpx

from bot.delivery.hubspot import HubSpotSink
from bot.delivery.sink import Sink
from bot.delivery.webhook import WebhookSink
from bot.settings import Settings


class SinkConfigurationError(ValueError):
    """A configured sink lacks a setting (normally caught earlier, by Settings itself)."""


def _required(value: object, variable: str, sink: str) -> str:
    if not value:
        raise SinkConfigurationError(f"PARLEY_SINKS includes {sink!r}, which needs {variable}")
    return str(value)


def build_sinks(settings: Settings, client: httpx.AsyncClient) -> dict[str, Sink]:
    """The configured sinks by name, all sharing one HTTP client (the caller closes it)."""
    sinks: dict[str, Sink] = {}
    for name in settings.sink_names:
        if name == "webhook":
            sinks[name] = WebhookSink(
                client,
                url=_required(settings.webhook_url, "PARLEY_WEBHOOK_URL", name),
                secret=_required(settings.webhook_secret, "PARLEY_WEBHOOK_SECRET", name),
            )
        elif name == "hubspot":
            sinks[name] = HubSpotSink(
                client,
                token=_required(settings.hubspot_token, "PARLEY_HUBSPOT_TOKEN", name),
                base_url=str(settings.hubspot_base_url),
            )
        else:
            raise SinkConfigurationError(f"no sink called {name!r}")
    return sinks
