"""The rule policy's debug text about the states, made only when shown
(bot/rasa_speedups/debug_log.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from rasa.core.policies.policy import Policy

from bot.rasa_speedups import debug_log
from bot.rasa_speedups.debug_log import RASA_FORMAT, format_tracker_states

STATES = [
    {},
    {"user": {"intent": "greet"}, "prev_action": {"action_name": "action_listen"}},
    {"prev_action": {"action_name": "utter_greet"}, "active_loop": {"name": "lead_form"}},
]


def test_the_text_is_rasas_and_made_once() -> None:
    formatted = format_tracker_states(STATES)

    assert str(formatted) == RASA_FORMAT(STATES) == Policy.format_tracker_states(STATES)
    assert repr(formatted) == str(formatted)
    assert copy.deepcopy(formatted) is formatted


def test_nothing_is_made_until_shown_and_then_once(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []

    def counting(states: list[dict[str, Any]]) -> str:
        made.append(len(states))
        return RASA_FORMAT(states)

    monkeypatch.setattr(debug_log, "RASA_FORMAT", counting)
    formatted = format_tracker_states(STATES)
    assert made == []

    str(formatted), str(formatted)
    assert made == [len(STATES)]
