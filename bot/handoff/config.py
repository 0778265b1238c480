"""The team's handoff settings, written by marketers in `data/scoring/handoff.yml` beside
the segments (version 1) and checked as the scoring files are (file:line, did-you-mean).

    hours             per weekday, in the team's time zone; a day left out is closed
    wait_for_rep      how long a request waits for a rep before the person is told when
                      someone will reply
    max_open_per_rep  how many conversations a rep holds at most before routing passes on
    hand_over_when    leads that are handed to a rep without asking: by segment, by grade
                      or by any condition of the segment language
    reps              per rep (the console user's name): territories (ISO country codes),
                      languages and segments they take; a list left out takes any
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.scoring.checks import check_condition
from bot.scoring.facts import LeadFacts
from bot.scoring.issues import Issues, RulesError, hint
from bot.scoring.rules import checked, condition, parse
from bot.scoring.schemas import SEGMENTS_SCHEMA
from bot.scoring.score import LeadScore
from bot.scoring.segments import Condition

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Not `rules`: Rasa reads every YAML file under data/, and a `rules` key is its own.
RULES = "hand_over_when"
_SPAN = {
    "type": "string",
    "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9]$",
    "description": 'opening hours such as "09:00-17:30"',
}
_DURATION = {
    "type": "string",
    "pattern": r"^\d+[smh]$",
    "description": "a duration such as 90s, 3m or 1h",
}
_NAMES = {"type": "array", "items": {"type": "string", "minLength": 1}}


def _mapping(*required: str, **properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(required),
        "properties": properties,
        "additionalProperties": False,
    }


HANDOFF_SCHEMA: dict[str, Any] = {
    **_mapping(
        "version",
        "time_zone",
        "hours",
        version={"const": 1},
        time_zone={"type": "string", "minLength": 1},
        hours=_mapping(**{day: _SPAN for day in WEEKDAYS}),
        wait_for_rep=_DURATION,
        max_open_per_rep={"type": "integer", "minimum": 1},
        hand_over_when={
            "type": "array",
            "items": {
                **_mapping(
                    "name",
                    name={"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                    segment={"type": "string", "minLength": 1},
                    grade={"type": "string", "minLength": 1},
                    when={"$ref": "#/$defs/condition"},
                ),
                "minProperties": 2,
                "maxProperties": 2,
            },
        },
        reps={
            "type": "object",
            "additionalProperties": _mapping(territories=_NAMES, languages=_NAMES, segments=_NAMES),
        },
    ),
    "$defs": SEGMENTS_SCHEMA["$defs"],
}


@dataclass(frozen=True)
class Rule:
    """Leads matching it are handed to a rep without asking."""

    name: str
    segment: str | None = None
    grade: str | None = None
    when: Condition | None = None

    def matches(self, facts: LeadFacts, score: LeadScore, segments: list[str]) -> bool:
        if self.segment is not None:
            return self.segment in segments
        if self.grade is not None:
            return score.grade == self.grade
        return self.when is not None and self.when.holds(facts, score)


@dataclass(frozen=True)
class Rep:
    territories: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    segments: frozenset[str] = frozenset()


@dataclass(frozen=True)
class HandoffConfig:
    time_zone: ZoneInfo
    hours: dict[int, tuple[time, time]]  # weekday (Monday 0) → opening, closing
    wait_for_rep: timedelta = timedelta(minutes=3)
    max_open_per_rep: int = 5
    rules: tuple[Rule, ...] = ()
    reps: dict[str, Rep] = field(default_factory=dict)


def _clock(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    return time.max if hours == 24 else time(hours, minutes)


def _duration(text: str) -> timedelta:
    unit = {"s": "seconds", "m": "minutes", "h": "hours"}[text[-1]]
    return timedelta(**{unit: int(text[:-1])})


def _check(issues: Issues, segments: Collection[str], grades: Collection[str]) -> None:
    """What the schema cannot say; names are checked against the project's segments and
    grades when they are known (empty: their own file has a mistake, reported there)."""
    root = issues.root
    try:
        ZoneInfo(str(root["time_zone"]))
    except (ZoneInfoNotFoundError, ValueError):
        issues.add(["time_zone"], f"unknown time zone {root['time_zone']!r}, e.g. Europe/Berlin")
    for day, span in (root.get("hours") or {}).items():
        opening, closing = str(span).split("-")
        if opening >= closing:
            issues.add(["hours", day], f"{span}: the closing time must come after the opening")
    for index, rule in enumerate(root.get(RULES) or []):
        if "when" in rule:
            check_condition(issues, [RULES, index, "when"], rule["when"], grades or None)
        for key, known in (("segment", segments), ("grade", grades)):
            if key in rule and known and str(rule[key]) not in known:
                name = rule[key]
                issues.add(
                    [RULES, index, key], f"unknown {key} '{name}'{hint(name, sorted(known))}"
                )
    for name, spec in (root.get("reps") or {}).items():
        for segment in (spec or {}).get("segments") or ():
            if segments and str(segment) not in segments:
                message = f"unknown segment '{segment}'{hint(segment, sorted(segments))}"
                issues.add(["reps", name, "segments"], message)


def parse_config(
    path: Path,
    *,
    shown_as: str | None = None,
    segments: Collection[str] = (),
    grades: Collection[str] = (),
) -> Issues:
    return checked(
        parse(path, shown_as=shown_as),
        HANDOFF_SCHEMA,
        lambda issues: _check(issues, segments, grades),
    )


def validate_handoff_file(
    path: Path,
    *,
    shown_as: str | None = None,
    segments: Collection[str] = (),
    grades: Collection[str] = (),
) -> list[RulesError]:
    """Every mistake in the file, in line order; rules and reps naming segments or grades
    the project does not have are mistakes too."""
    return parse_config(path, shown_as=shown_as, segments=segments, grades=grades).errors


def _names(node: Mapping[str, Any], key: str) -> frozenset[str]:
    return frozenset(str(item) for item in node.get(key) or ())


def load_handoff_config(path: Path) -> HandoffConfig:
    """The settings in `path`; raises the first `RulesError` if it has a mistake."""
    issues = parse_config(path)
    if issues.errors:
        raise issues.errors[0]
    root = issues.root
    hours = {}
    for day, span in (root.get("hours") or {}).items():
        opening, closing = str(span).split("-")
        hours[WEEKDAYS.index(day)] = (_clock(opening), _clock(closing))
    return HandoffConfig(
        time_zone=ZoneInfo(str(root["time_zone"])),
        hours=hours,
        wait_for_rep=_duration(str(root.get("wait_for_rep", "3m"))),
        max_open_per_rep=int(root.get("max_open_per_rep", 5)),
        rules=tuple(
            Rule(
                str(rule["name"]),
                segment=str(rule["segment"]) if "segment" in rule else None,
                grade=str(rule["grade"]) if "grade" in rule else None,
                when=condition(rule["when"]) if "when" in rule else None,
            )
            for rule in root.get(RULES) or ()
        ),
        reps={
            str(name): Rep(
                _names(spec or {}, "territories"),
                _names(spec or {}, "languages"),
                _names(spec or {}, "segments"),
            )
            for name, spec in (root.get("reps") or {}).items()
        },
    )
