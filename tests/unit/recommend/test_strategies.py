"""A/B tests of ranking strategies: declared in recommending.yml and checked with file and
line, assigned per conversation by the experiments' one assignment, and ranked with the
variant's weights; without a test, the settings' weights as before."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from bot.experiments.assignment import assign_variant
from bot.recommend import Recommender, RecommenderConfig
from bot.recommend.config import load_config, validate_config_file
from bot.recommend.strategies import Strategy, StrategyExperiment
from tests.unit.recommend.recommend_builders import CATALOGUE_OF_ITEMS, SETTINGS, TODAY, retail_lead
from tests.unit.recommend.test_blend import HISTORY

# Line numbers in the tests below refer to this text (the first line is line 1).
WITH_EXPERIMENT = SETTINGS + (
    "  experiment:\n"  # 8
    "    name: ranking-2027-01\n"  # 9
    "    variants:\n"  # 10
    "      - name: blend\n"  # 11
    "      - name: content_only\n"  # 12
    "        weights: {content: 1, collaborative: 0}\n"  # 13
    "      - name: peers_first\n"  # 14
    "        weights: {content: 0.1, collaborative: 0.9}\n"  # 15
    "        traffic: 2\n"  # 16
)


def settings_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "recommending.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_declared_experiment_loads_with_its_variants(tmp_path: Path) -> None:
    config = load_config(settings_file(tmp_path, WITH_EXPERIMENT))
    assert config.experiment == StrategyExperiment(
        "ranking-2027-01",
        (
            Strategy("blend", 0.3, 0.7),  # no weights of its own: the settings'
            Strategy("content_only", 1.0, 0.0),
            Strategy("peers_first", 0.1, 0.9, traffic=2.0),
        ),
    )
    assert config.experiment.share(config.experiment.strategies[2]) == 0.5


def test_without_an_experiment_there_is_none(tmp_path: Path) -> None:
    assert load_config(settings_file(tmp_path, SETTINGS)).experiment is None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "      - name: content_only\n",
            "      - name: blend\n",
            "12: variant 'blend' is named twice; name each once",
        ),
        (
            "    name: ranking-2027-01\n",
            "    name: Ranking 2027\n",
            "9: recommending.experiment.name is 'Ranking 2027', which is not a name of "
            "lowercase letters",
        ),
        (
            "        traffic: 2\n",
            "        trafic: 2\n",
            "16: unknown field 'trafic' in recommending.experiment.variants[2]; "
            "did you mean 'traffic'?",
        ),
        (
            "        traffic: 2\n",
            "        traffic: 0\n",
            "16: recommending.experiment.variants[2].traffic is 0; it must be more than 0",
        ),
        (
            "{content: 1, collaborative: 0}",
            "{content: 0, collaborative: 0}",
            "13: weights are all 0; give at least one ranker a weight",
        ),
        (
            "{content: 1, collaborative: 0}",
            "{content: 1}",
            "13: recommending.experiment.variants[1].weights is missing 'collaborative'",
        ),
        (
            "    name: ranking-2027-01\n",
            "",
            "8: recommending.experiment is missing 'name'",
        ),
    ],
)
def test_experiment_mistakes_are_named_at_their_line(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    path = settings_file(tmp_path, WITH_EXPERIMENT.replace(old, new))
    errors = [str(error) for error in validate_config_file(path)]
    assert len(errors) == 1 and errors[0].startswith(f"{path}:{expected}"), errors


def test_an_experiment_needs_two_variants(tmp_path: Path) -> None:
    text = WITH_EXPERIMENT.split("      - name: content_only\n")[0]
    errors = [str(error) for error in validate_config_file(settings_file(tmp_path, text))]
    assert errors == [
        f"{tmp_path}/recommending.yml:10: an experiment compares variants: list at least 2, not 1"
    ]


def test_each_conversation_gets_the_variant_the_experiments_assignment_gives() -> None:
    experiment = StrategyExperiment(
        "ranking", (Strategy("blend", 0.3, 0.7), Strategy("content_only", 1, 0, traffic=3))
    )
    ids = [f"webchat-{number}" for number in range(2000)]
    chosen = [experiment.strategy_for(key).name for key in ids]
    assert chosen == [
        assign_variant(
            experiment="ranking",
            conversation_id=key,
            variants=["blend", "content_only"],
            weights=[1, 3],
        )
        for key in ids
    ]
    assert chosen == [experiment.strategy_for(key).name for key in ids]  # every time
    assert 1400 < Counter(chosen)["content_only"] < 1600  # three quarters of the traffic


def test_a_strategy_ranks_with_its_own_weights() -> None:
    config = RecommenderConfig(0.5, 0.5, top_k=3, min_interactions=4, neighbours=10)
    recommender = Recommender(CATALOGUE_OF_ITEMS, config, HISTORY)
    lead = retail_lead()

    def first(strategy: Strategy | None) -> str:
        return recommender.recommend(lead, today=TODAY, k=1, strategy=strategy)[0].item.id

    assert first(Strategy("content_only", 1, 0)) == "cart-playbook"
    assert first(Strategy("peers_only", 0, 1)) == "crm-sync"
    # No strategy: the settings' weights, exactly as without any experiment.
    same = Strategy("same", config.content_weight, config.collaborative_weight)
    assert recommender.recommend(lead, today=TODAY) == recommender.recommend(
        lead, today=TODAY, strategy=same
    )


def test_strategies_are_checked_when_built_in_code() -> None:
    with pytest.raises(ValueError, match="weights"):
        Strategy("none", 0, 0)
    with pytest.raises(ValueError, match="traffic"):
        Strategy("never", 1, 0, traffic=0)
    with pytest.raises(ValueError, match="two variants"):
        StrategyExperiment("alone", (Strategy("blend", 1, 1),))
    repeated = StrategyExperiment("twice", (Strategy("a", 1, 0), Strategy("a", 0, 1)))
    with pytest.raises(ValueError, match="unique"):
        repeated.strategy_for("webchat-1")
    assert replace(RecommenderConfig(), experiment=None) == RecommenderConfig()
