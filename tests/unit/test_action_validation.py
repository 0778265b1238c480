"""The Rasa server's action-response check: compiled validators (Rust first, Python for
what it refuses), Rasa's verdicts and errors."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from bot.rasa_speedups import action_validation
from bot.rasa_speedups.action_validation import (
    action_response_validator,
    fast_validator,
    validate_action_result,
)
from bot.rasa_speedups.registry import install, uninstall

VALID: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "email", "value": "a@b.io", "timestamp": None}],
        "responses": [{"response": "utter_ask_email"}, {"text": "Thanks!", "buttons": []}],
    },
    {
        "events": [
            {"event": "active_loop", "name": "lead_form", "timestamp": 1.5},
            {"event": "slot", "name": "requested_slot", "value": None},
            {"event": "followup", "name": "action_listen"},
            {"event": "action_execution_rejected", "name": "lead_form"},
            {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}}},
            {"event": "bot", "text": "Hello", "metadata": None},
            {"event": "action", "name": "action_listen", "policy": None, "confidence": 1.0},
            {"event": "reset_slots"},
            {"event": "restart"},
            {"event": "session_started", "metadata": {"source": "sms"}},
        ],
        "responses": [
            {"response": "utter_ask_phone", "buttons": [{"title": "1", "payload": "/x"}]}
        ],
    },
]
INVALID: list[dict[str, Any]] = [
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": "not a list"},
    {"events": [{"event": "slot"}]},  # a slot event without its name
    {"events": [{"event": "user", "text": 5}]},  # text of the wrong type
    {"events": [{"event": "slot", "name": "x", "timestamp": "yesterday"}]},
    {"events": [{"timestamp": 1.0}]},  # no event type
    ["not", "an", "object"],
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


def test_both_validators_use_the_same_draft() -> None:
    assert type(action_response_validator()).__name__ == "Draft202012Validator"


@pytest.mark.parametrize("response", VALID + INVALID)
def test_rust_and_python_agree(response: Any) -> None:
    assert fast_validator().is_valid(response) == action_response_validator().is_valid(response)


def test_installing_puts_the_compiled_check_in_rasa(monkeypatch: pytest.MonkeyPatch) -> None:
    rasas = vars(RemoteAction)["_validate_action_result"]
    monkeypatch.setattr(RemoteAction, "_validate_action_result", rasas)  # as it was, at the end

    install([action_validation.PATCH])
    assert RemoteAction._validate_action_result is validate_action_result
    uninstall([action_validation.PATCH])
    assert RemoteAction._validate_action_result is rasas
