"""The blend: rules first, weighted normalised scores, top k, one reason per item."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.recommend import Lead, Recommender, RecommenderConfig
from bot.recommend.blend import STAGE_REASONS
from bot.recommend.catalogue import Catalogue
from bot.recommend.scored import ItemScore, normalised
from tests.unit.recommend.recommend_builders import (
    CATALOGUE_OF_ITEMS,
    ITEMS,
    TODAY,
    item,
    retail_lead,
)

CONFIG = RecommenderConfig(0.5, 0.5, top_k=3, min_interactions=4, neighbours=10)
# Retail leads like this one clicked the CRM integration, never the cart playbook.
HISTORY = [
    replace(retail_lead(), clicked=frozenset({"crm-sync"}), seen=frozenset({"crm-sync"}))
    for _ in range(6)
]


def ids(recommender: Recommender, lead: Lead, **kwargs: int) -> list[str]:
    return [found.item.id for found in recommender.recommend(lead, today=TODAY, **kwargs)]


def test_top_k_items_best_first_with_a_score_and_a_reason() -> None:
    found = Recommender(CATALOGUE_OF_ITEMS, CONFIG, HISTORY).recommend(retail_lead(), today=TODAY)
    assert len(found) == 3
    assert [f.score for f in found] == sorted((f.score for f in found), reverse=True)
    assert all(0 <= f.score <= 1 and f.reason for f in found)
    assert {f.item.id for f in found[:2]} == {"cart-playbook", "crm-sync"}
    by_id = {f.item.id: f.reason for f in found}
    assert by_id["cart-playbook"] == "Because you mentioned abandoned carts"
    assert by_id["crm-sync"] == "Popular with retail teams like yours"


@pytest.mark.parametrize("k", [1, 2, 3])
def test_k_can_be_asked_for_or_configured(k: int) -> None:
    assert len(ids(Recommender(CATALOGUE_OF_ITEMS, CONFIG), retail_lead(), k=k)) == k
    configured = Recommender(CATALOGUE_OF_ITEMS, replace(CONFIG, top_k=k))
    assert len(ids(configured, retail_lead())) == k


def test_the_weights_decide_between_the_rankers() -> None:
    content_only = Recommender(CATALOGUE_OF_ITEMS, replace(CONFIG, collaborative_weight=0), HISTORY)
    peers_only = Recommender(CATALOGUE_OF_ITEMS, replace(CONFIG, content_weight=0), HISTORY)
    assert ids(content_only, retail_lead(), k=1) == ["cart-playbook"]
    assert ids(peers_only, retail_lead(), k=1) == ["crm-sync"]


def test_cold_start_falls_back_to_content_whatever_the_weights() -> None:
    peers_only = replace(CONFIG, content_weight=0, min_interactions=100)
    recommender = Recommender(CATALOGUE_OF_ITEMS, peers_only, HISTORY)
    assert recommender.collaborative.score(retail_lead(), ITEMS) is None
    assert ids(recommender, retail_lead(), k=1) == ["cart-playbook"]


def test_each_item_says_which_ranking_placed_it() -> None:
    cold = Recommender(CATALOGUE_OF_ITEMS, replace(CONFIG, min_interactions=100), HISTORY)
    warm = Recommender(CATALOGUE_OF_ITEMS, CONFIG, HISTORY)
    assert {f.strategy for f in cold.recommend(retail_lead(), today=TODAY)} == {"content"}
    assert {f.strategy for f in warm.recommend(retail_lead(), today=TODAY)} == {"blend"}


def test_the_rules_apply_before_ranking() -> None:
    gated = replace(ITEMS[0], gated=True)
    catalogue = Catalogue((gated, *ITEMS[1:]))
    recommender = Recommender(catalogue, CONFIG, HISTORY)
    assert "cart-playbook" not in ids(recommender, retail_lead())
    assert "cart-playbook" in ids(recommender, retail_lead(marketing_consent=True))
    seen = retail_lead(seen=frozenset({"cart-playbook", "crm-sync"}))
    assert {"cart-playbook", "crm-sync"}.isdisjoint(
        ids(Recommender(CATALOGUE_OF_ITEMS, CONFIG), seen)
    )


def test_nothing_allowed_nothing_recommended() -> None:
    catalogue = Catalogue((item("apac-only", regions=("apac",)),))
    assert Recommender(catalogue, CONFIG).recommend(retail_lead(), today=TODAY) == []
    assert Recommender(Catalogue(()), CONFIG).recommend(retail_lead(), today=TODAY) == []


def test_without_any_evidence_the_reason_is_the_items_stage_in_catalogue_order() -> None:
    found = Recommender(CATALOGUE_OF_ITEMS, CONFIG).recommend(Lead(), today=TODAY)
    assert [f.item.id for f in found] == [i.id for i in ITEMS[:3]]
    assert [f.reason for f in found] == [
        STAGE_REASONS["awareness"],
        STAGE_REASONS["awareness"],
        STAGE_REASONS["awareness"],
    ]
    assert {f.score for f in found} == {0.0}


def test_scores_are_scaled_to_0_1_over_the_items_scored() -> None:
    assert normalised({"a": ItemScore(2.0), "b": ItemScore(4.0), "c": ItemScore(3.0)}) == {
        "a": 0.0,
        "b": 1.0,
        "c": 0.5,
    }
    assert normalised({"a": ItemScore(0.3), "b": ItemScore(0.3)}) == {"a": 0.0, "b": 0.0}
    assert normalised({}) == {}
