"""Marketing segments: named conditions on a scored lead, from data/scoring/segments.yml.

A segment's condition is a tree of `all` / `any` / `not` over comparisons such as
``{field: grade, op: eq, value: A}``. A comparison on a fact the lead never gave (missing,
"unknown" or "declined") is false whatever the operator, except `missing`, so a segment
never catches a lead by accident of what it did not say.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

from bot.scoring.facts import (
    AUTHORITIES,
    CONSENT_STATES,
    TIMELINES,
    LeadFacts,
    Span,
    is_answered,
)
from bot.scoring.score import LeadScore

__all__ = [
    "FIELDS",
    "OPERATORS",
    "AllOf",
    "AnyOf",
    "Comparison",
    "Condition",
    "Field",
    "Not",
    "Segment",
    "segments_for",
]


@dataclass(frozen=True)
class Field:
    """A fact a segment may test: its kind decides which operators and values make sense."""

    kind: str  # "number", "text", "bool" or "choice"
    read: Callable[[LeadFacts, LeadScore], Any]
    choices: tuple[str, ...] = ()


def _span_part(name: str, part: str) -> Callable[[LeadFacts, LeadScore], Any]:
    def read(facts: LeadFacts, _: LeadScore) -> Any:
        span = getattr(facts, name)
        return getattr(span, part) if isinstance(span, Span) else None

    return read


def _fact(path: str) -> Callable[[LeadFacts, LeadScore], Any]:
    def read(facts: LeadFacts, _: LeadScore) -> Any:
        value: Any = facts
        for part in path.split("."):
            value = getattr(value, part)
        return value

    return read


FIELDS: dict[str, Field] = {
    "score": Field("number", lambda _, score: score.total),
    "grade": Field("text", lambda _, score: score.grade),
    "channel": Field("text", _fact("channel")),
    "authority": Field("choice", _fact("authority"), AUTHORITIES),
    "timeline": Field("choice", _fact("timeline"), TIMELINES),
    "company_size.low": Field("number", _span_part("company_size", "low")),
    "company_size.high": Field("number", _span_part("company_size", "high")),
    "budget.low": Field("number", _span_part("budget", "low")),
    "budget.high": Field("number", _span_part("budget", "high")),
    "budget.unit": Field("text", _span_part("budget", "unit")),
    "consent.marketing_email": Field("choice", _fact("consent.marketing_email"), CONSENT_STATES),
    "consent.marketing_sms": Field("choice", _fact("consent.marketing_sms"), CONSENT_STATES),
    "signals.asked_pricing": Field("bool", _fact("signals.asked_pricing")),
    "signals.asked_product": Field("bool", _fact("signals.asked_product")),
    "signals.handoff_requested": Field("bool", _fact("signals.handoff_requested")),
    "email_domain": Field("text", _fact("email_domain")),
    "company": Field("text", _fact("company")),
    "role": Field("text", _fact("role")),
    "use_case": Field("text", _fact("use_case")),
    "phone": Field("text", _fact("phone")),
}
_ORDERINGS = {"gte": operator.ge, "lte": operator.le, "gt": operator.gt, "lt": operator.lt}
OPERATORS = ("eq", "ne", "in", "not_in", "gte", "lte", "gt", "lt", "exists", "missing", "contains")


def _same(actual: Any, expected: Any) -> bool:
    # True == 1 in Python, but a yes/no signal is never the number 1.
    if isinstance(actual, bool) != isinstance(expected, bool):
        return False
    if isinstance(actual, str) and isinstance(expected, str):
        return actual.casefold() == expected.casefold()
    return bool(actual == expected)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _compare(op: str, actual: Any, expected: Any) -> bool:
    if op == "eq":
        return _same(actual, expected)
    if op == "ne":
        return not _same(actual, expected)
    if op in ("in", "not_in"):
        found = any(_same(actual, item) for item in expected)
        return found if op == "in" else not found
    if op == "contains":
        return isinstance(actual, str) and str(expected).casefold() in actual.casefold()
    if not (_number(actual) and _number(expected)):
        return False
    return bool(_ORDERINGS[op](actual, expected))


@dataclass(frozen=True)
class Comparison:
    """``field op value``; `value` is unused by `exists` and `missing`."""

    field: str
    op: str
    value: Any = None

    def holds(self, facts: LeadFacts, score: LeadScore) -> bool:
        actual = FIELDS[self.field].read(facts, score)
        if not is_answered(actual):
            return self.op == "missing"
        if self.op in ("exists", "missing"):
            return self.op == "exists"
        return _compare(self.op, actual, self.value)


@dataclass(frozen=True)
class AllOf:
    conditions: tuple[Condition, ...]

    def holds(self, facts: LeadFacts, score: LeadScore) -> bool:
        return all(c.holds(facts, score) for c in self.conditions)


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition, ...]

    def holds(self, facts: LeadFacts, score: LeadScore) -> bool:
        return any(c.holds(facts, score) for c in self.conditions)


@dataclass(frozen=True)
class Not:
    condition: Condition

    def holds(self, facts: LeadFacts, score: LeadScore) -> bool:
        return not self.condition.holds(facts, score)


Condition: TypeAlias = Comparison | AllOf | AnyOf | Not


@dataclass(frozen=True)
class Segment:
    """A named audience marketers target, e.g. "hot_enterprise"."""

    name: str
    description: str
    when: Condition

    def matches(self, facts: LeadFacts, score: LeadScore) -> bool:
        return self.when.holds(facts, score)


def segments_for(facts: LeadFacts, score: LeadScore, segments: list[Segment]) -> list[str]:
    """Names of the segments the lead belongs to, in the order the file lists them."""
    return [segment.name for segment in segments if segment.matches(facts, score)]
