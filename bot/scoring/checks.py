"""Checks on the scoring files that a JSON Schema cannot express.

Bands that overlap or run backwards, grades out of order, a domain on two lists, a
segment comparing a field with a value it can never have: each is reported through
`Issues` at its line. Each check runs only on the parts the schema found well-shaped,
so a file's remaining mistakes are still all reported.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from itertools import pairwise
from typing import Any

from bot.scoring.issues import Issues, hint
from bot.scoring.segments import FIELDS, Field

__all__ = ["check_condition", "check_rules", "check_segments"]


def _bounds(band: Mapping[str, Any]) -> str:
    high = band.get("max")
    return f"{band['min']}+" if high is None else f"{band['min']}–{high}"


def _check_bands(issues: Issues, dimension: str, bands: list[Any]) -> None:
    seen: dict[str, int] = {}
    usable = []
    for index, band in enumerate(bands):
        name, path = band["name"], [dimension, "bands", index]
        if name in seen:
            first = issues.line([dimension, "bands", seen[name]])
            issues.add(
                path, f"band '{name}' of {dimension} is defined twice (first at line {first})"
            )
        seen.setdefault(name, index)
        if band.get("max") is not None and band["min"] > band["max"]:
            issues.add(
                path,
                f"band '{name}' of {dimension} has min {band['min']} greater than "
                f"max {band['max']}",
            )
        else:
            usable.append((index, band))
    # Bands may leave gaps (a lead there scores 0), but an overlap makes a lead's band ambiguous.
    usable.sort(key=lambda item: item[1]["min"])
    for (_, lower), (index, upper) in pairwise(usable):
        if lower.get("max") is None or upper["min"] <= lower["max"]:
            issues.add(
                [dimension, "bands", index],
                f"band '{upper['name']}' of {dimension} "
                f"({_bounds(upper)}) overlaps band '{lower['name']}' ({_bounds(lower)})",
            )


def _check_grades(issues: Issues, grades: list[Any]) -> None:
    seen: set[str] = set()
    for index, grade in enumerate(grades):
        if grade["grade"] in seen:
            issues.add(["grades", index], f"grade '{grade['grade']}' is listed twice")
        seen.add(grade["grade"])
        previous = grades[index - 1] if index else None
        if previous is not None and grade["min"] >= previous["min"]:
            issues.add(
                ["grades", index],
                "grade thresholds must be strictly descending: "
                f"'{grade['grade']}' (min {grade['min']}) comes after "
                f"'{previous['grade']}' (min {previous['min']})",
            )
    if grades[-1]["min"] != 0:
        issues.add(
            ["grades", len(grades) - 1],
            f"the last grade '{grades[-1]['grade']}' must "
            "have min 0, so that every lead gets a grade",
        )


def check_rules(issues: Issues) -> None:
    """Checks on a rules file, on the parts that match RULES_SCHEMA."""
    root = issues.root
    for dimension in ("company_size", "budget"):
        if issues.clean([dimension]):
            _check_bands(issues, dimension, root[dimension]["bands"])
    if issues.clean(["grades"]):
        _check_grades(issues, root["grades"])
    if issues.clean(["budget"]) and issues.clean(["currency_rates"]):
        _check_rates(issues, root["budget"]["currency"], root.get("currency_rates", {}))
    if issues.clean(["email_domains"]):
        _check_domains(issues, root.get("email_domains", []))
    if "engagement" in root and issues.clean(["engagement"]):
        _check_opened_content(issues, root["engagement"])


def _check_opened_content(issues: Issues, engagement: Mapping[str, Any]) -> None:
    # A cap below one item's points means that stage can never give what it says.
    cap, points = engagement["cap"], engagement["opened_content"]
    above = [f"{stage} ({worth})" for stage, worth in points.items() if worth > cap]
    if above:
        issues.add(
            ["engagement", "cap"],
            f"the cap of {cap} for content opened is less than the points of one "
            f"{' or '.join(above)} item; raise the cap or lower the points",
        )


def _check_rates(issues: Issues, own: str, rates: Mapping[str, float]) -> None:
    if rates.get(own, 1) != 1:
        issues.add(
            ["currency_rates", own],
            f"currency_rates gives {own}, the budget bands' own "
            "currency, a rate other than 1; remove it",
        )


def _check_domains(issues: Issues, lists: list[Any]) -> None:
    listed: dict[str, str] = {}
    for index, domains in enumerate(lists):
        for position, domain in enumerate(domains["domains"]):
            if domain in listed:
                issues.add(
                    ["email_domains", index, "domains", position],
                    f"domain '{domain}' is listed twice (also in '{listed[domain]}')",
                )
            listed.setdefault(domain, domains["name"])


def _value_problem(name: str, field: Field, value: Any, grades: Collection[str] | None) -> str:
    if field.kind == "bool" and not isinstance(value, bool):
        return f"{name} is true or false, not {value!r}"
    if field.kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        return f"{name} is a number, not {value!r}"
    if field.kind in ("text", "choice") and not isinstance(value, str):
        return f"{name} is text, not {value!r}"
    if field.kind == "choice" and value not in field.choices:
        return f"{name} is never {value!r}{hint(value, field.choices)}"
    known = {g.casefold() for g in grades or ()}
    if name == "grade" and grades is not None and str(value).casefold() not in known:
        return f"{value!r} is not a grade in the rules ({', '.join(grades)})"
    return ""


def _check_comparison(
    issues: Issues, path: list[Any], node: Mapping[str, Any], grades: Collection[str] | None
) -> None:
    name, op = node["field"], node["op"]
    field = FIELDS.get(name)
    if field is None:
        issues.add([*path, "field"], f"unknown field '{name}'{hint(name, FIELDS)}")
        return
    has_value, value = "value" in node, node.get("value")
    if op in ("exists", "missing"):
        if has_value:
            issues.add([*path, "value"], f"'{op}' takes no value")
        return
    if not has_value:
        issues.add(path, f"'{op}' needs a value")
        return
    problem = ""
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            problem = f"'{op}' needs a list of values, not {value!r}"
        else:
            problem = next(
                filter(None, (_value_problem(name, field, v, grades) for v in value)), ""
            )
    elif isinstance(value, list | Mapping):
        problem = f"'{op}' compares with one value, not {value!r}; use 'in' for a list"
    elif op in ("gte", "lte", "gt", "lt") and field.kind != "number":
        problem = f"'{op}' only compares numbers, and {name} is not one"
    elif op == "contains" and field.kind != "text":
        problem = f"'contains' only looks inside text, and {name} is not free text"
    else:
        problem = _value_problem(name, field, value, grades)
    if problem:
        issues.add([*path, "value"], problem)


def check_condition(
    issues: Issues, path: list[Any], node: Any, grades: Collection[str] | None
) -> None:
    """Checks on a condition of the segment language at `path` (a segment's ``when``)."""
    # Walks whatever is well-shaped, so one broken comparison hides none of its siblings.
    if not isinstance(node, Mapping):
        return
    for group in ("all", "any"):
        children = node.get(group)
        for index, child in enumerate(children if isinstance(children, list) else []):
            check_condition(issues, [*path, group, index], child, grades)
    if "not" in node:
        check_condition(issues, [*path, "not"], node["not"], grades)
    elif "field" in node and issues.clean(path):
        _check_comparison(issues, path, node, grades)


def check_segments(issues: Issues, grades: Collection[str] | None = None) -> None:
    """Checks on a segments file, on the parts that match SEGMENTS_SCHEMA.

    `grades`, when the rules are known, lets a comparison on a grade that does not exist
    be caught here instead of silently matching no lead.
    """
    segments = issues.root.get("segments") if isinstance(issues.root, Mapping) else None
    first: dict[str, int] = {}
    for index, segment in enumerate(segments if isinstance(segments, list) else []):
        if not isinstance(segment, Mapping):
            continue
        name = segment.get("name")
        if isinstance(name, str) and name in first:
            issues.add(
                ["segments", index, "name"],
                f"duplicate segment name '{name}' "
                f"(first defined at line {issues.line(['segments', first[name]])})",
            )
        elif isinstance(name, str):
            first[name] = index
        check_condition(issues, ["segments", index, "when"], segment.get("when"), grades)
