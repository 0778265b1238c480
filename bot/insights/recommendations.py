"""How recommended content performs: per catalogue item, per ranking strategy and per
place offered (in the chat, or under the web chat's opening greeting, per trigger), the
offers made (impressions), the offers clicked and what became of the leads offered.

An offer counts once however often it was clicked (`clicked` is "clicked at least
once"). A lead counts once per item or strategy however often it was offered it. A lead
is *qualified* as the funnel and the A/B tests say (`bot.crm.funnel.QUALIFIED_STATUSES`:
its status is qualified or handed off) and *won* when the sales CRM said so
(`bot.crm.outcomes`). The two strategies are compared on clicks per offer with the A/B
tests' two-proportion test (`bot.experiments.statistics.compare`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.experiments.results import p_text, percent
from bot.experiments.statistics import Arm, Comparison, compare
from bot.recommend.catalogue import Item

# The strategies `bot.recommend.blend` names, in the order the page shows them.
STRATEGY_LABELS = {
    "content": "Content-based alone (cold start)",
    "blend": "Blend of content-based and collaborative",
    "trigger": "Chosen by a web chat trigger (opening offer)",
}
BASELINE, CHALLENGER = "content", "blend"
# Where an offer was made (`bot.crm.engagement_tables.PLACEMENTS`), in the page's order.
PLACEMENT_LABELS = {
    "chat": "In the chat (asked for, or at the wrap-up)",
    "opening": "Under the web chat's opening greeting",
}


@dataclass(frozen=True)
class OfferSeen:
    """One offer as the report reads it."""

    item_id: str
    strategy: str
    lead_id: str | None
    clicked: bool
    qualified: bool  # the lead's status is qualified or handed off
    won: bool  # the sales CRM reported the lead won
    placement: str = "chat"
    trigger: str | None = None  # an opening offer's trigger


@dataclass(frozen=True)
class Tally:
    offered: int = 0
    clicked: int = 0
    leads: int = 0  # distinct leads offered
    qualified: int = 0  # of those leads
    won: int = 0  # of those leads

    @property
    def click_rate(self) -> float | None:
        return self.clicked / self.offered if self.offered else None

    @property
    def qualified_rate(self) -> float | None:
        return self.qualified / self.leads if self.leads else None

    @property
    def won_rate(self) -> float | None:
        return self.won / self.leads if self.leads else None


def tally(offers: Iterable[OfferSeen]) -> Tally:
    offers = list(offers)
    leads = {offer.lead_id: offer for offer in offers if offer.lead_id is not None}
    return Tally(
        offered=len(offers),
        clicked=sum(offer.clicked for offer in offers),
        leads=len(leads),
        qualified=sum(offer.qualified for offer in leads.values()),
        won=sum(offer.won for offer in leads.values()),
    )


@dataclass(frozen=True)
class ItemRow:
    item_id: str
    title: str | None  # None: no longer in the catalogue
    kind: str | None
    tally: Tally

    @property
    def in_catalogue(self) -> bool:
        return self.title is not None


@dataclass(frozen=True)
class StrategyRow:
    strategy: str
    label: str
    tally: Tally


@dataclass(frozen=True)
class PlacementRow:
    placement: str
    trigger: str | None  # one trigger's opening offers; None: the whole placement
    label: str
    tally: Tally


@dataclass(frozen=True)
class RecommendationReport:
    total: Tally
    items: tuple[ItemRow, ...]  # most offered first; then catalogue order, removed items last
    strategies: tuple[StrategyRow, ...]
    placements: tuple[PlacementRow, ...]
    comparison: Comparison
    verdict: str


def _grouped(offers: Sequence[OfferSeen], key: str) -> dict[str, list[OfferSeen]]:
    groups: dict[str, list[OfferSeen]] = {}
    for offer in offers:
        groups.setdefault(getattr(offer, key), []).append(offer)
    return groups


def item_rows(offers: Sequence[OfferSeen], catalogue: Sequence[Item]) -> list[ItemRow]:
    """Every catalogue item (never offered: zeros), then items offered but since removed."""
    by_item = _grouped(offers, "item_id")
    known = {item.id for item in catalogue}
    rows = [
        ItemRow(item.id, item.title, item.kind, tally(by_item.get(item.id, ())))
        for item in catalogue
    ]
    rows += [
        ItemRow(item_id, None, None, tally(by_item[item_id]))
        for item_id in sorted(set(by_item) - known)
    ]
    order = {row.item_id: index for index, row in enumerate(rows)}
    return sorted(rows, key=lambda row: (-row.tally.offered, order[row.item_id]))


def strategy_rows(offers: Sequence[OfferSeen]) -> list[StrategyRow]:
    """The two rankings and the triggers' choice (with zeros when unused), then any other
    recorded, by name."""
    by_strategy = _grouped(offers, "strategy")
    names = [*STRATEGY_LABELS, *sorted(set(by_strategy) - set(STRATEGY_LABELS))]
    return [
        StrategyRow(name, STRATEGY_LABELS.get(name, name), tally(by_strategy.get(name, ())))
        for name in names
    ]


def placement_rows(offers: Sequence[OfferSeen]) -> list[PlacementRow]:
    """In the chat, then under the opening greeting followed by each of its triggers (by
    name), then any other placement recorded; zeros where nothing was offered."""
    by_placement = _grouped(offers, "placement")
    rows = []
    for name in [*PLACEMENT_LABELS, *sorted(set(by_placement) - set(PLACEMENT_LABELS))]:
        made = by_placement.get(name, [])
        rows.append(PlacementRow(name, None, PLACEMENT_LABELS.get(name, name), tally(made)))
        by_trigger = _grouped([offer for offer in made if offer.trigger], "trigger")
        rows += [
            PlacementRow(name, trigger, f"trigger {trigger}", tally(by_trigger[trigger]))
            for trigger in sorted(by_trigger)
        ]
    return rows


def strategy_verdict(comparison: Comparison) -> str:
    """The comparison of the strategies' click rates in a sentence."""
    challenger, baseline = comparison.treatment.name, comparison.control.name
    if comparison.p_value is None:
        return f"No comparison of {challenger} with {baseline} yet: {_untested(comparison)}."
    rates = (
        f"{challenger} {percent(comparison.treatment_rate)} of offers clicked against "
        f"{baseline} {percent(comparison.control_rate)}"
    )
    test = comparison.test.value if comparison.test else comparison.reason
    level = f"{comparison.confidence_level * 100:g}%"
    found = f"significant at {level}" if comparison.significant else "not significant"
    return f"Clicks per offer: {rates} ({p_text(comparison.p_value)}, {test}; {found})."


def _untested(comparison: Comparison) -> str:
    arms = (comparison.control, comparison.treatment)
    unused = [arm.name for arm in arms if arm.exposures == 0]
    if unused:
        return f"no offers by {' or '.join(unused)} in this period"
    if not any(arm.conversions for arm in arms):
        return "no offer was clicked"
    return "every offer was clicked"


def recommendation_report(
    offers: Sequence[OfferSeen], catalogue: Sequence[Item], *, alpha: float = 0.05
) -> RecommendationReport:
    strategies = strategy_rows(offers)
    by_name = {row.strategy: row.tally for row in strategies}
    arms = [
        Arm(name, by_name[name].offered, by_name[name].clicked) for name in (BASELINE, CHALLENGER)
    ]
    comparison = compare(*arms, alpha=alpha)
    return RecommendationReport(
        total=tally(offers),
        items=tuple(item_rows(offers, catalogue)),
        strategies=tuple(strategies),
        placements=tuple(placement_rows(offers)),
        comparison=comparison,
        verdict=strategy_verdict(comparison),
    )
