"""Starts the trained model, the action server and the API on free loopback ports."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest

from bot.model_archive import ensure_model
from bot.settings import Settings
from bot.stack import Stack
from tests.e2e.rest_client import API_TOKEN, Conversation


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """The servers' settings are fixed for the whole session (overrides tests/conftest.py)."""
    yield


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    environment = {
        "PARLEY_VAR_DIR": str(tmp_path_factory.mktemp("var")),
        "PARLEY_RASA_PORT": str(free_port()),
        "PARLEY_ACTIONS_PORT": str(free_port()),
        "PARLEY_API_PORT": str(free_port()),
        "PARLEY_RASA_API_TOKEN": API_TOKEN,
        "PARLEY_DEFAULT_PHONE_REGION": "US",
    }
    saved = {name: os.environ.get(name) for name in [*environment, "DATABASE_URL", "REDIS_URL"]}
    os.environ.update(environment)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    settings = Settings()
    running = Stack(settings, ensure_model(settings.models_dir))
    try:
        running.start()
        running.wait_until_ready()
        yield settings
    finally:
        running.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def conversation(stack: Settings) -> Conversation:
    return Conversation(f"http://{stack.host}:{stack.rasa_port}")
