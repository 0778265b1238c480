"""JSON Schemas for the two marketer-edited files, data/scoring/rules.yml and segments.yml.

They check shape only (names, types, allowed keys); checks that need to compare values,
such as bands that overlap, live in `bot.scoring.checks`. A schema's "description" is
what an error message calls a value that does not match its pattern.
"""

from __future__ import annotations

from typing import Any

from bot.scoring.facts import AUTHORITIES, CONSENT_PURPOSES, CONTENT_STAGES, SIGNALS, TIMELINES
from bot.scoring.segments import OPERATORS

__all__ = ["RULES_SCHEMA", "SEGMENTS_SCHEMA"]

_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_POINTS: dict[str, Any] = {"type": "integer", "minimum": -100, "maximum": 100}
_CURRENCY: dict[str, Any] = {
    "type": "string",
    "pattern": "^[A-Z]{3}$",
    "description": "a three-letter currency code such as USD",
}


_GAIN: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": 100}


def _points_per(names: tuple[str, ...], points: dict[str, Any] = _POINTS) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": dict.fromkeys(names, points),
        "additionalProperties": False,
    }


def _scale(**extra: Any) -> dict[str, Any]:
    band = {
        "type": "object",
        "required": ["name", "min", "points"],
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "min": {"type": "number", "minimum": 0},
            "max": {"type": ["number", "null"], "minimum": 0},
            "points": _POINTS,
        },
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "required": ["bands", *extra],
        "properties": {
            "match_on": {"enum": ["low", "midpoint", "high"]},
            "bands": {"type": "array", "minItems": 1, "items": band},
            **extra,
        },
        "additionalProperties": False,
    }


RULES_SCHEMA: dict[str, Any] = {
    "$schema": _DIALECT,
    "type": "object",
    "required": ["company_size", "budget", "timeline", "authority", "grades"],
    "properties": {
        "version": {"const": 1},
        "currency_rates": {
            "type": "object",
            "propertyNames": _CURRENCY,
            "additionalProperties": {"type": "number", "exclusiveMinimum": 0},
        },
        "company_size": _scale(),
        "budget": _scale(currency=_CURRENCY),
        "timeline": _points_per(TIMELINES),
        "authority": _points_per(AUTHORITIES),
        "signals": _points_per(SIGNALS),
        "consent": _points_per(CONSENT_PURPOSES),
        # Opening content is never held against a lead: no negative points.
        "engagement": {
            "type": "object",
            "required": ["opened_content", "cap"],
            "properties": {"opened_content": _points_per(CONTENT_STAGES, _GAIN), "cap": _GAIN},
            "additionalProperties": False,
        },
        "email_domains": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "points", "domains"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "points": _POINTS,
                    "domains": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "string",
                            "pattern": r"^[a-z0-9-]+(\.[a-z0-9-]+)+$",
                            "description": "a lower-case domain such as gmail.com",
                        },
                    },
                },
                "additionalProperties": False,
            },
        },
        "grades": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["grade", "min"],
                "properties": {
                    "grade": {"type": "string", "minLength": 1},
                    "min": {"type": "integer", "minimum": 0, "maximum": 100},
                },
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}


def _group(key: str, inner: dict[str, Any]) -> dict[str, Any]:
    return {"properties": {key: inner}, "additionalProperties": False}


_CONDITIONS = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}}

# if/then chains rather than oneOf, so a mistake inside a branch is reported where it
# is instead of as "not valid under any of the given schemas".
SEGMENTS_SCHEMA: dict[str, Any] = {
    "$schema": _DIALECT,
    "type": "object",
    "required": ["segments"],
    "properties": {
        "version": {"const": 1},
        "segments": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "when"],
                "properties": {
                    "name": {
                        "type": "string",
                        "pattern": "^[a-z][a-z0-9_]*$",
                        "description": "a snake_case name such as hot_enterprise",
                    },
                    "description": {"type": "string"},
                    "when": {"$ref": "#/$defs/condition"},
                },
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
    "$defs": {
        "condition": {
            "type": "object",
            "if": {"required": ["all"]},
            "then": _group("all", _CONDITIONS),
            "else": {
                "if": {"required": ["any"]},
                "then": _group("any", _CONDITIONS),
                "else": {
                    "if": {"required": ["not"]},
                    "then": _group("not", {"$ref": "#/$defs/condition"}),
                    "else": {"$ref": "#/$defs/comparison"},
                },
            },
        },
        "comparison": {
            "type": "object",
            "required": ["field", "op"],
            "properties": {
                "field": {"type": "string"},
                "op": {"enum": list(OPERATORS)},
                "value": {},
            },
            "additionalProperties": False,
        },
    },
}
