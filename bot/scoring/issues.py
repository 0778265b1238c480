"""Mistakes found in a marketer-edited scoring file, each placed at its line.

`Issues` ties each message to the line of the YAML node it is about (ruamel's round-trip
loader records ``.lc`` positions), and `check_schema` turns jsonschema's errors into
sentences a marketer can act on ("unknown field 'compnay'; did you mean 'company_size'?").
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

__all__ = ["Issues", "NodePath", "RulesError", "check_schema", "hint"]

NodePath = Sequence[Any]  # mapping keys and list indexes, root first
_TYPES = {
    "integer": "a whole number",
    "number": "a number",
    "string": "text",
    "object": "a mapping of names to values",
    "array": "a list",
    "boolean": "true or false",
    "null": "empty",
}

_LIMITS = {
    "minimum": "it can't be less than {}",
    "maximum": "it can't be more than {}",
    "exclusiveMinimum": "it must be more than {}",
    "minItems": "list at least {} item(s)",
    "minLength": "it needs at least {} character(s)",
    "maxLength": "it can have at most {} character(s)",
    "const": "it must be {!r}",
}


class RulesError(ValueError):
    """A mistake in a scoring file; ``str()`` is ``file:line: message``."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")
        self.file, self.line, self.message = file, line, message


class Issues:
    """The errors found in one parsed file, each placed at its node's line."""

    def __init__(self, file: str, root: Any) -> None:
        self.file, self.root = file, root
        self.errors: list[RulesError] = []
        self._paths: list[tuple[Any, ...]] = []

    def line(self, path: NodePath) -> int:
        """1-based line of the node at `path`, or of its deepest ancestor that exists."""
        node = self.root
        line = node.lc.line if hasattr(node, "lc") else 0
        for key in path:
            if isinstance(node, Mapping) and hasattr(node, "lc") and key in node:
                line = node.lc.key(key)[0]
            elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
                # mypy knows only list here; ruamel's CommentedSeq carries the positions.
                line = node.lc.item(key)[0]  # type: ignore[attr-defined]
            else:
                break
            node = node[key]
        return line + 1

    def add(self, path: NodePath, message: str, *, about: NodePath | None = None) -> None:
        """Record `message` at the line of `path`; `about` is the node it makes unusable."""
        self.errors.append(RulesError(self.file, self.line(path), message))
        self._paths.append(tuple(path if about is None else about))

    def clean(self, path: NodePath) -> bool:
        """Whether nothing at, above or below `path` has an error yet.

        Semantic checks index the tree freely, so each runs only on a part the schema
        found well-shaped; the rest of the file is still checked.
        """
        wanted = tuple(path)
        return isinstance(self.root, Mapping) and not any(
            found[: len(wanted)] == wanted or wanted[: len(found)] == found for found in self._paths
        )


def _where(path: NodePath) -> str:
    text = "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in path)
    return text.lstrip(".") or "the file"


def hint(given: Any, choices: Collection[Any]) -> str:
    close = difflib.get_close_matches(str(given), [str(c) for c in choices], n=1)
    listed = "; expected one of: " + ", ".join(str(c) for c in choices)
    return f"; did you mean '{close[0]}'?" if close else listed


def _report(issues: Issues, error: ValidationError) -> None:
    path, kind, value = list(error.absolute_path), error.validator, error.instance
    where = _where(path)
    if kind == "additionalProperties" and error.validator_value is False:
        allowed = list(error.schema.get("properties", {}))
        for key in [k for k in value if k not in allowed]:
            issues.add([*path, key], f"unknown field '{key}' in {where}{hint(key, allowed)}")
    elif kind == "required":
        for key in [k for k in error.validator_value if k not in value]:
            # About the missing key, so only the checks that need that key are skipped.
            issues.add(path, f"{where} is missing '{key}'", about=[*path, key])
    elif kind == "enum" and path[-1:] == ["op"]:
        issues.add(path, f"unknown operator '{value}'{hint(value, error.validator_value)}")
    elif kind == "enum":
        issues.add(path, f"{where} is '{value}'{hint(value, error.validator_value)}")
    elif kind == "type":
        types = error.validator_value
        wanted = " or ".join(_TYPES[t] for t in ([types] if isinstance(types, str) else types))
        issues.add(path, f"{where} should be {wanted}, not {value!r}")
    elif kind == "pattern" and "propertyNames" in error.schema_path:
        issues.add([*path, value], f"{value!r} in {where} is not {error.schema['description']}")
    elif kind == "pattern":
        issues.add(path, f"{where} is {value!r}, which is not {error.schema['description']}")
    elif kind in _LIMITS:
        issues.add(path, f"{where} is {value!r}; {_LIMITS[kind].format(error.validator_value)}")
    else:
        issues.add(path, f"{where}: {error.message}")


def check_schema(issues: Issues, schema: Mapping[str, Any]) -> None:
    for error in Draft202012Validator(schema).iter_errors(issues.root):
        _report(issues, error)
