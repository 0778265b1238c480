"""The processes the stack starts, and their commands, which carry no secret (`ps` shows them)."""

from __future__ import annotations

from pathlib import Path

from bot.rasa_server import rasa_api_token
from bot.settings import get_settings
from bot.stack import child_environment, services, started_services


def test_no_command_line_carries_rasas_api_token() -> None:
    settings = get_settings()
    token = rasa_api_token(settings)
    for service in services(settings, Path("models/parley-test.tar.gz")):
        assert token not in " ".join(service.command), service.name
    assert child_environment(settings)["PARLEY_RASA_API_TOKEN"] == token


def test_the_rasa_server_and_the_action_server_mask_their_logs() -> None:
    commands = {s.name: s.command for s in services(get_settings(), Path("m.tar.gz"))}
    assert commands["rasa"][1:3] == ["-m", "bot.rasa_process"]
    assert commands["actions"][1:3] == ["-m", "bot.actions_process"]


def test_the_action_server_starts_only_when_the_actions_run_there() -> None:
    settings = get_settings()
    model = Path("m.tar.gz")
    assert "actions" not in {s.name for s in started_services(settings, model)}
    server = settings.copy(update={"actions": "server"})
    assert "actions" in {s.name for s in started_services(server, model)}
    # `parley serve actions` runs it either way (a deployment that chose the server).
    assert "actions" in {s.name for s in services(settings, model)}
