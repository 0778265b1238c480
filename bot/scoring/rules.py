"""Load the marketer-edited scoring files, refusing any with a mistake in them.

``data/scoring/rules.yml`` becomes `ScoringRules` and ``data/scoring/segments.yml`` a
list of `Segment`. Every problem is a `RulesError` naming file and line, and
`validate_rule_files` reports all of them at once, so a marketer fixes a file in one go:

    python -m bot.scoring data/scoring/rules.yml data/scoring/segments.yml
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from bot.scoring.checks import check_rules, check_segments
from bot.scoring.issues import Issues, RulesError, check_schema
from bot.scoring.model import (
    Band,
    BandScale,
    DomainList,
    Grade,
    OpenedContentPoints,
    ScoringRules,
)
from bot.scoring.schemas import RULES_SCHEMA, SEGMENTS_SCHEMA
from bot.scoring.segments import AllOf, AnyOf, Comparison, Condition, Not, Segment

__all__ = [
    "RulesError",
    "ScoringRules",
    "Segment",
    "checked",
    "condition",
    "load_scoring_rules",
    "load_segments",
    "parse",
    "validate_rule_files",
]


_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")


def _impossible_date(text: str) -> tuple[int | None, str]:
    """The line and text of the first date in `text` that does not exist."""
    for number, line in enumerate(text.splitlines(), 1):
        for match in _DATE.finditer(line):
            try:
                date(*(int(part) for part in match.groups()))
            except ValueError:
                return number, match.group()
    return None, ""


def parse(path: Path, *, shown_as: str | None = None) -> Issues:
    """The file's YAML tree (round-trip, so nodes know their lines) or why it has none.

    Its errors name the file `shown_as`, by default `path` as given.
    """
    file = str(path) if shown_as is None else shown_as
    issues = Issues(file, None)
    text = ""
    try:
        text = path.read_text(encoding="utf-8")
        issues.root = YAML(typ="rt").load(text)
    except OSError as exc:
        issues.errors.append(RulesError(file, None, f"cannot read the file: {exc.strerror}"))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        # A duplicate key's problem goes on to dump both values; the key is what matters.
        problem = str(exc.problem).split(" with value ", 1)[0]
        issues.errors.append(RulesError(file, line, f"not valid YAML: {problem}"))
    except YAMLError as exc:
        issues.errors.append(RulesError(file, None, f"not valid YAML: {exc}"))
    except ValueError as exc:  # ruamel makes dates as it reads: 2027-02-30 fails there
        line, given = _impossible_date(text)
        message = f"{given or 'a date'} is not a date that exists ({exc})"
        issues.errors.append(RulesError(file, line, message))
    else:
        if issues.root is None:
            issues.errors.append(RulesError(file, 1, "the file is empty"))
    return issues


def checked(
    issues: Issues, schema: Mapping[str, Any], semantic: Callable[[Issues], None]
) -> Issues:
    """`issues` after the schema and then the `semantic` checks, errors in line order."""
    if not issues.errors:
        check_schema(issues, schema)
        semantic(issues)
    issues.errors.sort(key=lambda error: error.line or 0)
    return issues


def _plain(value: Any) -> Any:
    """ruamel's scalar and collection subclasses as plain, immutable Python values."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, list):
        return tuple(_plain(item) for item in value)
    return str(value)


def _maybe_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _scale(node: Mapping[str, Any]) -> BandScale:
    bands = tuple(
        Band(str(b["name"]), float(b["min"]), _maybe_float(b.get("max")), int(b["points"]))
        for b in node["bands"]
    )
    return BandScale(bands, str(node.get("match_on", "midpoint")))


def _points(node: Mapping[str, Any] | None) -> dict[str, int]:
    return {str(name): int(points) for name, points in (node or {}).items()}


def _opened_content(node: Mapping[str, Any] | None) -> OpenedContentPoints | None:
    if node is None:
        return None
    return OpenedContentPoints(_points(node["opened_content"]), int(node["cap"]))


def _rules_from(root: Mapping[str, Any]) -> ScoringRules:
    return ScoringRules(
        company_size=_scale(root["company_size"]),
        budget=_scale(root["budget"]),
        budget_currency=str(root["budget"]["currency"]),
        currency_rates={str(c): float(r) for c, r in root.get("currency_rates", {}).items()},
        timeline=_points(root["timeline"]),
        authority=_points(root["authority"]),
        signals=_points(root.get("signals")),
        consent=_points(root.get("consent")),
        email_domains=tuple(
            DomainList(str(d["name"]), int(d["points"]), frozenset(map(str, d["domains"])))
            for d in root.get("email_domains", [])
        ),
        grades=tuple(Grade(str(g["grade"]), int(g["min"])) for g in root["grades"]),
        opened_content=_opened_content(root.get("engagement")),
    )


def condition(node: Mapping[str, Any]) -> Condition:
    """The condition a well-shaped ``when`` node of the segment language stands for."""
    if "all" in node:
        return AllOf(tuple(condition(child) for child in node["all"]))
    if "any" in node:
        return AnyOf(tuple(condition(child) for child in node["any"]))
    if "not" in node:
        return Not(condition(node["not"]))
    return Comparison(str(node["field"]), str(node["op"]), _plain(node.get("value")))


def _segments_from(root: Mapping[str, Any]) -> list[Segment]:
    return [
        Segment(str(s["name"]), str(s.get("description", "")), condition(s["when"]))
        for s in root["segments"]
    ]


def load_scoring_rules(path: Path) -> ScoringRules:
    """The scoring rules in `path`; raises the first `RulesError` if it has any mistake."""
    issues = checked(parse(path), RULES_SCHEMA, check_rules)
    if issues.errors:
        raise issues.errors[0]
    return _rules_from(issues.root)


def load_segments(path: Path) -> list[Segment]:
    """The segments in `path`, in file order; raises the first `RulesError` if any."""
    issues = checked(parse(path), SEGMENTS_SCHEMA, check_segments)
    if issues.errors:
        raise issues.errors[0]
    return _segments_from(issues.root)


def _is_segments_file(issues: Issues) -> bool:
    return isinstance(issues.root, Mapping) and "segments" in issues.root


def validate_rule_files(paths: Iterable[Path | str]) -> list[RulesError]:
    """Every mistake in the given rules and segments files, in file and line order.

    A file with a top-level ``segments`` key is a segments file, any other a rules file.
    Segments are also checked against the grades of the valid rules files given with them.
    """
    parsed = [parse(Path(path)) for path in paths]
    grades: set[str] = set()
    rules_seen = False
    for issues in parsed:
        if not _is_segments_file(issues):
            checked(issues, RULES_SCHEMA, check_rules)
            if issues.clean(["grades"]):
                rules_seen = True
                grades.update(str(grade["grade"]) for grade in issues.root["grades"])
    known = sorted(grades) if rules_seen else None
    for issues in parsed:
        if _is_segments_file(issues):
            checked(issues, SEGMENTS_SCHEMA, lambda found: check_segments(found, known))
    return [error for issues in parsed for error in issues.errors]
