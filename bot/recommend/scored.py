"""What a ranker says about one item: a score and, when it can say why, a reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["ItemScore", "Scores", "normalised"]


@dataclass(frozen=True)
class ItemScore:
    score: float
    reason: str | None = None  # one line a visitor reads ("Because you mentioned …")


Scores = Mapping[str, ItemScore]  # by item id


def normalised(scores: Scores) -> dict[str, float]:
    """Scores scaled to 0..1 over the items scored (min-max), so rankers whose raw scores
    live on different scales can be blended; all equal means no preference: all 0."""
    values = [found.score for found in scores.values()]
    low, high = min(values, default=0.0), max(values, default=0.0)
    if high - low <= 1e-12:
        return dict.fromkeys(scores, 0.0)
    return {item: (found.score - low) / (high - low) for item, found in scores.items()}
