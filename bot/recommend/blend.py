"""The recommender: business rules first, then a weighted blend of the two rankings.

For a lead, `Recommender.recommend`

1. keeps the items the rules allow (`bot.recommend.rules`);
2. scores them with the content-based ranker and, past the cold start, the
   collaborative one;
3. scales each ranker's scores to 0..1 over those items and adds them with the weights
   of ``data/content/recommending.yml``, or of the strategy the conversation is ranked
   under in an A/B test of strategies (`bot.recommend.strategies`); at a cold start the
   content ranking alone decides, whatever the weights;
4. returns the best `top_k`, each with one line saying why: the reason of the ranker
   that added most to its score, or else what the item is good for at its stage.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from bot.recommend.catalogue import Catalogue, Item
from bot.recommend.collaborative import CollaborativeRanker
from bot.recommend.config import RecommenderConfig
from bot.recommend.content_based import ContentRanker
from bot.recommend.lead import Lead
from bot.recommend.rules import eligible
from bot.recommend.scored import Scores, normalised
from bot.recommend.strategies import Strategy

__all__ = ["STAGE_REASONS", "Recommendation", "Recommender"]

# When no ranker can say why (nothing the lead said matches, no peers engaged).
STAGE_REASONS = {
    "awareness": "A good place to start",
    "consideration": "Helps you weigh up the options",
    "decision": "Useful when you are ready to decide",
}


@dataclass(frozen=True)
class Recommendation:
    item: Item
    score: float  # 0 to 1: the blend of the scaled scores
    reason: str
    # The ranking that placed it: "content" at a cold start, else "blend" (of both).
    strategy: str = "blend"


class Recommender:
    """Built once per catalogue, settings and engagement history."""

    def __init__(
        self, catalogue: Catalogue, config: RecommenderConfig, history: Sequence[Lead] = ()
    ) -> None:
        self.catalogue, self.config = catalogue, config
        self.content = ContentRanker(catalogue.items)
        self.collaborative = CollaborativeRanker(
            catalogue.items,
            history,
            min_interactions=config.min_interactions,
            neighbours=config.neighbours,
        )

    def _weights(
        self, collaborative: Scores | None, strategy: Strategy | None
    ) -> tuple[float, float]:
        weighed = strategy or self.config
        content, peers = weighed.content_weight, weighed.collaborative_weight
        if collaborative is None:  # cold start: content-based alone
            return 1.0, 0.0
        total = content + peers
        return content / total, peers / total

    def recommend(
        self,
        lead: Lead,
        *,
        today: date,
        k: int | None = None,
        among: Collection[str] | None = None,
        strategy: Strategy | None = None,
    ) -> list[Recommendation]:
        """At most `k` (the settings' top_k by default) items for `lead`, best first;
        only items whose id is in `among`, when given (a visitor asked for a kind). The
        scores are scaled over every item the rules allow, `among` or not, so that one
        item asked for still has the reason it matched. The rankers are weighed by
        `strategy` when given (a variant of an A/B test), else by the settings."""
        candidates = eligible(self.catalogue.items, lead, today)
        if not candidates:
            return []
        by_content = self.content.score(lead, candidates)
        by_peers = self.collaborative.score(lead, candidates)
        weight_content, weight_peers = self._weights(by_peers, strategy)
        ranking = "content" if by_peers is None else "blend"
        scaled_content = normalised(by_content)
        scaled_peers = normalised(by_peers) if by_peers is not None else {}
        ranked = []
        for order, item in enumerate(candidates):
            if among is not None and item.id not in among:
                continue
            parts = [(weight_content * scaled_content[item.id], by_content[item.id].reason)]
            if by_peers is not None:
                parts.append((weight_peers * scaled_peers[item.id], by_peers[item.id].reason))
            total = sum(part for part, _ in parts)
            reasons = [(part, reason) for part, reason in parts if part > 0 and reason]
            reason = max(reasons, key=lambda found: found[0])[1] if reasons else None
            ranked.append(
                (-total, order, Recommendation(item, total, reason or _stage(item), ranking))
            )
        ranked.sort(key=lambda entry: (entry[0], entry[1]))
        return [entry[2] for entry in ranked[: k or self.config.top_k]]


def _stage(item: Item) -> str:
    return STAGE_REASONS[item.stage]
