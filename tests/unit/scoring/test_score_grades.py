"""Unit tests for bot.scoring's grades, score breakdowns and LeadFacts.

Covers grade thresholds, breakdowns that add up to the total and explain a realistic lead,
storing scores and facts as JSON, the shipped rules, and the slot shapes LeadFacts accepts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.scoring import LeadFacts, ScoringRules, Span, load_scoring_rules, score_lead
from tests.unit.scoring.scoring_builders import DANA, lead, pinned_rules


@pytest.fixture
def rules(tmp_path: Path) -> ScoringRules:
    return pinned_rules(tmp_path)


@pytest.mark.parametrize(
    ("total", "grade"),
    [(100, "A"), (70, "A"), (69, "B"), (50, "B"), (49, "C"), (30, "C"), (29, "D"), (0, "D")],
)
def test_grade_is_the_highest_whose_minimum_is_reached(
    rules: ScoringRules, total: int, grade: str
) -> None:
    assert rules.grade_for(total) == grade


LEADS = {
    "dana": DANA,
    "bare": {},
    "declined everything": {
        "company_size": "declined", "budget": "declined", "timeline": "declined",
        "phone": "declined", "email": "declined",
    },
    "gmail freelancer": {
        "email": "jo.freelance@gmail.com", "authority": "other",
        "company_size": {"low": 1, "high": 1, "unit": "people"},
        "budget": {"low": 100, "high": 200, "unit": "GBP"}, "timeline": "3_6_months",
    },
}  # fmt: skip


@pytest.mark.parametrize("slots", LEADS.values(), ids=LEADS.keys())
def test_breakdown_adds_up_to_the_total(rules: ScoringRules, slots: dict[str, Any]) -> None:
    score = score_lead(lead(signals={"asked_pricing": True}, **slots), rules)
    assert sum(c.points for c in score.breakdown) == score.total
    assert all(c.reason.endswith(f": {c.points:+d}") for c in score.breakdown)


def test_dana_is_an_a_lead_for_clear_reasons(rules: ScoringRules) -> None:
    score = score_lead(lead(signals={"asked_pricing": True}, **DANA), rules)
    assert (score.total, score.grade) == (75, "A")
    assert score.explain().splitlines() == [
        "- Company size 40–60 people (taken as 50) is in band 'mid-market' (11–200): +15",
        "- Budget 2,000–3,000 EUR (taken as 2,500 EUR ≈ 2,700 USD) is in band 'growth' "
        "(499–4,999 USD): +15",
        "- Wants to go live in 1–3 months: +15",
        "- Role makes them a decision maker: +20",
        "- E-mail domain northwind-agency.io is on no domain list: +0",
        "- Asked about pricing: +5",
        "- Did not ask about the product: +0",
        "- Did not ask for a demo or to talk to sales: +0",
        "- Marketing e-mail consent granted: +5",
        "Total 75: grade A",
    ]


def test_score_as_dict_is_json_storable(rules: ScoringRules) -> None:
    stored = score_lead(lead(**DANA), rules).as_dict()
    assert json.loads(json.dumps(stored)) == stored
    assert stored["grade"] == "A"
    assert stored["breakdown"][0] == {
        "rule": "company_size",
        "points": 15,
        "reason": "Company size 40–60 people (taken as 50) is in band 'mid-market' (11–200): +15",
    }


def test_the_shipped_rules_grade_realistic_leads() -> None:
    shipped = load_scoring_rules(Path("data/scoring/rules.yml"))
    assert score_lead(lead(signals={"asked_pricing": True}, **DANA), shipped).grade == "A"
    student = lead(email="kim@gmail.com", role="MBA student", authority="student")
    assert score_lead(student, shipped).grade == "D"


# LeadFacts: the slot shapes scoring accepts.


def test_facts_round_trip_through_storage() -> None:
    facts = lead(channel="telegram", signals={"handoff_requested": True}, **DANA)
    stored = facts.as_dict()
    assert json.loads(json.dumps(stored)) == stored
    assert stored["company_size"] == {"low": 40, "high": 60, "unit": "people"}
    assert stored["signals"] == {
        "asked_pricing": False,
        "asked_product": False,
        "handoff_requested": True,
    }
    assert LeadFacts.from_dict(stored) == facts


def test_facts_read_the_per_purpose_consent_slots_too() -> None:
    facts = lead(consent_email="granted", consent_sms="deferred")
    assert (facts.consent.marketing_email, facts.consent.marketing_sms) == ("granted", "deferred")


def test_facts_keep_ranges_and_unanswered_values() -> None:
    facts = lead(company_size={"low": 10, "high": 50, "unit": "people"}, budget="declined")
    assert facts.company_size == Span(10, 50, "people")
    assert facts.budget == "declined"
    assert facts.email_domain is None


@pytest.mark.parametrize(
    "slots",
    [
        {"company_size": "about fifty"},
        {"company_size": {"low": 50, "high": 10, "unit": "people"}},
        {"company_size": {"low": 5, "high": 10, "unit": "USD"}},
        {"budget": {"low": 5, "high": 10, "unit": "people"}},
        {"budget": {"low": True, "high": 10, "unit": "USD"}},
        {"budget": {"low": 5, "high": 10}},
        {"timeline": "soon"},
        {"authority": "ceo"},
        {"phone": "555-0123"},
        {"consent": {"marketing_email": "yes"}},
        {"consent": {"newsletter": "granted"}},
        {"name": 42},
    ],
)
def test_facts_reject_unexpected_slot_shapes(slots: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        lead(**slots)


@pytest.mark.parametrize("signals", [{"asked_price": True}, {"asked_pricing": "yes"}])
def test_facts_reject_unknown_or_non_boolean_signals(signals: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        lead(signals=signals)
