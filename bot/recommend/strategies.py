"""Ranking strategies and the A/B test of them a marketer may declare in
``data/content/recommending.yml``:

    recommending:
      weights: {content: 0.3, collaborative: 0.7}
      experiment:
        name: ranking-2027-01          # the test's name; a new name starts a new test
        variants:
          - name: blend                # the baseline; no weights: the settings' above
          - name: content_only
            weights: {content: 1, collaborative: 0}
          - name: peers_first
            weights: {content: 0.1, collaborative: 0.9}
            traffic: 2                 # twice the share of each other variant (default 1)

A *strategy* is how much each ranker's score counts in the blend. With an experiment,
each conversation is ranked under one variant's strategy, chosen by
`bot.experiments.assignment` from the test's name and the conversation id (the same one
in every process, for every offer of the conversation); without one, under the
settings' weights, as always. The first variant is the baseline the others are compared
with on the console's A/B tests page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.experiments.assignment import assign_variant
from bot.experiments.variants import VARIANT_NAME
from bot.scoring.issues import Issues

__all__ = [
    "EXPERIMENT_SCHEMA",
    "RANKERS",
    "WEIGHTS_SCHEMA",
    "Strategy",
    "StrategyExperiment",
    "check_experiment",
    "check_weights",
    "experiment_from",
]

RANKERS = ("content", "collaborative")
_WEIGHT = {"type": "number", "minimum": 0, "maximum": 1}
WEIGHTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": list(RANKERS),
    "properties": dict.fromkeys(RANKERS, _WEIGHT),
    "additionalProperties": False,
}
_NAME = {
    "type": "string",
    "pattern": f"^{VARIANT_NAME.pattern}$",
    "description": "a name of lowercase letters, digits, '-' and '_' (at most 40)",
}
EXPERIMENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "variants"],
    "properties": {
        "name": _NAME,
        "variants": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": _NAME,
                    "weights": WEIGHTS_SCHEMA,
                    "traffic": {"type": "number", "exclusiveMinimum": 0},
                },
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}


def check_weights(content: float, collaborative: float) -> None:
    """Raises ValueError unless both weights are at least 0 and not both 0."""
    if min(content, collaborative) < 0 or content + collaborative <= 0:
        raise ValueError(f"weights must be >= 0 and not all 0: {(content, collaborative)}")


@dataclass(frozen=True)
class Strategy:
    """One variant of the test: its name, its rankers' weights and its share of traffic."""

    name: str
    content_weight: float
    collaborative_weight: float
    traffic: float = 1.0

    def __post_init__(self) -> None:
        check_weights(self.content_weight, self.collaborative_weight)
        if self.traffic <= 0:
            raise ValueError(f"strategy {self.name!r}: traffic must be above 0")


@dataclass(frozen=True)
class StrategyExperiment:
    name: str
    strategies: tuple[Strategy, ...]  # the first is the baseline

    def __post_init__(self) -> None:
        if len(self.strategies) < 2:
            raise ValueError(f"experiment {self.name!r} needs at least two variants")

    def strategy_for(self, conversation_id: str) -> Strategy:
        """The strategy `conversation_id` is ranked under (`assign_variant`, which also
        refuses an empty name, repeated variant names and bad traffic shares)."""
        chosen = assign_variant(
            experiment=self.name,
            conversation_id=conversation_id,
            variants=[strategy.name for strategy in self.strategies],
            weights=[strategy.traffic for strategy in self.strategies],
        )
        return next(strategy for strategy in self.strategies if strategy.name == chosen)

    def share(self, strategy: Strategy) -> float:
        """The share of conversations `strategy` gets."""
        return strategy.traffic / sum(found.traffic for found in self.strategies)


def _all_zero(weights: Mapping[str, Any]) -> bool:
    return sum(float(weight) for weight in weights.values()) <= 0


def check_experiment(issues: Issues, path: list[Any]) -> None:
    """What the schema cannot say of the experiment at `path`: at least two variants,
    every variant named once, and each variant's weights not all 0."""
    variants = issues.root[path[0]][path[1]]["variants"]
    if len(variants) < 2:
        message = f"an experiment compares variants: list at least 2, not {len(variants)}"
        issues.add([*path, "variants"], message)
    seen: set[str] = set()
    for index, variant in enumerate(variants):
        at = [*path, "variants", index]
        if issues.clean([*at, "name"]):
            name = str(variant["name"])
            if name in seen:
                issues.add([*at, "name"], f"variant '{name}' is named twice; name each once")
            seen.add(name)
        if (
            "weights" in variant
            and issues.clean([*at, "weights"])
            and _all_zero(variant["weights"])
        ):
            issues.add([*at, "weights"], "weights are all 0; give at least one ranker a weight")


def experiment_from(node: Mapping[str, Any], weights: Mapping[str, Any]) -> StrategyExperiment:
    """The experiment of a checked file's `experiment` node; a variant without weights
    ranks with the settings' `weights`."""
    strategies = []
    for variant in node["variants"]:
        chosen = variant.get("weights", weights)
        strategies.append(
            Strategy(
                name=str(variant["name"]),
                content_weight=float(chosen["content"]),
                collaborative_weight=float(chosen["collaborative"]),
                traffic=float(variant.get("traffic", 1)),
            )
        )
    return StrategyExperiment(str(node["name"]), tuple(strategies))
