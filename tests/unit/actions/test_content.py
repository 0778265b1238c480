"""Content asked for: the action outside the form, the digression in it, and an honest
word when the recommender cannot run."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.content import ActionOfferContent
from actions.lead_form import ValidateLeadForm
from bot import bootstrap
from bot.crm import session_scope
from bot.crm.engagement_tables import ContentEngagement
from bot.recommend.offering import Offering


def offered() -> list[tuple[str, str | None]]:
    with session_scope(bootstrap.crm_engine()) as session:
        rows = session.execute(select(ContentEngagement.kind, ContentEngagement.lead_id))
        return [(kind, lead) for kind, lead in rows]


async def test_the_action_offers_what_was_asked_for(tracker_for: Any, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("do you have a case study for retail?", intent="ask_content")
    assert await ActionOfferContent().run(dispatcher, tracker, domain) == []
    [said] = dispatcher.messages
    assert said["response"] == "utter_content_found"
    assert said["items"].startswith("How Northwind Outfitters recovered 18% of abandoned carts")
    assert offered() == [("offered", None)]


async def test_in_the_form_it_is_answered_and_the_question_comes_back(
    tracker_for: Any, domain: dict
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for(
        "wait, got any guides on abandoned carts?",
        slots={"requested_slot": "company", "name": "Sam Lee"},
        active_loop="lead_form",
        intent="ask_content",
    )
    events = await ValidateLeadForm().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_content_found"
    assert "abandoned cart playbook" in dispatcher.messages[0]["items"]
    # Nothing is taken as the company; the form asks for it again.
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots.get("company") is None
    assert offered()


async def test_a_company_named_like_content_is_an_answer(tracker_for: Any, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for(
        "Case Study Labs",
        slots={"requested_slot": "company"},
        active_loop="lead_form",
        intent="ask_content",
    )
    events = await ValidateLeadForm().run(dispatcher, tracker, domain)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["company"] == "Case Study Labs"
    assert offered() == []


async def test_when_the_recommender_cannot_run_the_bot_says_so(
    tracker_for: Any, domain: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("catalogue unreadable")

    monkeypatch.setattr(Offering, "answer", broken)
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("any webinars?", intent="ask_content")
    await ActionOfferContent().run(dispatcher, tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_content_unavailable"]
    assert offered() == []
