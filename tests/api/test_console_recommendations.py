"""The recommendations page: offers, clicks and what became of the leads offered, per
catalogue item, per strategy and per place offered (in the chat, or under the opening
greeting per trigger, anonymous visitors included), over the chosen period; catalogue
items never offered show zeros, removed ones their id; the strategies compared; for
marketers and admins."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.console import recommendations_routes
from bot.crm import Lead, session_scope
from bot.recommend.catalogue import Item
from tests.api.conftest import Api
from tests.api.console_session import log_in
from tests.api.engagement_seed import add_lead, offer
from tests.api.html_tables import table_rows

PAGE = "/console/recommendations"
ITEMS = (
    Item("guide-a", "A guide <to> chat", "https://x.example/a", "About A.", "guide", "awareness",
         ("any",), ("chat",)),
    Item("cs-b", "Case B", "https://x.example/b", "About B.", "case_study", "decision",
         ("any",), ("sms",)),
    Item("webinar-c", "Webinar C", "https://x.example/c", "About C.", "webinar", "consideration",
         ("any",), ("leads",)),
)  # fmt: skip


PER_ITEM = "Offers, clicks and leads per catalogue item, most offered first"
PER_STRATEGY = "Offers, clicks and leads per ranking strategy"
PER_PLACE = "Offers, clicks and leads in the chat and under the opening greeting, per trigger"


@pytest.fixture
def catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recommendations_routes, "catalogue_items", lambda: (ITEMS, None))


@pytest.fixture
def offered(api: Api, catalogue: None) -> Api:
    """Four leads offered content in the last days, one 40 days ago."""
    with session_scope(api.engine) as session:
        one = add_lead(session, "one", status="qualified", outcome="won")
        two = add_lead(session, "two", status="handed_off")
        three = add_lead(session, "three", status="nurture", outcome="lost")
        four = add_lead(session, "four")
        five = add_lead(session, "five", age=40, status="qualified")
        offer(session, one, "guide-a", "content", clicks=2)  # one offer, clicked twice
        offer(session, one, "cs-b", "content")
        offer(session, two, "guide-a", "content")
        offer(session, three, "guide-a", "blend", clicks=1)
        offer(session, three, "old-x", "blend")
        offer(session, four, "cs-b", "blend")
        offer(session, five, "guide-a", "blend", age=40)
    log_in(api)
    return api


def test_per_item_offers_clicks_and_what_became_of_the_leads(offered: Api) -> None:
    response = offered.client.get(PAGE)

    assert response.status_code == 200
    rows = table_rows(response, PER_ITEM)
    # Offered, clicked, click rate, leads offered, qualified (share), won (share).
    assert rows == {
        "A guide &lt;to&gt; chat guide-a": ["guide", "3", "2", "67%", "3", "2 67%", "1 33%"],
        "Case B cs-b": ["case study", "2", "0", "0%", "2", "1 50%", "1 50%"],
        "old-x no longer in the catalogue": ["—", "1", "0", "0%", "1", "0 0%", "0 0%"],
        "Webinar C webinar-c": ["webinar", "0", "0", "—", "0", "0 —", "0 —"],
        "All": ["", "6", "2", "33%", "4", "2 50%", "1 25%"],
    }
    assert list(rows)[:4] == [
        "A guide &lt;to&gt; chat guide-a",
        "Case B cs-b",
        "old-x no longer in the catalogue",
        "Webinar C webinar-c",
    ]


def test_per_strategy_with_the_comparison_of_click_rates(offered: Api) -> None:
    response = offered.client.get(PAGE)

    assert table_rows(response, PER_STRATEGY) == {
        "Content-based alone (cold start) content": ["3", "1", "33%", "2", "2 100%", "1 50%"],
        "Blend of content-based and collaborative blend": ["3", "1", "33%", "2", "0 0%", "0 0%"],
        "Chosen by a web chat trigger (opening offer) trigger": [
            "0", "0", "—", "0", "0 —", "0 —",
        ],
        "All": ["6", "2", "33%", "4", "2 50%", "1 25%"],
    }  # fmt: skip
    assert (
        "Clicks per offer: blend 33% of offers clicked against content 33% "
        "(p = 1, Fisher&#39;s exact test; not significant)." in response.text
    )
    assert "a hint to test, not a result" in response.text
    assert '<a href="/console/experiments#strategies">A/B tests</a>' in response.text


def test_opening_offers_count_per_item_and_per_trigger(offered: Api) -> None:
    with session_scope(offered.engine) as session:
        three = session.scalar(select(Lead).where(Lead.conversation_id == "conv-three"))
        # Two anonymous visitors served the pricing trigger's offer, one clicked; lead
        # three's conversation was served the returning-visitor trigger's.
        offer(session, None, "cs-b", "trigger", trigger="pricing-page", clicks=1)
        offer(session, None, "cs-b", "trigger", trigger="pricing-page")
        offer(session, three, "webinar-c", "trigger", trigger="returning", clicks=1)

    response = offered.client.get(PAGE)

    assert table_rows(response, PER_PLACE) == {
        "In the chat (asked for, or at the wrap-up)": ["6", "2", "33%", "4", "2 50%", "1 25%"],
        "Under the web chat&#39;s opening greeting": ["3", "2", "67%", "1", "0 0%", "0 0%"],
        "trigger pricing-page": ["2", "1", "50%", "0", "0 —", "0 —"],
        "trigger returning": ["1", "1", "100%", "1", "0 0%", "0 0%"],
        "All": ["9", "4", "44%", "4", "2 50%", "1 25%"],
    }
    items = table_rows(response, PER_ITEM)
    assert items["Case B cs-b"][:4] == ["case study", "4", "1", "25%"]
    assert items["Webinar C webinar-c"][:4] == ["webinar", "1", "1", "100%"]
    strategies = table_rows(response, PER_STRATEGY)
    assert strategies["Chosen by a web chat trigger (opening offer) trigger"][:3] == [
        "3",
        "2",
        "67%",
    ]


def test_a_longer_period_takes_in_older_offers(offered: Api) -> None:
    response = offered.client.get(PAGE, params={"days": "90"})

    assert '<option value="90" selected>' in response.text
    assert table_rows(response, PER_ITEM)["A guide &lt;to&gt; chat guide-a"][:3] == [
        "guide",
        "4",
        "2",
    ]


def test_an_unknown_period_says_so_and_shows_thirty_days(offered: Api) -> None:
    response = offered.client.get(PAGE, params={"days": "365"})

    assert "A report covers the last 7, 30 or 90 days; showing 30." in response.text
    assert '<option value="30" selected>' in response.text


def test_without_offers_the_page_says_so(api: Api, catalogue: None) -> None:
    log_in(api)
    response = api.client.get(PAGE, params={"days": "7"})

    assert response.status_code == 200
    assert "No content was offered in this period. The catalogue holds\n3 items" in response.text
    assert "<table" not in response.text


def test_the_page_needs_a_marketer(api: Api, catalogue: None) -> None:
    assert api.client.get(PAGE, follow_redirects=False).headers["location"] == "/console/login"
    log_in(api, "agent")
    refused = api.client.get(PAGE)
    assert refused.status_code == 403
    assert "This page is for marketers and admins; your role is agent." in refused.text
    assert f'href="{PAGE}"' not in refused.text


@pytest.mark.parametrize("role", ["marketer", "admin"])
def test_marketers_and_admins_find_it_in_the_navigation(
    api: Api, catalogue: None, role: str
) -> None:
    log_in(api, role)
    assert f'<a href="{PAGE}">Recommendations' in api.client.get("/console/leads").text
    shown = api.client.get(PAGE)
    assert shown.status_code == 200
    assert f'<a href="{PAGE}" aria-current="page">Recommendations' in shown.text
