"""The recommendations report, computed from offers: tallies per item, per strategy and
per place offered (in the chat, under the opening greeting per trigger), catalogue items
never offered and removed ones, and the strategies' comparison."""

from __future__ import annotations

from bot.insights.recommendations import (
    OfferSeen,
    item_rows,
    placement_rows,
    recommendation_report,
    strategy_rows,
    tally,
)
from bot.recommend.catalogue import Item


def item(item_id: str, title: str) -> Item:
    return Item(
        item_id, title, "https://x.example", "About.", "guide", "awareness", ("any",), ("chat",)
    )


def seen(
    item_id: str, strategy: str = "content", lead: str | None = "l1", **flags: bool
) -> OfferSeen:
    return OfferSeen(
        item_id,
        strategy,
        lead,
        flags.get("clicked", False),
        flags.get("qualified", False),
        flags.get("won", False),
    )


def test_a_lead_counts_once_however_often_offered() -> None:
    offers = [
        seen("a", lead="l1", clicked=True, qualified=True, won=True),
        seen("b", lead="l1", qualified=True, won=True),
        seen("a", lead="l2"),
        seen("a", lead=None, clicked=True),  # a lead since erased
    ]

    counted = tally(offers)

    assert (counted.offered, counted.clicked, counted.leads, counted.qualified, counted.won) == (
        4,
        2,
        2,
        1,
        1,
    )
    assert counted.click_rate == 0.5 and counted.qualified_rate == 0.5 and counted.won_rate == 0.5


def test_an_empty_tally_has_no_rates() -> None:
    empty = tally([])
    assert empty.click_rate is None and empty.qualified_rate is None and empty.won_rate is None


def test_items_most_offered_first_with_unoffered_and_removed_ones() -> None:
    catalogue = [item("a", "A"), item("b", "B"), item("c", "C")]
    offers = [seen("c"), seen("c"), seen("gone"), seen("a")]

    rows = item_rows(offers, catalogue)

    assert [(row.item_id, row.tally.offered, row.in_catalogue) for row in rows] == [
        ("c", 2, True),
        ("a", 1, True),
        ("gone", 1, False),
        ("b", 0, True),
    ]
    assert rows[2].title is None and rows[2].kind is None


def test_both_strategies_and_the_triggers_are_listed_then_any_other() -> None:
    rows = strategy_rows([seen("a", "blend"), seen("a", "rules")])

    assert [(row.strategy, row.tally.offered) for row in rows] == [
        ("content", 0),
        ("blend", 1),
        ("trigger", 0),
        ("rules", 1),
    ]


def opening(
    item_id: str, trigger: str, lead: str | None = None, clicked: bool = False
) -> OfferSeen:
    return OfferSeen(item_id, "trigger", lead, clicked, False, False, "opening", trigger)


def test_offers_count_in_the_chat_and_under_the_greeting_per_trigger() -> None:
    rows = placement_rows(
        [
            seen("a", clicked=True),
            opening("b", "pricing", clicked=True),
            opening("b", "pricing"),  # an anonymous visitor: no lead
            opening("a", "returning", lead="l2"),
        ]
    )

    assert [(row.placement, row.trigger, row.tally.offered, row.tally.clicked) for row in rows] == [
        ("chat", None, 1, 1),
        ("opening", None, 3, 1),
        ("opening", "pricing", 2, 1),
        ("opening", "returning", 1, 0),
    ]
    assert [row.tally.leads for row in rows] == [1, 1, 0, 1]


def test_with_no_offers_both_places_show_zeros() -> None:
    assert [(row.label, row.tally.offered) for row in placement_rows([])] == [
        ("In the chat (asked for, or at the wrap-up)", 0),
        ("Under the web chat's opening greeting", 0),
    ]


def test_the_strategies_click_rates_are_compared() -> None:
    offers = [
        *(seen("a", "content", lead=f"c{n}", clicked=n < 20) for n in range(200)),
        *(seen("a", "blend", lead=f"b{n}", clicked=n < 50) for n in range(200)),
    ]

    report = recommendation_report(offers, [item("a", "A")])

    assert report.comparison.significant
    assert report.verdict == (
        "Clicks per offer: blend 25% of offers clicked against content 10% "
        "(p < 0.001, two-proportion z-test (pooled); significant at 95%)."
    )


def test_without_offers_there_is_no_comparison() -> None:
    report = recommendation_report([], [item("a", "A")])

    assert report.verdict == (
        "No comparison of blend with content yet: no offers by content or blend in this period."
    )
    assert report.items[0].tally.offered == 0


def test_without_clicks_there_is_no_comparison() -> None:
    offers = [seen("a", "content"), seen("a", "blend", lead="l2")]

    report = recommendation_report(offers, [item("a", "A")])

    assert report.verdict == "No comparison of blend with content yet: no offer was clicked."
