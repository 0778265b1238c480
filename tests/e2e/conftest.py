"""Starts the whole stack (the trained model, the action server, the API, the worker and
the ingress) on free loopback ports."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from bot.model_archive import ensure_model
from bot.settings import Settings
from bot.stack import Stack
from tests.e2e.rest_client import API_TOKEN, Conversation
from tests.e2e.webhook_receiver import SECRET, WebhookReceiver
from tests.fakes.smtp_server import SmtpServer
from tests.fakes.telegram_api import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.twilio_api import FakeTwilioApi

TWILIO_ACCOUNT_SID = "AC" + "e2e0" * 8
TWILIO_AUTH_TOKEN = "e2e-twilio-auth-token"
TWILIO_FROM = "+15005550006"
TELEGRAM_SECRET = "e2e-telegram-secret"
WEBCHAT_RATE_PER_MINUTE = 20  # above any one test conversation's messages


def free_ports() -> dict[str, Any]:
    """Settings for a stack of its own on free loopback ports."""
    ports = {name: free_port() for name in ("rasa", "actions", "api", "worker", "ingress")}
    return {
        **{f"{name}_port": port for name, port in ports.items()},
        "action_server_url": f"http://127.0.0.1:{ports['actions']}/webhook",
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """The servers' settings are fixed for the whole session (overrides tests/conftest.py)."""
    yield


@pytest.fixture(scope="session")
def webhook() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture(scope="session")
def twilio() -> Iterator[FakeTwilioApi]:
    with FakeTwilioApi(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN) as fake:
        yield fake


@pytest.fixture(scope="session")
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture(scope="session")
def telegram() -> Iterator[FakeTelegramApi]:
    with FakeTelegramApi(TELEGRAM_TOKEN) as fake:
        yield fake


@pytest.fixture(scope="session")
def processes(
    tmp_path_factory: pytest.TempPathFactory,
    webhook: WebhookReceiver,
    twilio: FakeTwilioApi,
    telegram: FakeTelegramApi,
    smtp: SmtpServer,
) -> Iterator[Stack]:
    """The whole stack on embedded defaults (SQLite, in-process locks), whatever is set here;
    a test may stop and start one of its processes (`Stack.stop`/`start` with `only`)."""
    settings = Settings(  # type: ignore[call-arg]
        var_dir=tmp_path_factory.mktemp("var"),
        **free_ports(),
        rasa_api_token=API_TOKEN,
        default_phone_region="US",
        database_url=None,
        redis_url=None,
        sinks="webhook",
        webhook_url=webhook.url,
        webhook_secret=SECRET,
        delivery_poll_s=0.2,
        twilio_account_sid=TWILIO_ACCOUNT_SID,
        twilio_auth_token=TWILIO_AUTH_TOKEN,
        twilio_from_number=TWILIO_FROM,
        twilio_api_url=twilio.url,
        telegram_bot_token=TELEGRAM_TOKEN,
        telegram_webhook_secret=TELEGRAM_SECRET,
        telegram_api_url=telegram.url,
        webchat_rate_per_minute=WEBCHAT_RATE_PER_MINUTE,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_security="none",
        mail_from="Parley <hello@parley.test>",
    )
    yield from running_stack(settings)


def running_stack(settings: Settings) -> Iterator[Stack]:
    """The stack of `settings`, up until the generator is closed."""
    running = Stack(settings, ensure_model(settings.models_dir))
    try:
        running.start()
        running.wait_until_ready()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def stack(processes: Stack) -> Settings:
    """The running stack's settings: its ports, database and secrets."""
    return processes.settings


@pytest.fixture
def conversation(stack: Settings) -> Conversation:
    return Conversation(f"http://{stack.host}:{stack.rasa_port}")
