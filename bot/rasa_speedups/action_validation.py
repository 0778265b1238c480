"""Action server responses checked against one compiled validator.

Rasa validates every action server response with `jsonschema.validate`, which first checks
the schema itself against its meta-schema, on every call. Under 20 concurrent lead
conversations that was 44% of the Rasa process's CPU (py-spy): the lead form calls the
action server on every answer. Here the response schema is compiled into one validator
once, and each response is validated against it alone; the error raised for an invalid
response is Rasa's own, with its message.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@cache
def action_response_validator() -> Validator:
    spec = RemoteAction.action_response_format_spec()
    validator: Validator = validator_for(spec)(spec)
    return validator


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """`RemoteAction._validate_action_result`, with the compiled validator."""
    try:
        action_response_validator().validate(result)
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            "from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise
    return True


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
