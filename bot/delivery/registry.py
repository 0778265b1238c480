"""Builds the sinks the worker drains, from the settings (the worker's composition step):
those PARLEY_SINKS names for leads, and the senders that are configured: e-mail with
PARLEY_SMTP_HOST (double opt-in requests and follow-ups), texts with the Twilio account and
number (double opt-in requests; follow-up texts are turns of the SMS conversation)."""

from __future__ import annotations

import httpx

from bot.consent.confirmation import SINK_FOR_KIND
from bot.delivery.hubspot import HubSpotSink
from bot.delivery.mail import MailSink
from bot.delivery.sink import Sink
from bot.delivery.sms import ConfirmationSmsSink
from bot.delivery.webhook import WebhookSink
from bot.followups.mail import FOLLOWUP_EMAIL_SINK
from bot.settings import Settings
from channels.sms.twilio_sender import TwilioSender


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
    if settings.smtp_host:
        sinks[SINK_FOR_KIND["email"]] = MailSink.from_settings(settings)
        sinks[FOLLOWUP_EMAIL_SINK] = MailSink.from_settings(settings, name=FOLLOWUP_EMAIL_SINK)
    if settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from_number:
        sender = TwilioSender(
            settings.twilio_account_sid,
            settings.twilio_auth_token,
            settings.twilio_from_number,
            api_base_url=str(settings.twilio_api_url) if settings.twilio_api_url else None,
        )
        sinks[SINK_FOR_KIND["phone"]] = ConfirmationSmsSink(sender)
    return sinks
