"""The fairness audit page: leads of the period per segment, channel and region, each
group against the other leads, the significant differences said in sentences at the top,
small groups left uncompared, an empty state; for marketers and admins."""

from __future__ import annotations

import re

import httpx
import pytest

from bot.crm import session_scope
from bot.scoring.facts import LeadFacts
from tests.api.conftest import Api
from tests.api.console_session import log_in
from tests.api.engagement_seed import add_lead, offer
from tests.api.html_tables import table_rows, text
from tests.api.seed import SIGNALS

PAGE = "/console/audit"


def callouts(response: httpx.Response) -> list[str]:
    found = re.search(r'<ul class="callouts">(.*?)</ul>', response.text, re.S)
    return (
        [text(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]
        if found
        else []
    )


@pytest.fixture
def captured(api: Api) -> Api:
    """60 web chat leads (half in Germany by their e-mail, half qualified and graded A, all
    offered content, half of them clicking), 40 by SMS from US numbers (2 qualified, a
    quarter offered content), 5 on Telegram, and one web chat lead from 40 days ago."""
    with session_scope(api.engine) as session:
        for n in range(60):
            lead = add_lead(
                session,
                f"w{n}",
                email=f"w{n}@example.{'de' if n < 30 else 'com'}",
                status="qualified" if n < 30 else "new",
                score=60 + n % 5,
                grade="A" if n < 30 else "C",
                segments=["students"] if n < 20 else [],
            )
            offer(session, lead, "guide-a", "content", clicks=int(n < 30))
        for n in range(40):
            lead = add_lead(
                session,
                f"s{n}",
                channel="sms",
                phone=f"+1415555{n:04d}",
                status="qualified" if n < 2 else "new",
                score=30 + n % 5,
                grade="C",
            )
            if n < 10:
                offer(session, lead, "guide-a", "blend", clicks=int(n < 1))
        for n in range(5):
            add_lead(session, f"t{n}", channel="telegram", score=40, grade="B")
        add_lead(session, "old", age=40, status="qualified", grade="A", score=90)
    log_in(api)
    return api


PER_CHANNEL = "Per channel: each group against all the other leads"
HIGHER = "▲ significantly higher than the other leads'"
LOWER = "▼ significantly lower than the other leads'"


def test_significant_differences_are_said_at_the_top(captured: Api) -> None:
    response = captured.client.get(PAGE)

    assert response.status_code == 200
    said = callouts(response)
    assert said[:4] == [
        "Leads from web chat have a mean lead score of 62 against 33 for all other leads "
        "(significant, p &lt; 0.001, n = 60).",
        "Leads from web chat are graded A or B at 50% against 11% for all other leads "
        "(significant, p &lt; 0.001, n = 60).",
        "Leads from web chat are qualified at 50% against 4.4% for all other leads "
        "(significant, p &lt; 0.001, n = 60).",
        "Leads from web chat are offered content at 100% against 22% for all other leads "
        "(significant, p &lt; 0.001, n = 60).",
    ]
    assert (
        "Leads from SMS are qualified at 5.0% against 46% for all other leads "
        "(significant, p &lt; 0.001, n = 40)." in said
    )
    assert (
        "Leads whose region is unknown click offered content at 0% against 78% for all other "
        "leads (significant, p &lt; 0.001, n = 30 offered)." in said
    )
    assert len(said) == 22
    assert not [callout for callout in said if "Telegram" in callout or "students" in callout]


def test_per_group_figures_against_the_other_leads(captured: Api) -> None:
    response = captured.client.get(PAGE)

    total = table_rows(response, "All leads captured in the period")
    # Leads, mean score, graded A or B, qualified, offered content, clicked (of offered).
    assert total == {"All leads": ["105", "50", "33%", "30%", "67%", "44% of 70"]}
    channels = table_rows(response, PER_CHANNEL)
    assert list(channels) == ["web chat", "SMS", "Telegram"]
    assert channels["SMS"] == [
        "40",
        f"32 {LOWER} 60",
        f"0% {LOWER} 54%",
        f"5.0% {LOWER} 46%",
        f"25% {LOWER} 92%",
        "10% of 10",  # too few offered content to compare clicks
        "with the other 65",
    ]
    assert channels["Telegram"] == ["5", "40", "100%", "0%", "0%", "— of 0", "too few to compare"]
    regions = table_rows(response, "Per region: each group against all the other leads")
    assert {region: cells[0] for region, cells in regions.items()} == {
        "North America": "40",
        "Unknown": "35",
        "Europe": "30",
    }
    segments = table_rows(response, "Per segment: each group against all the other leads")
    assert segments["students"][0] == "20" and segments["students"][-1] == "too few to compare"


def test_small_groups_are_named_as_too_few_to_compare(captured: Api) -> None:
    response = captured.client.get(PAGE)

    assert "Too few to compare (fewer than 30 leads" in response.text
    assert "(no segment) (85), students (20), Telegram (5)." in text(response.text)


def test_the_page_says_what_it_can_and_cannot_show(captured: Api) -> None:
    page = text(captured.client.get(PAGE).text)

    assert "A difference here is a correlation, not its cause" in page
    assert "so they differ in score and grade by construction" in page
    assert "when it holds up across all the comparisons on this page (22)" in page
    assert "No predicted chance of a win: Too little data for a predictive score: 0" in page


def test_a_longer_period_takes_in_older_leads(captured: Api) -> None:
    response = captured.client.get(PAGE, params={"days": "90"})

    assert table_rows(response, "All leads captured in the period")["All leads"][0] == "106"


def test_without_leads_the_page_says_so(api: Api) -> None:
    log_in(api)
    response = api.client.get(PAGE, params={"days": "7"})

    assert response.status_code == 200
    assert "No lead was captured in this period." in response.text
    assert "<table" not in response.text


def test_the_page_needs_a_marketer(api: Api) -> None:
    assert api.client.get(PAGE, follow_redirects=False).headers["location"] == "/console/login"
    log_in(api, "agent")
    refused = api.client.get(PAGE)
    assert refused.status_code == 403
    assert "This page is for marketers and admins; your role is agent." in refused.text
    assert f'href="{PAGE}"' not in refused.text


@pytest.mark.parametrize("role", ["marketer", "admin"])
def test_marketers_and_admins_find_it_in_the_navigation(api: Api, role: str) -> None:
    log_in(api, role)
    assert f'<a href="{PAGE}">Fairness audit' in api.client.get("/console/leads").text
    shown = api.client.get(PAGE)
    assert shown.status_code == 200
    assert f'<a href="{PAGE}" aria-current="page">Fairness audit' in shown.text


def test_the_predicted_chance_of_a_win_once_outcomes_allow_one(api: Api) -> None:
    """40 leads with won/lost outcomes: the predictive score is fitted and measured."""
    with session_scope(api.engine) as session:
        for n in range(40):
            won = n % 2 == 0
            slots = {
                "company_size": {
                    "low": 500 if won else 5,
                    "high": 500 if won else 5,
                    "unit": "people",
                },
                "timeline": "1_3_months" if won else "6_12_months",
                "authority": "decision_maker" if n % 4 == 0 else "influencer",
            }
            facts = LeadFacts.from_slots(slots, channel="webchat", signals=SIGNALS).as_dict()
            add_lead(session, f"p{n}", outcome="won" if won else "lost", facts=facts)
    log_in(api)

    page = text(api.client.get(PAGE).text)

    assert "No predicted chance of a win" not in page
    assert "Mean predicted chance of a win" in page
    # A logistic regression with an intercept predicts, on average over the leads it was
    # fitted on, exactly their share won: half.
    assert "All leads 40 50 50% " in page
