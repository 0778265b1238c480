"""Which channels this deployment opens: each needs its secrets, or it stays closed.

A channel whose secrets are missing is left out of the credentials file Rasa starts with
(`var/credentials.yml`, written from `bot/credentials.yml`), and the ingress process does
not serve its webhook, with one log line saying which variable to set: never open without
a way to verify or answer its webhooks.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT, Settings

ALL_CHANNELS = PROJECT_ROOT / "bot" / "credentials.yml"
SMS = "channels.sms.channel.SmsInput"
TELEGRAM = "channels.telegram.channel.TelegramInput"

# The settings each channel cannot work without, by the variable an operator sets.
REQUIRED: dict[str, dict[str, str]] = {
    SMS: {
        "twilio_account_sid": "TWILIO_ACCOUNT_SID",
        "twilio_auth_token": "TWILIO_AUTH_TOKEN",
        "twilio_from_number": "TWILIO_FROM_NUMBER",
    },
    TELEGRAM: {
        "telegram_bot_token": "TELEGRAM_BOT_TOKEN",
        "telegram_webhook_secret": "TELEGRAM_WEBHOOK_SECRET",
    },
}


def missing_settings(settings: Settings, channel: str) -> list[str]:
    """The variables `channel` still needs; empty when it can open."""
    required = REQUIRED.get(channel, {})
    return [variable for field, variable in required.items() if not getattr(settings, field)]


# Where the ingress process (`channels.ingress`) serves each channel's webhook: the paths
# the Rasa server served them at before, so Twilio and Telegram keep calling the same URLs.
INGRESS_PATHS: dict[str, str] = {
    SMS: "/webhooks/sms/webhook",
    TELEGRAM: "/webhooks/telegram/webhook",
}


def ingress_webhooks(settings: Settings) -> dict[str, str]:
    """The webhook paths the ingress serves, by channel, for the channels that can open."""
    return {
        channel: path
        for channel, path in INGRESS_PATHS.items()
        if not missing_settings(settings, channel)
    }


def write_credentials(settings: Settings) -> Path:
    """Writes the credentials file of the channels that can open, and returns its path."""
    channels = yaml.safe_load(ALL_CHANNELS.read_text()) or {}
    enabled = {}
    for channel, config in channels.items():
        missing = missing_settings(settings, channel)
        if missing:
            name = channel.rsplit(".", 1)[-1]
            print(f"parley: channel {name} is disabled: set {', '.join(missing)}", file=sys.stderr)
        else:
            enabled[channel] = config
    path = settings.var_dir / "credentials.yml"
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(enabled, sort_keys=False))
    return path
