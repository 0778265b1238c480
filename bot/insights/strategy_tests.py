"""The A/B tests of ranking strategies (`bot.recommend.strategies`): per variant, the
conversations offered content under it, its offers (impressions), the offers clicked and
the click rate, and how its conversations convert against the baseline's.

The unit is the conversation, since that is what the test assigns. A conversation counts
in the variant of its first offer under the test, and converts on

- `clicked` when it clicked at least one offer made under the test;
- `qualified` when its lead is qualified or handed off (`bot.crm.funnel.conversions`, as
  the A/B tests of messages count it).

Offers and clicks per offer are shown but not tested: the offers of one conversation are
not independent (one visitor, one wrap-up), so a test over offers would find differences
more often than it should. Each variant is compared with the baseline (the first
variant) on both metrics with the message tests' statistics (`bot.experiments.results`),
and a difference is called significant only when the Benjamini–Hochberg procedure keeps
it among all of the test's comparisons (`bot.experiments.false_discovery`). A test no
longer in the settings is still listed from its recorded offers, its variants by name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from bot.experiments.false_discovery import comparisons_tested, controlled
from bot.experiments.results import Experiment, Variant, VariantResult, experiment_results
from bot.recommend.strategies import Strategy, StrategyExperiment

__all__ = [
    "METRICS",
    "METRIC_LABELS",
    "ExperimentOffer",
    "OfferCounts",
    "StrategyRow",
    "StrategyTestResult",
    "strategy_test_results",
]

METRICS = ("clicked", "qualified")
METRIC_LABELS = {"clicked": "Clicked an offer", "qualified": "Qualified"}


@dataclass(frozen=True)
class ExperimentOffer:
    """One offer made under a test, as the report reads it."""

    experiment: str
    variant: str
    conversation_id: str
    clicked: bool  # at least once


@dataclass(frozen=True)
class OfferCounts:
    offers: int = 0
    clicks: int = 0  # offers clicked at least once

    @property
    def click_rate(self) -> float | None:
        return self.clicks / self.offers if self.offers else None


@dataclass(frozen=True)
class StrategyRow:
    """One variant: what it ranks with and its share of the conversations (None when
    the settings no longer have it), its offers, and its conversations' results."""

    result: VariantResult
    strategy: Strategy | None
    share: float | None
    offers: OfferCounts

    @property
    def name(self) -> str:
        return self.result.name


@dataclass(frozen=True)
class StrategyTestResult:
    name: str
    baseline: str
    configured: bool  # the test the settings declare now
    variants: tuple[StrategyRow, ...]
    comparisons: int  # comparisons with a p-value: what Benjamini–Hochberg covers

    @property
    def conversations(self) -> int:
        return sum(row.result.exposures for row in self.variants)


def _first_variants(offers: Sequence[ExperimentOffer]) -> dict[str, dict[str, list[str]]]:
    """Test → variant → the conversations whose first offer under the test it ranked."""
    exposed: dict[str, dict[str, list[str]]] = {}
    seen: set[tuple[str, str]] = set()
    for offer in offers:
        if (offer.experiment, offer.conversation_id) not in seen:
            seen.add((offer.experiment, offer.conversation_id))
            arms = exposed.setdefault(offer.experiment, {})
            arms.setdefault(offer.variant, []).append(offer.conversation_id)
    return exposed


def _result(
    experiment: Experiment,
    strategies: StrategyExperiment | None,
    offers: Sequence[ExperimentOffer],
    exposed: Mapping[str, Sequence[str]],
    qualified: Collection[str],
    alpha: float,
) -> StrategyTestResult:
    mine = [offer for offer in offers if offer.experiment == experiment.name]
    clicked = {offer.conversation_id for offer in mine if offer.clicked}
    converted = {
        key: {
            metric
            for metric, hit in (("clicked", key in clicked), ("qualified", key in qualified))
            if hit
        }
        for arm in exposed.values()
        for key in arm
    }
    [found] = experiment_results(
        [experiment], {experiment.name: exposed}, converted, alpha=alpha, metrics=METRICS
    )
    found = controlled(found, alpha=alpha)
    offered = Counter(offer.variant for offer in mine)
    clicks = Counter(offer.variant for offer in mine if offer.clicked)
    by_name = {strategy.name: strategy for strategy in strategies.strategies} if strategies else {}
    rows = tuple(
        StrategyRow(
            result=variant,
            strategy=by_name.get(variant.name),
            share=strategies.share(by_name[variant.name])
            if strategies and variant.name in by_name
            else None,
            offers=OfferCounts(offered[variant.name], clicks[variant.name]),
        )
        for variant in found.variants
    )
    return StrategyTestResult(
        found.name, found.baseline, strategies is not None, rows, comparisons_tested(found)
    )


def strategy_test_results(
    configured: StrategyExperiment | None,
    offers: Sequence[ExperimentOffer],
    converted: Mapping[str, Collection[str]],
    *,
    alpha: float = 0.05,
) -> list[StrategyTestResult]:
    """The test the settings declare (listed before its first offer too), then the tests
    only the recorded `offers` remember, by name. `converted` maps a conversation to
    the message tests' metrics it reached (`bot.crm.funnel.conversions`)."""
    exposed = _first_variants(offers)
    qualified = {key for key, metrics in converted.items() if "qualified" in metrics}
    results = []
    if configured is not None:
        experiment = Experiment(
            configured.name, tuple(Variant(s.name) for s in configured.strategies)
        )
        results.append(
            _result(
                experiment, configured, offers, exposed.get(configured.name, {}), qualified, alpha
            )
        )
    for name in sorted(set(exposed) - {configured.name if configured else ""}):
        ended = Experiment(name, tuple(Variant(variant) for variant in sorted(exposed[name])))
        results.append(_result(ended, None, offers, exposed[name], qualified, alpha))
    return results
