"""A synthetic engagement history on the shipped catalogue: the collaborative ranker, and
the blend with it, recommend the item that leads with similar answers used, even when
what the new lead says points elsewhere."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from bot.recommend import Lead, Recommender, load_content

TODAY = date(2026, 12, 1)
# Clinics that asked about bookings went on to read the Twilio integration page; retail
# and sales-led leads read other things.
USED_BY_CLINICS = "integration-twilio-sms"


def history(seed: int = 5) -> list[Lead]:
    rng = random.Random(seed)
    leads = []
    for _ in range(40):
        clinic = Lead(
            use_case=rng.choice(["patients can't book at night", "too many calls to book"]),
            role="practice manager",
            industry="healthcare",
            size_band=rng.choice(["1-10", "11-50"]),
            region="na",
        )
        leads.append(replace(clinic, clicked=frozenset({USED_BY_CLINICS})))
        shop = Lead(use_case="abandoned carts", industry="retail", region="uk", size_band="11-50")
        leads.append(replace(shop, clicked=frozenset({"integration-shopify", "plan-growth"})))
        b2b = Lead(use_case="qualify leads", industry="saas", region="na", size_band="51-200")
        leads.append(replace(b2b, clicked=frozenset({"cs-ledgerline-qualification"})))
    return leads


def test_a_new_clinic_is_recommended_what_similar_clinics_used() -> None:
    catalogue, config = load_content()
    recommender = Recommender(catalogue, config, history())
    clinic = Lead(
        use_case="patients can't book at night",
        role="practice manager",
        industry="healthcare",
        size_band="11-50",
        region="na",
    )
    content = recommender.content.score(clinic, catalogue.items)
    by_content = sorted(content, key=lambda item: -content[item].score)
    assert USED_BY_CLINICS not in by_content[:3]  # what they say does not point to it

    peers = recommender.collaborative.score(clinic, catalogue.items)
    assert peers is not None
    assert max(peers, key=lambda item: peers[item].score) == USED_BY_CLINICS

    found = recommender.recommend(clinic, today=TODAY)
    assert USED_BY_CLINICS in [f.item.id for f in found]
    reasons = {f.item.id: f.reason for f in found}
    assert reasons[USED_BY_CLINICS] == "Popular with healthcare teams like yours"
    assert any(reason.startswith("Because you mentioned") for reason in reasons.values())


def test_a_lead_unlike_any_in_the_history_gets_the_content_ranking() -> None:
    catalogue, config = load_content()
    recommender = Recommender(catalogue, config, history())
    privacy = Lead(use_case="is this gdpr compliant in europe", industry="education", region="eu")
    assert recommender.collaborative.score(privacy, catalogue.items) is None
    found = recommender.recommend(privacy, today=TODAY, k=1)
    assert found[0].item.id == "guide-gdpr-chat-consent"
    assert found[0].reason == "Because you mentioned gdpr"
