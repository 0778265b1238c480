"""Unit tests for bot.scoring's score_lead: points for each answer.

Covers company size and budget bands (ranges, other currencies), unanswered questions,
timeline points and authority points.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.scoring import BandScale, ScoringRules
from tests.unit.scoring.scoring_builders import lead, pinned_rules, points, reason


@pytest.fixture
def rules(tmp_path: Path) -> ScoringRules:
    return pinned_rules(tmp_path)


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((50, 50), "Company size 50 people is in band 'mid-market' (11–200): +15"),
        ((1, 1), "Company size 1 person is in band 'small' (1–10): +0"),
        ((0, 0), "Company size 0 people is in no company size band: +0"),
        ((10, 50), "Company size 10–50 people (taken as 30) is in band 'mid-market' (11–200): +15"),
        # Midpoint 10.5 is rounded, so it cannot fall between the 1–10 and 11–200 bands.
        ((10, 11), "Company size 10–11 people (taken as 11) is in band 'mid-market' (11–200): +15"),
        (
            (150, 300),
            "Company size 150–300 people (taken as 225) is in band 'large' (201–1,000): +20",
        ),
        ((5000, 5000), "Company size 5,000 people is in band 'enterprise' (1,001+): +25"),
    ],
)
def test_company_size_bands(rules: ScoringRules, size: tuple[int, int], expected: str) -> None:
    facts = lead(company_size={"low": size[0], "high": size[1], "unit": "people"})
    assert reason(facts, rules, "company_size") == expected


@pytest.mark.parametrize(
    ("budget", "expected_points", "expected"),
    [
        ({"low": 1000, "high": 1000, "unit": "USD"}, 15,
         "Budget 1,000 USD is in band 'growth' (499–4,999 USD): +15"),
        ({"low": 99, "high": 99, "unit": "USD"}, 5,
         "Budget 99 USD is in band 'starter' (99–498 USD): +5"),
        ({"low": 50, "high": 50, "unit": "USD"}, 0,
         "Budget 50 USD is in band 'below-starter' (0–98 USD): +0"),
        ({"low": 5000, "high": 5000, "unit": "EUR"}, 20,
         "Budget 5,000 EUR (≈ 5,400 USD) is in band 'enterprise' (5,000+ USD): +20"),
        ({"low": 2000, "high": 3000, "unit": "EUR"}, 15,
         "Budget 2,000–3,000 EUR (taken as 2,500 EUR ≈ 2,700 USD) is in band 'growth' "
         "(499–4,999 USD): +15"),
        ({"low": 400, "high": 400, "unit": "GBP"}, 15,
         "Budget 400 GBP (≈ 508 USD) is in band 'growth' (499–4,999 USD): +15"),
        ({"low": 50000, "high": 50000, "unit": "SEK"}, 0,
         "Budget 50,000 SEK can't be scored: no rate for SEK: +0"),
    ],
)  # fmt: skip
def test_budget_bands_convert_other_currencies(
    rules: ScoringRules, budget: dict[str, Any], expected_points: int, expected: str
) -> None:
    facts = lead(budget=budget)
    assert reason(facts, rules, "budget") == expected
    assert points(facts, rules, "budget") == expected_points


@pytest.mark.parametrize(
    ("match_on", "expected"), [("low", 100.0), ("midpoint", 150.0), ("high", 200.0)]
)
def test_a_range_is_scored_as_the_configured_figure(match_on: str, expected: float) -> None:
    assert BandScale((), match_on).value_of(100, 200) == expected


@pytest.mark.parametrize(
    ("value", "wording"),
    [("unknown", "is unknown"), ("declined", "was declined"), (None, "was not given")],
)
@pytest.mark.parametrize(
    ("rule", "subject"),
    [("company_size", "Company size"), ("budget", "Budget"), ("timeline", "Timeline"),
     ("email_domain", "E-mail address")],
)  # fmt: skip
def test_unanswered_questions_score_zero_and_say_why(
    rules: ScoringRules, rule: str, subject: str, value: str | None, wording: str
) -> None:
    slot = "email" if rule == "email_domain" else rule
    facts = lead(**{slot: value})
    assert reason(facts, rules, rule) == f"{subject} {wording}: +0"
    assert points(facts, rules, rule) == 0


@pytest.mark.parametrize(
    ("timeline", "expected"),
    [("now", 20), ("within_1_month", 20), ("1_3_months", 15), ("3_6_months", 10),
     ("6_12_months", 5), ("12_plus_months", 0)],
)  # fmt: skip
def test_timeline_points(rules: ScoringRules, timeline: str, expected: int) -> None:
    assert points(lead(timeline=timeline), rules, "timeline") == expected


def test_a_timeline_without_points_says_so(rules: ScoringRules) -> None:
    facts = lead(timeline="no_timeline")
    assert reason(facts, rules, "timeline") == (
        "Has no timeline to go live (no points set for 'no_timeline'): +0"
    )


@pytest.mark.parametrize(
    ("authority", "expected", "sentence"),
    [
        ("decision_maker", 20, "Role makes them a decision maker: +20"),
        ("influencer", 10, "Role makes them an influencer: +10"),
        ("other", 0, "Role is neither a decision maker nor an influencer: +0"),
        ("student", -30, "They are a student: -30"),
    ],
)
def test_authority_points(
    rules: ScoringRules, authority: str, expected: int, sentence: str
) -> None:
    facts = lead(authority=authority, role="whatever")
    assert points(facts, rules, "authority") == expected
    assert reason(facts, rules, "authority") == sentence
