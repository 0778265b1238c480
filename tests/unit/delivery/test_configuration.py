"""PARLEY_SINKS and its settings are checked at startup; the worker joins the stack."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from bot import bootstrap
from bot.cli import SERVICE_NAMES
from bot.delivery.health import start_health_server
from bot.delivery.hubspot import HubSpotSink
from bot.delivery.registry import build_sinks
from bot.delivery.webhook import WebhookSink
from bot.settings import Settings, get_settings
from bot.stack import services

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def test_by_default_leads_stay_in_the_built_in_crm() -> None:
    assert get_settings().sinks == "none"
    assert bootstrap.sink_names() == ()


@pytest.mark.parametrize(
    ("environment", "named"),
    [
        ({"PARLEY_SINKS": "webhook"}, "PARLEY_WEBHOOK_URL"),
        (
            {"PARLEY_SINKS": "webhook", "PARLEY_WEBHOOK_URL": "https://x.io/h"},
            "PARLEY_WEBHOOK_SECRET",
        ),
        ({"PARLEY_SINKS": "none,hubspot"}, "PARLEY_HUBSPOT_TOKEN"),
        ({"PARLEY_SINKS": "hubspot", "PARLEY_HUBSPOT_TOKEN": ""}, "PARLEY_HUBSPOT_TOKEN"),
        ({"PARLEY_SINKS": "salesforce"}, "PARLEY_SINKS"),
        ({"PARLEY_WEBHOOK_SECRET": "not-a-whsec"}, "PARLEY_WEBHOOK_SECRET"),
        ({"PARLEY_DELIVERY_LEASE_S": "5"}, "PARLEY_DELIVERY_LEASE_S"),
    ],
)
def test_a_missing_or_wrong_setting_is_named_at_startup(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], named: str
) -> None:
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError, match=named):
        get_settings()


async def test_configured_sinks_are_built_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_SINKS", " HubSpot , webhook,hubspot")
    monkeypatch.setenv("PARLEY_WEBHOOK_URL", "https://crm.example/hooks")
    monkeypatch.setenv("PARLEY_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("PARLEY_HUBSPOT_TOKEN", "pat-1")
    settings = get_settings()
    assert bootstrap.sink_names() == ("hubspot", "webhook")
    assert str(settings.hubspot_base_url) == "https://api.hubapi.com"
    async with httpx.AsyncClient() as client:
        sinks = build_sinks(settings, client)
    assert isinstance(sinks["hubspot"], HubSpotSink) and isinstance(sinks["webhook"], WebhookSink)
    assert [sink.name for sink in sinks.values()] == ["hubspot", "webhook"]


def test_the_worker_is_a_fourth_service_with_a_health_url() -> None:
    settings = Settings(worker_port=6056)  # type: ignore[call-arg]
    [worker] = [s for s in services(settings, Path("model.tar.gz")) if s.name == "worker"]
    assert worker.command[1:] == ["-m", "bot.delivery"]
    assert worker.health_url == "http://127.0.0.1:6056/health"
    assert "worker" in SERVICE_NAMES
    assert settings.as_environment()["PARLEY_WORKER_PORT"] == "6056"


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_health_answers_200_while_the_loop_runs_503_when_it_stalls() -> None:
    healthy = [True]
    server = start_health_server("127.0.0.1", 0, lambda: healthy[0])
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert status_of(f"{base}/health") == 200
        healthy[0] = False
        assert status_of(f"{base}/health") == 503
        assert status_of(f"{base}/other") == 404
    finally:
        server.shutdown()
        server.server_close()
