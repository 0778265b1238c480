from __future__ import annotations

import pytest

from bot.settings import get_settings
from bot.stores.locks import redis_lock_store_arguments
from bot.stores.tracker import sql_store_arguments


def test_embedded_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "REDIS_URL", "PARLEY_ACTION_SERVER_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = get_settings()
    assert settings.tracker_store_url.startswith("sqlite:///")
    assert settings.tracker_store_url.endswith("tracker.db")
    assert settings.redis_url is None
    assert settings.action_endpoint == "http://127.0.0.1:5055/webhook"
    assert settings.privacy_notice == "http://127.0.0.1:8000/privacy"


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db:5432/parley")
    monkeypatch.setenv("PARLEY_DEFAULT_PHONE_REGION", "gb")
    monkeypatch.setenv("PARLEY_PRIVACY_NOTICE_URL", "https://example.com/privacy")
    settings = get_settings()
    assert settings.tracker_store_url == "postgresql://u:p@db:5432/parley"
    assert settings.default_phone_region == "GB"
    assert settings.privacy_notice == "https://example.com/privacy"


def test_database_url_becomes_tracker_store_arguments() -> None:
    assert sql_store_arguments("postgresql://u:p@db:5433/parley?sslmode=require") == {
        "dialect": "postgresql",
        "host": "db",
        "port": 5433,
        "db": "parley",
        "username": "u",
        "password": "p",
        "query": {"sslmode": "require"},
    }
    assert sql_store_arguments("sqlite:////tmp/t.db") == {"dialect": "sqlite", "db": "/tmp/t.db"}


def test_redis_url_becomes_lock_store_arguments() -> None:
    arguments = redis_lock_store_arguments("rediss://:secret@cache:6380/2")
    assert arguments["host"] == "cache"
    assert arguments["port"] == 6380
    assert arguments["db"] == 2
    assert arguments["password"] == "secret"
    assert arguments["use_ssl"] is True


def test_settings_pass_to_child_processes_through_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.settings import Settings
    from bot.stack import child_environment

    monkeypatch.setenv("DATABASE_URL", "postgresql://should/vanish")
    chosen = Settings(rasa_port=6001, database_url=None, brand_name="Acme")  # type: ignore[call-arg]
    environment = child_environment(chosen)
    assert "DATABASE_URL" not in environment
    assert environment["PARLEY_RASA_PORT"] == "6001"
    assert environment["PARLEY_ACTION_SERVER_URL"] == "http://127.0.0.1:5055/webhook"
    for name, value in chosen.as_environment().items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    assert get_settings() == chosen
