"""Collaborative ranking: clicks of leads with similar answers, similar items, cold start."""

from __future__ import annotations

from bot.recommend import CollaborativeRanker, Lead
from tests.unit.recommend.recommend_builders import ITEMS, retail_lead


def clicked(lead: Lead, *items: str) -> Lead:
    return Lead(**{**lead.__dict__, "clicked": frozenset(items), "seen": frozenset(items)})


RETAIL = [clicked(retail_lead(), "crm-sync", "cart-playbook") for _ in range(4)]
CLINICS = [
    clicked(
        Lead(use_case="book patients", industry="healthcare"), "clinic-bookings", "consent-guide"
    )
    for _ in range(4)
]


def ranker(history: list[Lead], min_interactions: int = 4) -> CollaborativeRanker:
    return CollaborativeRanker(ITEMS, history, min_interactions=min_interactions, neighbours=5)


def test_items_that_similar_leads_clicked_come_first_with_a_reason() -> None:
    scores = ranker(RETAIL + CLINICS).score(retail_lead(), ITEMS)
    assert scores is not None
    top = sorted(scores, key=lambda i: -scores[i].score)[:2]
    assert set(top) == {"crm-sync", "cart-playbook"}
    assert scores["crm-sync"].reason == "Popular with retail teams like yours"
    assert scores["sales-handoff"].score == 0 and scores["sales-handoff"].reason is None


def test_the_most_similar_leads_are_the_peers() -> None:
    peers = ranker(RETAIL + CLINICS).peers(Lead(industry="healthcare"))
    assert [peer.industry for peer, _ in peers] == ["healthcare"] * 4
    assert all(0 < similarity <= 1 for _, similarity in peers)


def test_cold_start_fewer_interactions_than_the_minimum_gives_no_score() -> None:
    one_lead = RETAIL[:1]  # two clicks
    assert ranker(one_lead, min_interactions=3).score(retail_lead(), ITEMS) is None
    assert ranker(one_lead, min_interactions=2).score(retail_lead(), ITEMS) is not None
    assert ranker([]).score(retail_lead(), ITEMS) is None
    assert ranker(RETAIL + CLINICS).score(Lead(use_case="xyzzy"), ITEMS) is None  # no peers


def test_the_leads_own_clicks_count_and_items_clicked_alongside_them() -> None:
    history = [clicked(Lead(use_case="other"), "consent-guide", "crm-sync") for _ in range(3)]
    lead = clicked(Lead(use_case="nothing alike"), "consent-guide")
    scores = ranker(history, min_interactions=1).score(lead, ITEMS)
    assert scores is not None
    assert max(scores, key=lambda i: scores[i].score if i != "consent-guide" else -1) == "crm-sync"
    assert scores["crm-sync"].reason == "Often read with “Consent in a chatbot”"


def test_a_peer_reason_by_size_or_in_general() -> None:
    sized = [clicked(Lead(use_case="cart", size_band="11-50"), "crm-sync") for _ in range(4)]
    scores = ranker(sized).score(Lead(use_case="cart", size_band="11-50"), ITEMS)
    assert (
        scores is not None and scores["crm-sync"].reason == "Popular with companies of 11-50 people"
    )
    plain = [clicked(Lead(use_case="cart"), "crm-sync") for _ in range(4)]
    scores = ranker(plain).score(Lead(use_case="cart"), ITEMS)
    assert scores is not None and scores["crm-sync"].reason == "Popular with teams like yours"
