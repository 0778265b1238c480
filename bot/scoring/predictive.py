"""The predictive score: a logistic regression learned from the CRM's won/lost outcomes.

It stands beside the rule score, never replaces it. Until enough labelled leads exist it
says so (`TooLittleData`) instead of guessing; once fitted, its coefficients are shown so a
marketer can see what the data says matters. Features are the same facts the rules read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot.scoring.facts import AUTHORITIES, SIGNALS, TIMELINES, LeadFacts, Span
from bot.scoring.model import ScoringRules

# Below these counts a fitted model would mostly describe noise.
MIN_LABELLED = 30
MIN_PER_OUTCOME = 5
# How soon each timeline means to buy, as one number (no timeline: 0).
TIMELINE_URGENCY = {
    t: (len(TIMELINES) - 1 - i) / (len(TIMELINES) - 1) for i, t in enumerate(TIMELINES)
}


def feature_names() -> list[str]:
    return [
        "log_company_size",
        "log_budget_usd",
        "timeline_urgency",
        *(f"authority_{a}" for a in AUTHORITIES),
        *(f"signal_{s}" for s in SIGNALS),
        "email_consent",
    ]


def _log_span(value: Span | str | None, scale: float = 1.0) -> float:
    return math.log1p(value.midpoint * scale) if isinstance(value, Span) else 0.0


def features(facts: LeadFacts, rules: ScoringRules) -> list[float]:
    """The lead as numbers, in `feature_names()` order; unknown answers count as 0."""
    budget = 0.0
    if isinstance(facts.budget, Span):
        in_usd = rules.in_budget_currency(facts.budget.midpoint, facts.budget.unit)
        budget = math.log1p(in_usd) if in_usd is not None else 0.0
    return [
        _log_span(facts.company_size),
        budget,
        TIMELINE_URGENCY.get(facts.timeline or "", 0.0),
        *(float(facts.authority == a) for a in AUTHORITIES),
        *(float(getattr(facts.signals, s)) for s in SIGNALS),
        float(facts.consent.marketing_email == "granted"),
    ]


@dataclass(frozen=True)
class TooLittleData:
    labelled: int
    won: int
    lost: int

    @property
    def reason(self) -> str:
        return (
            f"Too little data for a predictive score: {self.labelled} labelled leads "
            f"({self.won} won, {self.lost} lost); it needs {MIN_LABELLED}, "
            f"with at least {MIN_PER_OUTCOME} of each."
        )


@dataclass(frozen=True)
class PredictiveModel:
    coefficients: dict[str, float]
    intercept: float
    means: list[float]
    scales: list[float]
    labelled: int

    def probability(self, facts: LeadFacts, rules: ScoringRules) -> float:
        """Probability, learned from past outcomes, that this lead is won."""
        standardised = [
            (x - m) / s
            for x, m, s in zip(features(facts, rules), self.means, self.scales, strict=True)
        ]
        z = self.intercept + sum(
            w * x for w, x in zip(self.coefficients.values(), standardised, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-z))


def fit(
    outcomes: Sequence[tuple[LeadFacts, bool]], rules: ScoringRules
) -> PredictiveModel | TooLittleData:
    """Fits on (lead, won) pairs once there are enough of both outcomes."""
    won = sum(1 for _, is_won in outcomes if is_won)
    lost = len(outcomes) - won
    if len(outcomes) < MIN_LABELLED or min(won, lost) < MIN_PER_OUTCOME:
        return TooLittleData(len(outcomes), won, lost)

    # Imported here: only the API process that fits the model pays for scikit-learn.
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    rows = [features(facts, rules) for facts, _ in outcomes]
    scaler = StandardScaler().fit(rows)
    model = LogisticRegression(max_iter=1000).fit(
        scaler.transform(rows), [is_won for _, is_won in outcomes]
    )
    # Standardised inputs make the coefficients comparable with each other.
    scales = [float(s) if s else 1.0 for s in scaler.scale_]
    return PredictiveModel(
        coefficients=dict(zip(feature_names(), (float(w) for w in model.coef_[0]), strict=True)),
        intercept=float(model.intercept_[0]),
        means=[float(m) for m in scaler.mean_],
        scales=scales,
        labelled=len(outcomes),
    )
