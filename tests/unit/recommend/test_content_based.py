"""Content-based ranking: TF-IDF cosine of what the lead said against each item."""

from __future__ import annotations

import pytest

from bot.recommend import ContentRanker, Lead
from tests.unit.recommend.recommend_builders import ITEMS, item, retail_lead

RANKER = ContentRanker(ITEMS)


def best(lead: Lead) -> list[str]:
    scores = RANKER.score(lead, ITEMS)
    return sorted(scores, key=lambda item_id: -scores[item_id].score)


def test_the_item_about_the_stated_need_comes_first_and_says_why() -> None:
    scores = RANKER.score(retail_lead(), ITEMS)
    assert best(retail_lead())[0] == "cart-playbook"
    assert scores["cart-playbook"].reason == "Because you mentioned abandoned carts"
    assert 0 < scores["cart-playbook"].score <= 1


def test_different_needs_different_first_items() -> None:
    clinic = Lead(use_case="our front desk is drowning in calls, patients can't book")
    assert best(clinic)[0] == "clinic-bookings"
    sales = Lead(use_case="send hot leads to a sales rep", role="VP Sales")
    assert best(sales)[0] == "sales-handoff"


def test_industry_and_size_count_when_nothing_was_said() -> None:
    scores = RANKER.score(Lead(industry="healthcare"), ITEMS)
    assert max(scores, key=lambda i: scores[i].score) == "clinic-bookings"
    assert scores["clinic-bookings"].reason == "Made for healthcare teams like yours"
    sized = RANKER.score(Lead(size_band="1000+"), ITEMS)
    assert sized["sales-handoff"].reason == "Suited to companies of 1000+ people"


def test_a_role_alone_is_quoted_as_the_role() -> None:
    scores = RANKER.score(Lead(role="sales director"), ITEMS)
    assert scores["sales-handoff"].reason == "Because you work in sales"


def test_nothing_in_common_scores_zero_without_a_reason() -> None:
    scores = RANKER.score(Lead(use_case="just looking around"), ITEMS)
    assert {found.score for found in scores.values()} == {0.0}
    assert {found.reason for found in scores.values()} == {None}
    assert RANKER.score(retail_lead(), []) == {}


def test_only_the_candidates_are_scored_and_new_items_too() -> None:
    new = item("cart-webinar", title="Abandoned carts live", use_cases=("abandoned_carts",))
    scores = RANKER.score(retail_lead(), [ITEMS[1], new])
    assert set(scores) == {"clinic-bookings", "cart-webinar"}
    assert scores["cart-webinar"].score > scores["clinic-bookings"].score


def test_coverage_is_the_share_of_what_was_said_an_item_matches() -> None:
    ranker = ContentRanker(ITEMS)
    covered = ranker.coverage(Lead(use_case="abandoned carts"), ITEMS)
    assert covered["cart-playbook"] == pytest.approx(1.0)
    assert covered["consent-guide"] == 0.0
    assert ranker.coverage(Lead(), ITEMS) == dict.fromkeys((i.id for i in ITEMS), 0.0)
