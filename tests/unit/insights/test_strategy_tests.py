"""The report of A/B tests of ranking strategies, from recorded offers: conversations in
the variant of their first offer, offers and clicks per variant, conversions compared with
the baseline, and tests no longer declared still listed."""

from __future__ import annotations

from bot.insights.strategy_tests import ExperimentOffer, OfferCounts, strategy_test_results
from bot.recommend.strategies import Strategy, StrategyExperiment

DECLARED = StrategyExperiment(
    "ranking", (Strategy("blend", 0.3, 0.7), Strategy("content_only", 1, 0, traffic=3))
)


def offers(variant: str, conversation: str, *clicked: bool, test: str = "ranking") -> list:
    return [ExperimentOffer(test, variant, conversation, hit) for hit in clicked]


def test_each_variant_counts_its_conversations_offers_and_clicks() -> None:
    recorded = [
        *offers("blend", "c1", False, False, True),
        *offers("blend", "c2", False),
        *offers("content_only", "c3", True, True),
        *offers("content_only", "c4", False),
        *offers("blend", "c4", True),  # counts in content_only, its first variant
        *offers("old", "c5", True, test="first-try"),
    ]
    converted = {"c2": {"qualified"}, "c3": {"qualified", "consent_given"}, "c9": {"qualified"}}

    declared, ended = strategy_test_results(DECLARED, recorded, converted)

    assert (declared.name, declared.baseline, declared.configured) == ("ranking", "blend", True)
    assert declared.conversations == 4
    blend, content_only = declared.variants
    assert (blend.strategy, blend.share) == (DECLARED.strategies[0], 0.25)
    assert content_only.share == 0.75
    assert blend.offers == OfferCounts(5, 2)  # offers ranked under it, whoever's
    assert content_only.offers == OfferCounts(3, 2)
    assert content_only.offers.click_rate == 2 / 3
    clicked, qualified = (blend.result.metric(m).arm for m in ("clicked", "qualified"))
    assert (clicked.exposures, clicked.conversions, qualified.conversions) == (2, 1, 1)
    clicked, qualified = (content_only.result.metric(m).arm for m in ("clicked", "qualified"))
    # c4 clicked an offer of the test: it converts in the variant it counts in.
    assert (clicked.exposures, clicked.conversions, qualified.conversions) == (2, 2, 1)
    assert blend.result.metric("clicked").comparison is None
    assert content_only.result.metric("clicked").comparison is not None
    assert declared.comparisons == 2  # Fisher's exact test, both metrics

    assert (ended.name, ended.configured, ended.conversations) == ("first-try", False, 1)
    [old] = ended.variants
    assert (old.name, old.strategy, old.share, old.offers) == ("old", None, None, OfferCounts(1, 1))


def test_a_declared_test_is_listed_before_its_first_offer() -> None:
    [declared] = strategy_test_results(DECLARED, [], {})
    assert [row.name for row in declared.variants] == ["blend", "content_only"]
    assert declared.conversations == 0
    assert declared.variants[1].offers.click_rate is None


def test_without_a_declared_test_or_offers_there_is_nothing() -> None:
    assert strategy_test_results(None, [], {"c1": {"qualified"}}) == []
