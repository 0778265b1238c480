"""The predictive score refuses to guess from too little data and learns from outcomes."""

from __future__ import annotations

import random

import pytest

from bot import bootstrap
from bot.scoring import LeadFacts
from bot.scoring.predictive import (
    MIN_LABELLED,
    PredictiveModel,
    TooLittleData,
    feature_names,
    features,
    fit,
)


def lead(size: int, budget: int, timeline: str, authority: str) -> LeadFacts:
    return LeadFacts.from_slots(
        {
            "email": "a@b.io",
            "authority": authority,
            "company_size": {"low": size, "high": size, "unit": "people"},
            "budget": {"low": budget, "high": budget, "unit": "USD"},
            "timeline": timeline,
        },
        channel="rest",
        signals={"handoff_requested": authority == "decision_maker"},
    )


def history(count: int, seed: int = 7) -> list[tuple[LeadFacts, bool]]:
    """Big, funded, urgent decision makers tend to win; the rest tend to lose."""
    rng = random.Random(seed)
    outcomes = []
    for _ in range(count):
        good = rng.random() < 0.5
        facts = lead(
            size=rng.randint(200, 2000) if good else rng.randint(1, 20),
            budget=rng.randint(20_000, 90_000) if good else rng.randint(0, 2_000),
            timeline="1_3_months" if good else "no_timeline",
            authority="decision_maker" if good else "student",
        )
        outcomes.append((facts, good if rng.random() < 0.9 else not good))
    return outcomes


def test_too_little_data_is_said_not_guessed() -> None:
    result = fit(history(MIN_LABELLED - 1), bootstrap.scoring_rules())
    assert isinstance(result, TooLittleData)
    assert "Too little data" in result.reason and f"{MIN_LABELLED - 1} labelled" in result.reason


def test_one_sided_outcomes_are_too_little_data() -> None:
    all_won = [(facts, True) for facts, _ in history(60)]
    assert isinstance(fit(all_won, bootstrap.scoring_rules()), TooLittleData)


def test_learned_model_ranks_and_explains() -> None:
    rules = bootstrap.scoring_rules()
    model = fit(history(120), rules)
    assert isinstance(model, PredictiveModel)
    assert list(model.coefficients) == feature_names()
    assert model.coefficients["log_budget_usd"] > 0
    assert model.coefficients["authority_student"] < 0
    strong = model.probability(lead(800, 50_000, "1_3_months", "decision_maker"), rules)
    weak = model.probability(lead(3, 0, "no_timeline", "student"), rules)
    assert 0.0 <= weak < 0.5 < strong <= 1.0


def test_unknown_answers_are_zero_features() -> None:
    facts = LeadFacts.from_slots(
        {"email": "a@b.io", "budget": "declined", "company_size": "unknown"},
        channel="rest",
        signals={},
    )
    values = dict(zip(feature_names(), features(facts, bootstrap.scoring_rules()), strict=True))
    assert values["log_budget_usd"] == values["log_company_size"] == 0.0


@pytest.mark.parametrize("seed", [1, 2])
def test_fitting_is_deterministic(seed: int) -> None:
    rules = bootstrap.scoring_rules()
    first, second = fit(history(80, seed), rules), fit(history(80, seed), rules)
    assert first == second
