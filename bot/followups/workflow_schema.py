"""The shape of a follow-up sequences file (``data/workflows/*.yml``, version 1).

`WORKFLOW_SCHEMA` checks the keys each part may have, their types and spellings; branch
conditions reuse the segment language's definitions from `bot.scoring.schemas`. What a
schema cannot express is checked in `bot.followups.workflow_checks`.
"""

from __future__ import annotations

from typing import Any

from bot.crm.tables import LEAD_STATUSES
from bot.scoring.schemas import SEGMENTS_SCHEMA

__all__ = [
    "CHANNELS",
    "EXITS",
    "OUTCOMES",
    "STEP_KINDS",
    "TRIGGER_KINDS",
    "TRIGGER_VALUES",
    "WEEKDAYS",
    "WORKFLOW_SCHEMA",
]

CHANNELS = ("sms", "telegram", "email")
EXITS = ("replied", "converted")
OUTCOMES = ("won", "lost")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TRIGGER_KINDS = (
    "form_left",
    "lead_segment",
    "lead_grade",
    "handoff_unanswered",
    "no_reply",
    "outcome",
)
STEP_KINDS = ("send", "wait", "branch", "update", "notify", "stop")
# The key holding a trigger's value; the other kinds have none.
TRIGGER_VALUES = {
    "form_left": "at",
    "lead_segment": "segment",
    "lead_grade": "grade",
    "outcome": "outcome",
}

_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_NAME_PATTERN = "^[a-z][a-z0-9_]*$"
_DURATION: dict[str, Any] = {
    "type": "string",
    "pattern": r"^\d+[mhdw]$",
    "description": "a duration such as 30m, 2h, 3d or 1w (minutes, hours, days, weeks)",
}
_TIME: dict[str, Any] = {
    "type": "string",
    "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$",
    "description": 'a time of day from "00:00" to "23:59", such as "10:00"',
}
_TEXT: dict[str, Any] = {"type": "string", "minLength": 1}


def _mapping(*required: str, **properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(required),
        "properties": properties,
        "additionalProperties": False,
    }


def _trigger(**value: Any) -> dict[str, Any]:
    """A trigger kind with its `value` key (required) and an optional `after`."""
    return _mapping(*value, **value, after=_DURATION)


_TRIGGER = {
    "type": "object",
    "properties": {
        "form_left": _mapping("after", after=_DURATION, at=_TEXT),
        "lead_segment": _trigger(segment=_TEXT),
        "lead_grade": _trigger(grade=_TEXT),
        "handoff_unanswered": _mapping("after", after=_DURATION),
        "no_reply": _mapping("after", after=_DURATION),
        "outcome": _trigger(outcome={"enum": list(OUTCOMES)}),
    },
    "additionalProperties": False,
}

_UNTIL = _mapping(
    "time",
    days={"type": "array", "minItems": 1, "items": {"enum": list(WEEKDAYS)}},
    time=_TIME,
)

# A wait is a duration, or a mapping with `until` (no "type" in "else": an integer gets
# one message, from "type", instead of a second one from the mapping branch).
_WAIT = {
    "type": ["string", "object"],
    "if": {"type": "string"},
    "then": _DURATION,
    "else": {"required": ["until"], "properties": {"until": _UNTIL}, "additionalProperties": False},
}


def _only(key: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"properties": {key: schema}, "additionalProperties": False}


# if/then chains rather than oneOf, as in the segments schema, so that a mistake is
# reported where it is instead of as "not valid under any of the given schemas".
_BRANCH_CONDITION = {
    "type": "object",
    "if": {"required": ["replied"]},
    "then": _only("replied", {"type": "boolean"}),
    "else": {
        "if": {"required": ["segment"]},
        "then": _only("segment", _TEXT),
        "else": {"$ref": "#/$defs/condition"},
    },
}

_STEP = {
    "type": "object",
    "properties": {
        "id": {
            "type": "string",
            "pattern": _NAME_PATTERN,
            "description": "a snake_case step id such as first_nudge",
        },
        "send": _mapping(
            "channel",
            "response",
            channel={"enum": list(CHANNELS)},
            response=_TEXT,
            subject={"type": "string", "minLength": 1, "maxLength": 150},
            resume_form={"type": "boolean"},
        ),
        "wait": _WAIT,
        "branch": _mapping("when", "goto", when=_BRANCH_CONDITION, goto=_TEXT),
        "update": _mapping(score={"type": "integer"}, status={"enum": list(LEAD_STATUSES)}),
        "notify": _mapping("message", message={"type": "string", "minLength": 1, "maxLength": 500}),
        "stop": {"type": ["object", "null"]},
    },
    "additionalProperties": False,
}

_SEQUENCE = _mapping(
    "name",
    "trigger",
    "steps",
    name={
        "type": "string",
        "pattern": _NAME_PATTERN,
        "description": "a snake_case name such as finish_the_form",
    },
    description={"type": "string"},
    trigger=_TRIGGER,
    exit_when={"type": "array", "items": {"enum": list(EXITS)}},
    steps={"type": "array", "minItems": 1, "items": _STEP},
)

WORKFLOW_SCHEMA: dict[str, Any] = {
    "$schema": _DIALECT,
    "type": "object",
    "required": ["version", "sequences"],
    "properties": {
        "version": {"const": 1},
        "sequences": {"type": "array", "minItems": 1, "items": _SEQUENCE},
    },
    "additionalProperties": False,
    "$defs": SEGMENTS_SCHEMA["$defs"],
}
