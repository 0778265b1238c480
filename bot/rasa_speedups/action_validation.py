"""Action server responses checked against a compiled validator.

Rasa validates every action server response with `jsonschema.validate`, which first checks
the schema itself against its meta-schema, on every call. Under 20 concurrent lead
conversations that was 44% of the Rasa process's CPU (py-spy): the lead form calls the
action server on every answer. Compiled once, the pure-Python check still took 1.3 ms per
response, 10% of the process's CPU; `jsonschema-rs` (the Rust implementation of the same
JSON Schema draft) takes 4 µs. So a response is first checked with it, and only one it
refuses is checked again with Python's `jsonschema`, whose verdict is final and whose
error, raised as Rasa raises it, says what is wrong.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema_rs
from jsonschema import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

from bot.rasa_speedups.registry import Patch, Replacement


@cache
def action_response_validator() -> Validator:
    spec = RemoteAction.action_response_format_spec()
    validator: Validator = validator_for(spec)(spec)
    return validator


@cache
def fast_validator() -> Any:
    """The same schema in the same draft (2020-12: what `jsonschema` picks for a schema
    that names none), checked in Rust."""
    return jsonschema_rs.Draft202012Validator(RemoteAction.action_response_format_spec())


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """`RemoteAction._validate_action_result`: True, or Rasa's `ValidationError`."""
    if fast_validator().is_valid(result):
        return True
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


PATCH = Patch(
    name=__name__,
    rasa_version="3.6.21",
    replacements=(
        Replacement(
            "rasa.core.actions.action:RemoteAction._validate_action_result",
            validate_action_result,
        ),
    ),
)
