"""The A/B tests page's recommendation strategies: the declared test's variants with their
weights and traffic, offers, clicks and click rate, conversions compared with the
baseline under the Benjamini–Hochberg procedure, a test no longer declared, and nothing
about any person."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.console import experiments_routes
from bot.crm import session_scope
from bot.recommend.strategies import Strategy, StrategyExperiment
from tests.api.conftest import Api
from tests.api.console_session import log_in
from tests.api.engagement_seed import add_lead, offer
from tests.api.test_console_experiments import project  # noqa: F401
from tests.api.test_console_recommendations import table_rows

PAGE = "/console/experiments"
DECLARED = StrategyExperiment(
    "ranking", (Strategy("blend", 0.3, 0.7), Strategy("content_only", 1.0, 0.0, traffic=3))
)


@pytest.fixture
def declared(monkeypatch: pytest.MonkeyPatch, project: Path) -> None:  # noqa: F811
    monkeypatch.setattr(experiments_routes, "declared_strategy_test", lambda: (DECLARED, None))


def seed(api: Api) -> None:
    """30 conversations per variant, two offers each: blend's clicked in 3 conversations
    and qualified in 6, content_only's clicked in 15 and qualified in 9; and one offer
    of a test the settings no longer declare."""
    with session_scope(api.engine) as session:
        for variant, clicked, qualified in (("blend", 3, 6), ("content_only", 15, 9)):
            for number in range(30):
                status = "qualified" if number < qualified else "nurture"
                lead = add_lead(session, f"{variant}-{number}", status=status)
                for item, clicks in (("guide-a", int(number < clicked)), ("cs-b", 0)):
                    offer(
                        session, lead, item, "blend", clicks=clicks,
                        experiment="ranking", variant=variant,
                    )  # fmt: skip
        offer(
            session, add_lead(session, "early"), "guide-a", "content",
            experiment="first-try", variant="peers",
        )  # fmt: skip


def test_the_declared_test_per_variant(api: Api, declared: None) -> None:
    seed(api)
    log_in(api)
    response = api.client.get(PAGE)

    assert response.status_code == 200
    assert table_rows(response, "Offers per variant of <code>ranking</code>") == {
        "blend": ["0.3, 0.7", "25%", "30", "60", "3", "5.0%"],
        "content_only": ["1, 0", "75%", "30", "60", "15", "25%"],
    }
    clicked = table_rows(
        response, "Clicked an offer: conversations per variant of <code>ranking</code>"
    )
    assert clicked["blend"] == ["30", "3", "10%", "baseline", "—"]
    assert clicked["content_only"][:3] == ["30", "15", "50%"]
    assert clicked["content_only"][3].startswith("+40.0 points (95% CI +19.")
    assert clicked["content_only"][4] == "p &lt; 0.001"
    qualified = table_rows(response, "Qualified: conversations per variant of <code>ranking</code>")
    assert qualified["content_only"][:3] == ["30", "9", "30%"]
    text = response.text
    assert (
        "content_only converts better than blend: 50% vs 10%, p &lt; 0.001, significant at 95%."
        in text
    )
    assert "content_only vs blend: not yet significant (30% vs 20%" in text
    assert (
        "With 2 comparisons, a difference is called\n  significant only when the Benjamini–Hochberg"
        in text
    )
    assert "61 conversations" not in text and "60 conversations\n  offered content so far" in text
    # The test the settings no longer declare, from its offers.
    assert "Test <code>first-try</code>" in text and "no longer declare this test" in text
    assert table_rows(response, "Offers per variant of <code>first-try</code>") == {
        "peers": ["no longer in the settings", "—", "1", "1", "0", "0%"]
    }


def test_no_personal_data_appears(api: Api, declared: None) -> None:
    seed(api)
    log_in(api)
    text = api.client.get(PAGE).text
    assert "conv-" not in text and "@example.com" not in text


def test_without_a_test_the_page_says_how_to_declare_one(
    api: Api,
    monkeypatch: pytest.MonkeyPatch,
    project: Path,  # noqa: F811
) -> None:
    monkeypatch.setattr(experiments_routes, "declared_strategy_test", lambda: (None, None))
    log_in(api)
    text = api.client.get(PAGE).text
    assert "No A/B test of recommendation strategies." in text
    assert '<a href="/console/data/content/recommending">Content and targeting</a>' in text


def test_settings_that_do_not_load_are_said(
    api: Api,
    monkeypatch: pytest.MonkeyPatch,
    project: Path,  # noqa: F811
) -> None:
    problem = "The recommender's settings do not load (recommending.yml:9: …)."
    monkeypatch.setattr(experiments_routes, "declared_strategy_test", lambda: (None, problem))
    seed(api)
    log_in(api)
    response = api.client.get(PAGE)
    assert response.status_code == 200
    assert "The recommender&#39;s settings do not load (recommending.yml:9: …)." in response.text
    assert "Test <code>ranking</code>" in response.text  # read from its offers
    assert "this test is read from its offers alone" in response.text


def test_the_declared_test_is_read_from_the_settings() -> None:
    assert experiments_routes.declared_strategy_test() == (None, None)  # the project's file
