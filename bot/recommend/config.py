"""How the recommender blends its rankers: ``data/content/recommending.yml``, checked as
the catalogue is (file:line, did-you-mean).

    weights         per ranker (content, collaborative): how much its normalised score
                    counts; at least one above 0
    top_k           how many items to recommend, 1 to 3
    min_interactions  cold start: a lead whose similar leads (and own clicks) add up to
                    fewer engagements gets no collaborative score, only the content one
    neighbours      how many of the most similar past leads the collaborative ranker reads
    experiment      optional: an A/B test of ranking strategies (`bot.recommend.strategies`);
                    without it every conversation is ranked with the weights above
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.recommend.strategies import (
    EXPERIMENT_SCHEMA,
    RANKERS,
    WEIGHTS_SCHEMA,
    StrategyExperiment,
    check_experiment,
    check_weights,
    experiment_from,
)
from bot.scoring.issues import Issues, RulesError
from bot.scoring.rules import checked, parse

__all__ = ["RANKERS", "RecommenderConfig", "load_config", "validate_config_file"]

SETTINGS = "recommending"
CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [SETTINGS],
    "properties": {
        SETTINGS: {
            "type": "object",
            "required": ["weights"],
            "properties": {
                "weights": WEIGHTS_SCHEMA,
                "top_k": {"type": "integer", "minimum": 1, "maximum": 3},
                "min_interactions": {"type": "integer", "minimum": 0},
                "neighbours": {"type": "integer", "minimum": 1},
                "experiment": EXPERIMENT_SCHEMA,
            },
            "additionalProperties": False,
        }
    },
    "additionalProperties": False,
}


@dataclass(frozen=True)
class RecommenderConfig:
    content_weight: float = 0.5
    collaborative_weight: float = 0.5
    top_k: int = 3
    min_interactions: int = 10
    neighbours: int = 30
    experiment: StrategyExperiment | None = None  # None: no A/B test of strategies

    def __post_init__(self) -> None:
        check_weights(self.content_weight, self.collaborative_weight)
        if not 1 <= self.top_k <= 3:
            raise ValueError(f"top_k must be 1 to 3, not {self.top_k}")
        if self.min_interactions < 0 or self.neighbours < 1:
            raise ValueError("min_interactions must be >= 0 and neighbours >= 1")


def _check(issues: Issues) -> None:
    if issues.clean([SETTINGS, "weights"]) and (
        sum(float(w) for w in issues.root[SETTINGS]["weights"].values()) <= 0
    ):
        issues.add([SETTINGS, "weights"], "weights are all 0; give at least one ranker a weight")
    if issues.clean([SETTINGS, "experiment"]) and "experiment" in issues.root[SETTINGS]:
        check_experiment(issues, [SETTINGS, "experiment"])


def parse_config(path: Path) -> Issues:
    return checked(parse(path), CONFIG_SCHEMA, _check)


def validate_config_file(path: Path) -> list[RulesError]:
    return parse_config(path).errors


def _config_from(node: Mapping[str, Any]) -> RecommenderConfig:
    defaults = RecommenderConfig()
    return RecommenderConfig(
        content_weight=float(node["weights"]["content"]),
        collaborative_weight=float(node["weights"]["collaborative"]),
        top_k=int(node.get("top_k", defaults.top_k)),
        min_interactions=int(node.get("min_interactions", defaults.min_interactions)),
        neighbours=int(node.get("neighbours", defaults.neighbours)),
        experiment=experiment_from(node["experiment"], node["weights"])
        if "experiment" in node
        else None,
    )


def load_config(path: Path) -> RecommenderConfig:
    """The settings in `path`; raises the first `RulesError` if it has a mistake."""
    issues = parse_config(path)
    if issues.errors:
        raise issues.errors[0]
    return _config_from(issues.root[SETTINGS])
