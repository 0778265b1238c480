"""The web chat's opening offer, from the config's answer to the click, on SQLite and
PostgreSQL: served as a signed click link and recorded as offered with its trigger (to
no one for a browser without a conversation, else to the conversation and its lead); the
link records the click with the trigger and redirects to the item; a lead's click scores
it again, a click before the lead counts when the lead is captured; the console's report
counts them under the opening greeting."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.conversation import ActionCompleteLead
from bot import bootstrap
from bot.api.app import create_app
from bot.crm import Lead, session_scope
from bot.crm.database import utcnow
from bot.crm.engagement_reports import offers_made
from bot.crm.engagement_tables import ContentEngagement
from bot.settings import get_settings
from bot.targeting.opening import Opening
from channels.webchat.routes import _opening, _recorded
from tests.api.seed import priya_slots
from tests.integration.recommend.test_offer_and_click import CONVERSATION, tracker

pytestmark = pytest.mark.integration
PRICING = {"path": "/pricing", "visits": "1"}


def served(conversation_id: str | None) -> Opening:
    """What the config answers on the pricing page, the offer recorded as it is served."""
    chosen = _opening(get_settings(), PRICING, conversation_id)
    assert chosen.trigger == "pricing-page" and chosen.offer is not None
    return _recorded(chosen, conversation_id)


def engagements() -> list[dict[str, Any]]:
    with session_scope(bootstrap.crm_engine()) as session:
        rows = session.scalars(select(ContentEngagement).order_by(ContentEngagement.id))
        return [
            {
                "kind": row.kind,
                "item": row.item_id,
                "placement": row.placement,
                "trigger": row.trigger,
                "conversation": row.conversation_id,
                "lead": row.lead_id,
            }
            for row in rows
        ]


def follow(client: TestClient, opening: Opening) -> None:
    assert opening.offer is not None
    link = opening.as_json()["offer"]["url"]
    assert link.startswith(f"{get_settings().api_url}/r/")
    followed = client.get(link.removeprefix(get_settings().api_url), follow_redirects=False)
    assert followed.status_code == 302
    assert followed.headers["location"] == opening.offer.url


async def capture_priya() -> Lead:
    dispatcher = CollectingDispatcher()
    await ActionCompleteLead().run(
        dispatcher, tracker({**priya_slots(), "consent_records": []}), {}
    )
    with session_scope(bootstrap.crm_engine()) as session:
        lead = session.scalar(select(Lead).where(Lead.conversation_id == CONVERSATION))
        assert lead is not None
        session.expunge(lead)
        return lead


def test_an_anonymous_browsers_offer_and_click_count_for_no_one(crm: str) -> None:
    opening = served(None)
    assert opening.offer is not None
    offer = {
        "item": opening.offer.id,
        "placement": "opening",
        "trigger": "pricing-page",
        "conversation": None,
        "lead": None,
    }
    assert engagements() == [{"kind": "offered", **offer}]
    with TestClient(create_app()) as client:
        follow(client, opening)
    assert engagements() == [{"kind": "offered", **offer}, {"kind": "clicked", **offer}]

    with session_scope(bootstrap.crm_engine()) as session:
        [seen] = offers_made(session, start=utcnow().replace(year=2000), end=utcnow())
    assert (seen.placement, seen.trigger, seen.clicked, seen.lead_id) == (
        "opening",
        "pricing-page",
        True,
        None,
    )


async def test_a_leads_click_on_its_opening_offer_scores_it(crm: str) -> None:
    before = await capture_priya()
    opening = served(CONVERSATION)
    assert opening.offer is not None
    [offered] = [row for row in engagements() if row["placement"] == "opening"]
    assert (offered["conversation"], offered["lead"]) == (CONVERSATION, before.id)

    with TestClient(create_app()) as client:
        follow(client, opening)
    with session_scope(bootstrap.crm_engine()) as session:
        after = session.scalar(select(Lead).where(Lead.id == before.id))
        assert after is not None
        reasons = [part["reason"] for part in after.score_breakdown]
    assert any(reason.startswith(f"Opened '{opening.offer.title}'") for reason in reasons)
    assert after.score > before.score


async def test_a_click_before_the_lead_counts_when_it_is_captured(crm: str) -> None:
    opening = served(CONVERSATION)  # the browser has a conversation, not yet a lead
    assert opening.offer is not None
    with TestClient(create_app()) as client:
        follow(client, opening)
    assert {row["lead"] for row in engagements()} == {None}

    lead = await capture_priya()
    opened = [row for row in engagements() if row["placement"] == "opening"]
    assert {row["lead"] for row in opened} == {lead.id}  # the lead takes them
    reasons = [part["reason"] for part in lead.score_breakdown]
    assert any(reason.startswith(f"Opened '{opening.offer.title}'") for reason in reasons)
