"""A visitor's question for content, through the action, on SQLite and PostgreSQL: the
items of the kind asked for, recorded as offered in the conversation before there is a
lead; the rules as always; the closest items, or nothing, said honestly; the click on
such an offer; and the offers becoming the lead's, exported and erased with it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.content import ActionOfferContent
from actions.conversation import ActionCompleteLead
from bot import bootstrap
from bot.api.app import create_app
from bot.crm import session_scope
from bot.crm.engagement_tables import ContentEngagement
from bot.crm.tables import Lead
from bot.recommend import Catalogue
from tests.api.conftest import make_tokens
from tests.api.seed import priya_slots
from tests.integration.recommend.test_offer_and_click import Emptied

pytestmark = pytest.mark.integration
CONVERSATION = "conv-visitor-web"


def tracker(text: str, slots: dict[str, Any] | None = None) -> Tracker:
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": {"intent": {"name": "ask_content"}}},
    ]
    return Tracker(
        CONVERSATION, slots or {}, {"text": text}, events, False, None, {}, "action_listen"
    )


async def ask(text: str, slots: dict[str, Any] | None = None) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    assert await ActionOfferContent().run(dispatcher, tracker(text, slots), {}) == []
    [said] = dispatcher.messages
    return said


def rows() -> list[tuple[str, str, str | None, str | None]]:
    with session_scope(bootstrap.crm_engine()) as session:
        found = session.execute(
            select(
                ContentEngagement.kind,
                ContentEngagement.item_id,
                ContentEngagement.lead_id,
                ContentEngagement.contact_id,
            ).order_by(ContentEngagement.id)
        )
        return [tuple(row) for row in found]  # type: ignore[misc]


def offered_items(said: dict[str, Any]) -> list[str]:
    titles = {item.title: item.id for item in bootstrap.content()[0].items}
    return [titles[line.split(" — ")[0]] for line in said["items"].splitlines()]


async def test_the_kind_asked_for_is_offered_and_recorded_before_any_lead(crm: str) -> None:
    said = await ask("do u have any case studys for retail?")
    assert said["response"] == "utter_content_found"
    assert offered_items(said) == ["cs-northwind-abandoned-carts"]
    assert re.fullmatch(r".+ — .+: https?://\S+/r/\S+", said["items"])
    assert rows() == [("offered", "cs-northwind-abandoned-carts", None, None)]

    said = await ask("any case studies?")
    case_studies = offered_items(said)
    catalogue = bootstrap.content()[0].by_id()
    assert 1 <= len(case_studies) <= 3
    assert all(catalogue[item].kind == "case_study" for item in case_studies)
    # Never offered twice in one conversation.
    assert "cs-northwind-abandoned-carts" not in case_studies


async def test_the_rules_apply_gated_content_needs_consent(crm: str) -> None:
    # The retail webinar is gated: without marketing consent, the closest of other kinds.
    said = await ask("any webinars for retail?")
    assert said["response"] == "utter_content_closest"
    assert said["asked"] == "a webinar for retail"
    offered = offered_items(said)
    assert "webinar-retail-conversational-commerce" not in offered
    catalogue = bootstrap.content()[0].by_id()
    assert all("retail" in catalogue[item].industries for item in offered)
    assert all(not catalogue[item].gated for item in offered)


async def test_nothing_that_passes_the_rules_is_said_honestly(
    crm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue, config = bootstrap.content()
    gated = Catalogue(tuple(item for item in catalogue.items if item.gated))
    monkeypatch.setattr(bootstrap, "content", Emptied((gated, config)))
    bootstrap.content_offering.cache_clear()
    said = await ask("got any guides on follow-ups?")
    assert said == {**said, "response": "utter_content_none", "asked": "a guide about follow-ups"}
    assert rows() == []


async def test_a_click_on_an_offer_before_the_lead_and_the_lead_takes_them(crm: str) -> None:
    said = await ask("anything I can read about qualifying inbound leads?")
    [token, *_] = re.findall(r"/r/(\S+)$", said["items"], flags=re.MULTILINE)
    with TestClient(create_app()) as client:
        assert client.get(f"/r/{token}", follow_redirects=False).status_code == 302
    assert {(kind, lead) for kind, _, lead, _ in rows()} == {("offered", None), ("clicked", None)}

    # The visitor becomes a lead in the same conversation: the offers are theirs now,
    # and the wrap-up offers nothing they were offered already.
    complete = Tracker(
        CONVERSATION,
        {**priya_slots(), "consent_records": []},
        {"text": "yes"},
        tracker("yes").events,
        False,
        None,
        {},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    await ActionCompleteLead().run(dispatcher, complete, {})
    found = rows()
    assert {lead for _, _, lead, _ in found} != {None}
    assert all(lead is not None and contact is not None for _, _, lead, contact in found)
    offered = [item for kind, item, _, _ in found if kind == "offered"]
    assert len(offered) == len(set(offered))
    # The click made before the lead counts in the lead's score.
    [clicked] = [item for kind, item, _, _ in found if kind == "clicked"]
    title = bootstrap.content()[0].by_id()[clicked].title
    with session_scope(bootstrap.crm_engine()) as session:
        lead = session.scalar(select(Lead).where(Lead.conversation_id == CONVERSATION))
        assert lead is not None
        assert any(f"Opened '{title}'" in part["reason"] for part in lead.score_breakdown)

    with TestClient(create_app()) as client:
        admin = {"Authorization": f"Bearer {make_tokens(bootstrap.crm_engine())['admin']}"}
        params = {"email": "priya.patel@globex.com"}
        export = client.get("/api/subjects/export", params=params, headers=admin)
        assert export.status_code == 200, export.text
        assert len(export.json()["content_engagements"]) == len(found)
        erased = client.delete("/api/subjects", params=params, headers=admin)
        assert erased.status_code == 200, erased.text
        assert erased.json()["erased"]["content_engagements"] == len(found)
    assert rows() == []
