"""The web chat's triggers: ``data/targeting/triggers.yml``, which greeting and opening
offer a visitor sees, by page, campaign, referrer, time on page, returning visit and
known segment. Checked as the scoring files are (file:line, did-you-mean).

    triggers:
      - name: pricing-page          # lower case, digits and dashes; unique
        when:                       # every condition given must hold; none: always
          path: /pricing*           # the page's path, a glob or a list of globs
          after_s: 20               # shown after this many seconds on the page
        greeting: Comparing plans?  # the proactive greeting, up to 300 characters
        offer: plan-growth          # optional: a catalogue item (data/content) shown with it

Conditions: ``path``, ``referrer`` (the referring site's host, globs such as
``*.google.*``), ``utm_source``, ``utm_medium``, ``utm_campaign`` (one value or a list,
case ignored), ``returning`` (true: the browser has visited before; false: first visit),
``segment`` (one name or a list: the segments of the lead this browser's conversation
became). ``after_s`` is not a filter: it is how long the visitor is on the page before the
greeting shows. The first trigger whose conditions hold wins (`bot.targeting.choose`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.scoring.issues import Issues, RulesError, hint
from bot.scoring.rules import checked, parse

__all__ = [
    "CONDITIONS",
    "Conditions",
    "Trigger",
    "load_triggers",
    "validate_trigger_file",
]

TRIGGERS = "triggers"
MAX_GREETING = 300
MAX_AFTER_S = 600
_NAME = r"^[a-z0-9][a-z0-9-]{0,63}$"
_TEXT = {"type": "string", "minLength": 1, "maxLength": 200}
_TEXTS = {"anyOf": [_TEXT, {"type": "array", "items": _TEXT, "minItems": 1}]}
CONDITIONS = (
    "path",
    "referrer",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "returning",
    "segment",
)
WHEN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        **dict.fromkeys(CONDITIONS, _TEXTS),
        "returning": {"type": "boolean"},
        "after_s": {"type": "number", "minimum": 0, "maximum": MAX_AFTER_S},
    },
    "additionalProperties": False,
}
TRIGGERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [TRIGGERS],
    "properties": {
        TRIGGERS: {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "greeting"],
                "properties": {
                    "name": {
                        "type": "string",
                        "pattern": _NAME,
                        "description": "lower-case letters, digits and dashes, "
                        "such as pricing-page",
                    },
                    "when": WHEN_SCHEMA,
                    "greeting": {"type": "string", "minLength": 1, "maxLength": MAX_GREETING},
                    "offer": {"type": "string", "minLength": 1},
                },
                "additionalProperties": False,
            },
        }
    },
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Conditions:
    """What must hold for a trigger; an empty tuple or None holds for everyone."""

    paths: tuple[str, ...] = ()
    referrers: tuple[str, ...] = ()
    utm_sources: tuple[str, ...] = ()
    utm_media: tuple[str, ...] = ()
    utm_campaigns: tuple[str, ...] = ()
    returning: bool | None = None
    segments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trigger:
    name: str
    when: Conditions
    greeting: str
    after_s: float | None = None  # None: the web chat's default delay
    offer: str | None = None  # a catalogue item's id
    source: str = ""  # file:line


def _names(node: Any, *, lower: bool = False) -> tuple[str, ...]:
    if node is None:
        return ()
    values = [node] if isinstance(node, str) else list(node)
    return tuple(str(v).strip().lower() if lower else str(v).strip() for v in values)


def _check_trigger(
    issues: Issues,
    index: int,
    node: Mapping[str, Any],
    segments: Collection[str],
    items: Collection[str],
) -> None:
    path = [TRIGGERS, index]
    when = node.get("when") or {}
    for glob in _names(when.get("path")):
        if not glob.startswith(("/", "*")):
            issues.add([*path, "when", "path"], f"path '{glob}' must start with / (or *)")
    for name in _names(when.get("segment")):
        if segments and name not in segments:
            issues.add(
                [*path, "when", "segment"],
                f"unknown segment '{name}'{hint(name, sorted(segments))}",
            )
    offer = node.get("offer")
    if offer is not None and items and str(offer) not in items:
        issues.add([*path, "offer"], f"unknown content item '{offer}'{hint(offer, sorted(items))}")


def _check(issues: Issues, segments: Collection[str], items: Collection[str]) -> None:
    first: dict[str, int] = {}
    for index, node in enumerate(issues.root.get(TRIGGERS) or ()):
        if not issues.clean([TRIGGERS, index]):
            continue
        _check_trigger(issues, index, node, segments, items)
        name = str(node["name"])
        if name in first:
            issues.add(
                [TRIGGERS, index, "name"],
                f"duplicate name '{name}'; it is already used at line {first[name]}",
            )
        else:
            first[name] = issues.line([TRIGGERS, index, "name"])


def _parsed(path: Path, segments: Collection[str], items: Collection[str]) -> Issues:
    return checked(parse(path), TRIGGERS_SCHEMA, lambda found: _check(found, segments, items))


def validate_trigger_file(
    path: Path, *, segments: Collection[str] = (), items: Collection[str] = ()
) -> list[RulesError]:
    """Every mistake in the triggers file, in line order. Segment names and offered items
    are checked against `segments` and `items` when given."""
    return _parsed(path, segments, items).errors


def _conditions(node: Mapping[str, Any]) -> Conditions:
    returning = node.get("returning")
    return Conditions(
        paths=_names(node.get("path")),
        referrers=_names(node.get("referrer"), lower=True),
        utm_sources=_names(node.get("utm_source"), lower=True),
        utm_media=_names(node.get("utm_medium"), lower=True),
        utm_campaigns=_names(node.get("utm_campaign"), lower=True),
        returning=None if returning is None else bool(returning),
        segments=_names(node.get("segment")),
    )


def load_triggers(
    path: Path, *, segments: Collection[str] = (), items: Collection[str] = ()
) -> tuple[Trigger, ...]:
    """The triggers in file order; raises the first `RulesError` if the file has any."""
    issues = _parsed(path, segments, items)
    if issues.errors:
        raise issues.errors[0]
    triggers = []
    for index, node in enumerate(issues.root[TRIGGERS] or ()):
        when = node.get("when") or {}
        after = when.get("after_s")
        triggers.append(
            Trigger(
                name=str(node["name"]),
                when=_conditions(when),
                greeting=" ".join(str(node["greeting"]).split()),
                after_s=None if after is None else float(after),
                offer=None if node.get("offer") is None else str(node["offer"]),
                source=f"{issues.file}:{issues.line([TRIGGERS, index])}",
            )
        )
    return tuple(triggers)


def is_name(text: str) -> bool:
    """Whether `text` could be a trigger's name (what a widget may send back)."""
    return re.fullmatch(_NAME, text) is not None
