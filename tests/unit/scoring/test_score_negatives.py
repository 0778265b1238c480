"""Unit tests for bot.scoring's score_lead: negatives, signals, consent and the 0–100 clamp.

Covers the competitor and free e-mail domain lists, engagement signals, marketing consent,
and totals capped at 100 or floored at 0 with the reason given.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.scoring import ScoringRules, score_lead
from tests.unit.scoring.scoring_builders import lead, pinned_rules, points, reason


@pytest.fixture
def rules(tmp_path: Path) -> ScoringRules:
    return pinned_rules(tmp_path)


@pytest.mark.parametrize(
    ("email", "expected", "sentence"),
    [
        ("sam@hubspot.com", -50, "E-mail domain hubspot.com is on the 'competitor' list: -50"),
        (
            "sam@eu.intercom.com",
            -50,
            "E-mail domain eu.intercom.com is on the 'competitor' list: -50",
        ),
        ("Priya.Shah@GMAIL.com", -10, "E-mail domain gmail.com is on the 'free_email' list: -10"),
        ("li@outlook.com", -10, "E-mail domain outlook.com is on the 'free_email' list: -10"),
        ("li@notgmail.com", 0, "E-mail domain notgmail.com is on no domain list: +0"),
        ("ops@acme.io", 0, "E-mail domain acme.io is on no domain list: +0"),
    ],
)
def test_email_domain_lists(rules: ScoringRules, email: str, expected: int, sentence: str) -> None:
    facts = lead(email=email)
    assert points(facts, rules, "email_domain") == expected
    assert reason(facts, rules, "email_domain") == sentence


def test_engagement_signals_and_consent(rules: ScoringRules) -> None:
    facts = lead(
        signals={"asked_pricing": True, "handoff_requested": True},
        consent={"marketing_email": "granted", "marketing_sms": "granted"},
    )
    breakdown = {c.rule: c.reason for c in score_lead(facts, rules).breakdown}
    assert breakdown["signals.asked_pricing"] == "Asked about pricing: +5"
    assert breakdown["signals.asked_product"] == "Did not ask about the product: +0"
    assert breakdown["signals.handoff_requested"] == "Asked for a demo or to talk to sales: +15"
    assert breakdown["consent.marketing_email"] == "Marketing e-mail consent granted: +5"
    # The rules give no points for SMS consent, so it is not part of the breakdown.
    assert "consent.marketing_sms" not in breakdown


@pytest.mark.parametrize(
    ("state", "sentence"),
    [("denied", "Marketing e-mail consent denied: +0"),
     ("withdrawn", "Marketing e-mail consent withdrawn: +0"),
     (None, "Marketing e-mail consent was never asked: +0")],
)  # fmt: skip
def test_consent_not_granted_scores_zero(
    rules: ScoringRules, state: str | None, sentence: str
) -> None:
    facts = lead(consent={"marketing_email": state})
    assert reason(facts, rules, "consent.marketing_email") == sentence


def test_a_strong_lead_is_capped_at_100_and_the_cap_is_explained(rules: ScoringRules) -> None:
    facts = lead(
        email="cto@bigcorp.com",
        authority="decision_maker",
        company_size={"low": 2000, "high": 2000, "unit": "people"},
        budget={"low": 60000, "high": 60000, "unit": "USD"},
        timeline="now",
        consent={"marketing_email": "granted"},
        signals={"asked_pricing": True, "handoff_requested": True},
    )
    score = score_lead(facts, rules)
    assert (score.total, score.grade) == (100, "A")
    assert score.breakdown[-1].rule == "clamp"
    assert score.breakdown[-1].reason == "Raw total 110 is outside 0–100, so it counts as 100: -10"


def test_a_student_at_a_competitor_is_floored_at_zero(rules: ScoringRules) -> None:
    facts = lead(email="intern@drift.com", role="Student", authority="student", timeline="now")
    score = score_lead(facts, rules)
    assert (score.total, score.grade) == (0, "D")
    assert score.breakdown[-1].reason == "Raw total -60 is outside 0–100, so it counts as 0: +60"
