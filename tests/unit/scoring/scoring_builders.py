"""Shared builders for the score_lead tests: pinned rules, a sample lead and breakdown lookups."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from bot.scoring import LeadFacts, ScoringRules, load_scoring_rules, score_lead

# Pinned here rather than read from data/scoring/rules.yml, which marketers retune.
RULES_YAML = textwrap.dedent(
    """\
    version: 1
    company_size:
      bands:
        - {name: small, min: 1, max: 10, points: 0}
        - {name: mid-market, min: 11, max: 200, points: 15}
        - {name: large, min: 201, max: 1000, points: 20}
        - {name: enterprise, min: 1001, points: 25}
    budget:
      currency: USD
      bands:
        - {name: below-starter, min: 0, max: 98, points: 0}
        - {name: starter, min: 99, max: 498, points: 5}
        - {name: growth, min: 499, max: 4999, points: 15}
        - {name: enterprise, min: 5000, points: 20}
    currency_rates: {EUR: 1.08, GBP: 1.27}
    timeline:
      now: 20
      within_1_month: 20
      1_3_months: 15
      3_6_months: 10
      6_12_months: 5
      12_plus_months: 0
    authority: {decision_maker: 20, influencer: 10, other: 0, student: -30}
    signals: {asked_pricing: 5, asked_product: 0, handoff_requested: 15}
    consent: {marketing_email: 5}
    email_domains:
      - name: competitor
        points: -50
        domains: [intercom.com, drift.com, hubspot.com]
      - name: free_email
        points: -10
        domains: [gmail.com, yahoo.com, hotmail.com, outlook.com]
    grades:
      - {grade: A, min: 70}
      - {grade: B, min: 50}
      - {grade: C, min: 30}
      - {grade: D, min: 0}
    """
)

# A VP at a 40–60 person agency, budget in euros, wants to start within the quarter.
DANA = {
    "name": "Dana Whitfield",
    "email": "dana@northwind-agency.io",
    "company": "Northwind Agency",
    "role": "VP Marketing",
    "authority": "decision_maker",
    "company_size": {"low": 40, "high": 60, "unit": "people"},
    "budget": {"low": 2000, "high": 3000, "unit": "EUR"},
    "timeline": "1_3_months",
    "use_case": "Qualify inbound leads on our pricing page",
    "phone": "+14155550123",
    "consent": {"marketing_email": "granted", "marketing_sms": "denied"},
}


def pinned_rules(tmp_path: Path) -> ScoringRules:
    """Load RULES_YAML from a file under tmp_path."""
    path = tmp_path / "rules.yml"
    path.write_text(RULES_YAML, encoding="utf-8")
    return load_scoring_rules(path)


def lead(
    channel: str = "webchat", signals: dict[str, bool] | None = None, **slots: Any
) -> LeadFacts:
    return LeadFacts.from_slots(slots, channel=channel, signals=signals or {})


def reason(facts: LeadFacts, rules: ScoringRules, rule: str) -> str:
    (found,) = [c for c in score_lead(facts, rules).breakdown if c.rule == rule]
    return found.reason


def points(facts: LeadFacts, rules: ScoringRules, rule: str) -> int:
    return sum(c.points for c in score_lead(facts, rules).breakdown if c.rule == rule)
