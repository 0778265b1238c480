"""The rule policy's debug line about the conversation, written only when it is logged.

Before each prediction the rule policy turns every state of the conversation into text
for a debug log line (`format_tracker_states`), whether or not debug lines are logged:
at turn 300 of a conversation that was 6% of the turn. Here the text is made when the
log line is rendered, and not at all otherwise.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy

from bot.rasa_speedups.registry import Patch, Replacement

RASA_FORMAT = Policy.format_tracker_states


class FormattedStates:
    """The text of `format_tracker_states(states)`, made when it is first shown."""

    def __init__(self, states: list[dict[str, Any]]) -> None:
        self._states = states
        self._text: str | None = None

    def __str__(self) -> str:
        if self._text is None:
            self._text = RASA_FORMAT(self._states)
        return self._text

    __repr__ = __str__

    def __deepcopy__(self, memo: dict[int, Any]) -> FormattedStates:
        return self  # the policy deep-copies it into the log call; it never changes


def format_tracker_states(states: list[dict[str, Any]]) -> FormattedStates:
    return FormattedStates(states)


# The rule policy only inherits `Policy.format_tracker_states`: the other policies keep
# Rasa's, and uninstalling leaves the rule policy inheriting it again.
PATCH = Patch(
    name=__name__,
    rasa_version="3.6.21",
    replacements=(
        Replacement(
            "rasa.core.policies.rule_policy:RulePolicy.format_tracker_states",
            staticmethod(format_tracker_states),
        ),
    ),
)
