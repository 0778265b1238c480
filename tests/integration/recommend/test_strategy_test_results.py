"""An A/B test of ranking strategies over a synthetic history, on SQLite and PostgreSQL:
visitors ask for content, each conversation is ranked under the variant assigned to it
and its offers record it; the clicks and qualified leads that follow come back per
variant with the message tests' statistics."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from bot import bootstrap
from bot.console.experiments_routes import strategy_results
from bot.crm import session_scope, upsert_contact
from bot.crm.engagement_tables import ContentEngagement, record_click, record_offer
from bot.recommend import RecommenderConfig
from bot.recommend.catalogue import Catalogue
from bot.recommend.links import ContentLinks
from bot.recommend.offering import Offering
from bot.recommend.strategies import Strategy, StrategyExperiment
from tests.integration.crm.crm_helpers import lead_for
from tests.unit.recommend.recommend_builders import ITEMS

pytestmark = pytest.mark.integration
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
LINKS = ContentLinks("https://api.example/r", URLSafeSerializer(b"s" * 40, salt="t"))
TEST = StrategyExperiment(
    "ranking-2027", (Strategy("blend", 0.3, 0.7), Strategy("content_only", 1, 0))
)
CONVERSATIONS = [f"webchat-{number:03d}" for number in range(120)]


def visitors_ask(chosen: Offering) -> None:
    for conversation_id in CONVERSATIONS:
        with session_scope(bootstrap.crm_engine()) as session:
            answered = chosen.answer(
                session,
                "any guides on abandoned carts?",
                slots={},
                conversation_id=conversation_id,
                marketing_email_confirmed=False,
            )
            assert answered.offers


def behave() -> dict[str, dict[str, int]]:
    """Of each variant's conversations, content_only's visitors click their first offer
    one time in two and blend's one in ten; a third of content_only's leads and a fifth
    of blend's are qualified. Returns what each variant holds."""
    truth: dict[str, dict[str, int]] = {
        name: {"conversations": 0, "clicked": 0, "qualified": 0}
        for name in ("blend", "content_only")
    }
    with session_scope(bootstrap.crm_engine()) as session:
        first = {}
        for row in session.scalars(select(ContentEngagement).order_by(ContentEngagement.id)):
            first.setdefault(row.conversation_id, row)
        for number, conversation_id in enumerate(CONVERSATIONS):
            variant = first[conversation_id].variant
            counts = truth[variant]
            counts["conversations"] += 1
            click_every, qualify_every = (2, 3) if variant == "content_only" else (10, 5)
            if counts["conversations"] % click_every == 0:
                assert record_click(session, first[conversation_id].id, now=NOW)
                counts["clicked"] += 1
            contact = upsert_contact(session, email=f"visitor{number}@example.com")
            qualified = counts["conversations"] % qualify_every == 0
            lead_for(
                session, contact, conversation_id, status="qualified" if qualified else "nurture"
            )
            counts["qualified"] += qualified
    return truth


def test_each_variant_ranks_its_conversations_and_reports_them(
    crm: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = RecommenderConfig(top_k=3, min_interactions=1, experiment=TEST)
    chosen = Offering(lambda: (Catalogue(ITEMS), config), LINKS, clock=lambda: NOW)
    visitors_ask(chosen)
    with session_scope(bootstrap.crm_engine()) as session:
        rows = list(session.scalars(select(ContentEngagement)))
        # An offer of an earlier test, and one made without any test: neither counts here.
        for conversation_id, test in (("webchat-x", "ranking-2026"), ("webchat-y", None)):
            record_offer(
                session,
                item_id="crm-sync",
                strategy="blend",
                conversation_id=conversation_id,
                lead_id=None,
                contact_id=None,
                experiment=test,
                variant="blend" if test else None,
            )
    assert {row.experiment for row in rows} == {"ranking-2027"}
    for row in rows:
        assert row.variant == TEST.strategy_for(row.conversation_id).name
    offered = Counter(row.variant for row in rows)
    truth = behave()
    assert min(counts["conversations"] for counts in truth.values()) > 40  # an even split

    monkeypatch.setattr(
        "bot.console.experiments_routes.declared_strategy_test", lambda: (TEST, None)
    )
    with session_scope(bootstrap.crm_engine()) as session:
        results, problem = strategy_results(session)

    assert problem is None
    current, earlier = results
    assert (current.name, current.configured, earlier.name, earlier.configured) == (
        "ranking-2027", True, "ranking-2026", False
    )  # fmt: skip
    for row in current.variants:
        expected = truth[row.name]
        assert row.result.exposures == expected["conversations"]
        assert row.offers.offers == offered[row.name] >= expected["conversations"]
        assert row.offers.clicks == expected["clicked"]
        assert row.result.metric("clicked").arm.conversions == expected["clicked"]
        assert row.result.metric("qualified").arm.conversions == expected["qualified"]
    challenger = current.variants[1].result
    assert challenger.name == "content_only"
    clicked = challenger.metric("clicked").comparison
    assert clicked is not None and clicked.significant and clicked.p_value < 0.001
    assert challenger.metric("clicked").verdict.startswith(
        "content_only converts better than blend"
    )
    assert current.comparisons == 2
