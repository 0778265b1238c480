"""The Rasa server's action-response check: one compiled validator, Rasa's verdicts."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from bot.rasa_speedups.action_validation import install, validate_action_result

VALID: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "email", "value": "a@b.io", "timestamp": None}],
        "responses": [{"response": "utter_ask_email"}, {"text": "Thanks!", "buttons": []}],
    },
]
INVALID: list[dict[str, Any]] = [
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": "not a list"},
    {"events": [{"event": "slot"}]},  # a slot event without its name
]


@pytest.mark.parametrize("response", VALID)
def test_a_valid_response_passes_as_with_rasa(response: dict[str, Any]) -> None:
    validate(response, RemoteAction.action_response_format_spec())  # Rasa's own check agrees

    assert validate_action_result(RemoteAction("action_x", None), response) is True


@pytest.mark.parametrize("response", INVALID)
def test_an_invalid_response_is_refused_as_with_rasa(response: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        validate(response, RemoteAction.action_response_format_spec())

    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        validate_action_result(RemoteAction("action_x", None), response)


def test_install_puts_the_compiled_check_in_rasa(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )

    install()

    assert RemoteAction._validate_action_result is validate_action_result
