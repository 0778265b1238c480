"""Score a lead against the marketers' rules, explaining every point.

Each rule adds one `Contribution` with a sentence saying why, including the rules that
gave nothing because an answer was unknown or declined, so the breakdown alone answers
"why is this lead a C?". The contributions always add up to the total: when the raw sum
falls outside 0–100 a final "clamp" contribution brings it back into range.

Recommended content the lead opened scores per item, by its buying stage, up to the
rules' cap ("Opened 'Case study: …' (decision stage): +10"). Points given from outside
the rules (a follow-up sequence's update step) are `carried` into a score worked out
again, so rescoring a lead never drops them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.scoring.facts import DECLINED, UNKNOWN, LeadFacts, Span
from bot.scoring.model import BandScale, ScoringRules, format_amount

__all__ = ["MAX_SCORE", "MIN_SCORE", "Contribution", "LeadScore", "score_lead"]

MIN_SCORE, MAX_SCORE = 0, 100

# (when the signal is seen, when it is not)
_SIGNAL_WORDS = {
    "asked_pricing": ("Asked about pricing", "Did not ask about pricing"),
    "asked_product": ("Asked about the product", "Did not ask about the product"),
    "handoff_requested": (
        "Asked for a demo or to talk to sales",
        "Did not ask for a demo or to talk to sales",
    ),
}
_TIMELINE_WORDS = {
    "now": "Wants to go live right away",
    "within_1_month": "Wants to go live within a month",
    "1_3_months": "Wants to go live in 1–3 months",
    "3_6_months": "Wants to go live in 3–6 months",
    "6_12_months": "Wants to go live in 6–12 months",
    "12_plus_months": "Wants to go live in more than a year",
    "no_timeline": "Has no timeline to go live",
}
_AUTHORITY_WORDS = {
    "decision_maker": "Role makes them a decision maker",
    "influencer": "Role makes them an influencer",
    "student": "They are a student",
    "other": "Role is neither a decision maker nor an influencer",
}
_CONSENT_WORDS = {
    "marketing_email": "Marketing e-mail consent",
    "marketing_sms": "Marketing SMS consent",
}


@dataclass(frozen=True)
class Contribution:
    """Points one rule gave (possibly 0 or negative) and the sentence saying why."""

    rule: str
    points: int
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "points": self.points, "reason": self.reason}


@dataclass(frozen=True)
class LeadScore:
    """A lead's total (0–100), its grade and the contributions that add up to it."""

    total: int
    grade: str
    breakdown: list[Contribution]

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "grade": self.grade,
            "breakdown": [c.as_dict() for c in self.breakdown],
        }

    def explain(self) -> str:
        """The breakdown as lines a marketer can read, ending with the total and grade."""
        lines = [f"- {c.reason}" for c in self.breakdown]
        return "\n".join([*lines, f"Total {self.total}: grade {self.grade}"])


def _signed(points: int) -> str:
    return f"+{points}" if points >= 0 else str(points)


def _said(rule: str, points: int, sentence: str) -> Contribution:
    return Contribution(rule, points, f"{sentence}: {_signed(points)}")


def _unanswered(rule: str, subject: str, value: object) -> Contribution:
    if value == DECLINED:
        return _said(rule, 0, f"{subject} was declined")
    if value == UNKNOWN:
        return _said(rule, 0, f"{subject} is unknown")
    return _said(rule, 0, f"{subject} was not given")


def _banded(
    rule: str, subject: str, shown: str, value: float, scale: BandScale, unit: str = ""
) -> Contribution:
    band = scale.band_for(value)
    if band is None:
        return _said(rule, 0, f"{subject} {shown} is in no {subject.lower()} band")
    bounds = f"{band.describe()} {unit}".rstrip()
    return _said(rule, band.points, f"{subject} {shown} is in band '{band.name}' ({bounds})")


def _company_size(facts: LeadFacts, rules: ScoringRules) -> Contribution:
    size = facts.company_size
    if not isinstance(size, Span):
        return _unanswered("company_size", "Company size", size)
    value = rules.company_size.value_of(size.low, size.high)
    # A range is scored as one figure (its midpoint by default); the reason says which.
    shown = str(size) if size.low == size.high else f"{size} (taken as {format_amount(value)})"
    return _banded("company_size", "Company size", shown, value, rules.company_size)


def _budget(facts: LeadFacts, rules: ScoringRules) -> Contribution:
    budget, currency = facts.budget, rules.budget_currency
    if not isinstance(budget, Span):
        return _unanswered("budget", "Budget", budget)
    low = rules.in_budget_currency(budget.low, budget.unit)
    high = rules.in_budget_currency(budget.high, budget.unit)
    if low is None or high is None:
        return _said("budget", 0, f"Budget {budget} can't be scored: no rate for {budget.unit}")
    value = rules.budget.value_of(low, high)
    taken = []
    if budget.low != budget.high:
        own = rules.budget.value_of(budget.low, budget.high)
        taken.append(f"taken as {format_amount(own)} {budget.unit}")
    if budget.unit != currency:
        taken.append(f"≈ {format_amount(value)} {currency}")
    shown = f"{budget} ({' '.join(taken)})" if taken else str(budget)
    return _banded("budget", "Budget", shown, value, rules.budget, currency)


def _chosen(
    rule: str, subject: str, value: str | None, sentences: dict[str, str], points: Mapping[str, int]
) -> Contribution:
    if value not in sentences:
        return _unanswered(rule, subject, value)
    if value not in points:
        return _said(rule, 0, f"{sentences[value]} (no points set for {value!r})")
    return _said(rule, points[value], sentences[value])


def _email_domain(facts: LeadFacts, rules: ScoringRules) -> Contribution:
    domain = facts.email_domain
    if domain is None:
        return _unanswered("email_domain", "E-mail address", facts.email)
    for listed in rules.email_domains:
        if listed.matches(domain):
            return _said(
                "email_domain",
                listed.points,
                f"E-mail domain {domain} is on the '{listed.name}' list",
            )
    return _said("email_domain", 0, f"E-mail domain {domain} is on no domain list")


def _engagement(facts: LeadFacts, rules: ScoringRules) -> list[Contribution]:
    found = []
    for signal, points in rules.signals.items():
        seen, unseen = _SIGNAL_WORDS[signal]
        if getattr(facts.signals, signal):
            found.append(_said(f"signals.{signal}", points, seen))
        else:
            found.append(_said(f"signals.{signal}", 0, unseen))
    for purpose, points in rules.consent.items():
        state, subject = getattr(facts.consent, purpose), _CONSENT_WORDS[purpose]
        if state == "granted":
            found.append(_said(f"consent.{purpose}", points, f"{subject} granted"))
        else:
            found.append(_said(f"consent.{purpose}", 0, f"{subject} {state or 'was never asked'}"))
    return found


def _opened_content(facts: LeadFacts, rules: ScoringRules) -> list[Contribution]:
    points, rule = rules.opened_content, "engagement.opened_content"
    if points is None:
        return []
    if not facts.opened:
        return [_said(rule, 0, "Opened none of the content recommended")]
    found, room = [], points.cap
    for item in facts.opened:
        if item.title is None or item.stage is None:
            found.append(_said(rule, 0, f"Opened '{item.item_id}', no longer in the catalogue"))
            continue
        worth = points.per_stage.get(item.stage)
        sentence = f"Opened '{item.title}' ({item.stage} stage)"
        if worth is None:
            found.append(_said(rule, 0, f"{sentence} (no points set for {item.stage!r})"))
            continue
        given = min(worth, room)
        room -= given
        if given < worth:
            sentence += f", beyond the cap of {points.cap} for content opened"
        found.append(_said(rule, given, sentence))
    return found


def score_lead(
    facts: LeadFacts, rules: ScoringRules, *, carried: Sequence[Contribution] = ()
) -> LeadScore:
    """Score `facts` with `rules`: every rule's contribution, then the `carried` ones
    (given from outside the rules), the 0–100 total and the grade."""
    breakdown = [
        _company_size(facts, rules),
        _budget(facts, rules),
        _chosen("timeline", "Timeline", facts.timeline, _TIMELINE_WORDS, rules.timeline),
        _chosen("authority", "Authority", facts.authority, _AUTHORITY_WORDS, rules.authority),
        _email_domain(facts, rules),
        *_engagement(facts, rules),
        *_opened_content(facts, rules),
        *carried,
    ]
    raw = sum(c.points for c in breakdown)
    total = min(MAX_SCORE, max(MIN_SCORE, raw))
    if total != raw:
        outside = f"Raw total {raw} is outside {MIN_SCORE}–{MAX_SCORE}, so it counts as {total}"
        breakdown.append(_said("clamp", total - raw, outside))
    return LeadScore(total=total, grade=rules.grade_for(total), breakdown=breakdown)
