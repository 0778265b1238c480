"""From the wrap-up to the click, on SQLite and PostgreSQL: completing a lead offers
content and records it; its link records one click and redirects to the item; a forged
link is a 400, an item since removed from the catalogue a 404; the person's export and
erasure carry the engagements."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.conversation import ActionCompleteLead
from bot import bootstrap
from bot.api.app import create_app
from bot.crm import session_scope
from bot.crm.engagement_tables import ContentEngagement
from bot.recommend import Catalogue
from tests.api.conftest import make_tokens
from tests.api.seed import priya_slots

pytestmark = pytest.mark.integration
CONVERSATION = "conv-priya-web"


class Emptied:
    """The catalogue after its items were deleted (as `bootstrap.content` serves it)."""

    def __init__(self, content: tuple[Catalogue, Any]) -> None:
        self.content = content

    def __call__(self) -> tuple[Catalogue, Any]:
        return self.content

    def cache_clear(self) -> None:
        pass


def tracker(slots: dict[str, Any]) -> Tracker:
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "yes", "parse_data": {"intent": {"name": "affirm"}}},
    ]
    return Tracker(CONVERSATION, slots, {"text": "yes"}, events, False, None, {}, "action_listen")


def rows() -> list[tuple[str, str, int | None]]:
    with session_scope(bootstrap.crm_engine()) as session:
        found = session.execute(
            select(
                ContentEngagement.kind, ContentEngagement.item_id, ContentEngagement.offer_id
            ).order_by(ContentEngagement.id)
        )
        return [(kind, item_id, offer_id) for kind, item_id, offer_id in found]


async def test_an_offer_is_recorded_and_its_click_redirects(crm: str) -> None:
    dispatcher = CollectingDispatcher()
    slots = {**priya_slots(), "consent_records": []}
    await ActionCompleteLead().run(dispatcher, tracker(slots), {})
    last = dispatcher.messages[-1]
    assert last["response"] == "utter_recommendations"
    links = re.findall(r"https?://\S+/r/(\S+)$", last["items"], flags=re.MULTILINE)
    offered = rows()
    assert len(links) == len(offered) >= 1
    assert all(kind == "offered" for kind, _, _ in offered)
    catalogue = bootstrap.content()[0].by_id()

    with TestClient(create_app()) as client:
        first = client.get(f"/r/{links[0]}", follow_redirects=False)
        assert first.status_code == 302
        assert first.headers["location"] == catalogue[offered[0][1]].url
        again = client.get(f"/r/{links[0]}", follow_redirects=False)
        assert again.status_code == 302  # the same click: recorded once
        clicks = [row for row in rows() if row[0] == "clicked"]
        assert clicks == [("clicked", offered[0][1], 1)]

        forged = client.get(f"/r/{links[0][:-3]}abc", follow_redirects=False)
        assert forged.status_code == 400
        assert "isn't valid" in forged.text
        assert client.get("/r/not-a-token").status_code == 400

        tokens = make_tokens(bootstrap.crm_engine())
        admin = {"Authorization": f"Bearer {tokens['admin']}"}
        export = client.get(
            "/api/subjects/export", params={"email": "priya.patel@globex.com"}, headers=admin
        )
        assert export.status_code == 200, export.text
        exported = export.json()["content_engagements"]
        assert sorted(row["kind"] for row in exported) == sorted(
            ["clicked"] + ["offered"] * len(offered)
        )
        erased = client.delete(
            "/api/subjects", params={"email": "priya.patel@globex.com"}, headers=admin
        )
        assert erased.status_code == 200, erased.text
        assert erased.json()["erased"]["content_engagements"] == len(offered) + 1
        assert rows() == []
        # An old link still leads to the item, and records nothing of an erased person.
        assert client.get(f"/r/{links[0]}", follow_redirects=False).status_code == 302
        assert rows() == []


async def test_an_item_gone_from_the_catalogue_is_a_404(
    crm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionCompleteLead().run(
        dispatcher, tracker({**priya_slots(), "consent_records": []}), {}
    )
    [token, *_] = re.findall(r"/r/(\S+)$", dispatcher.messages[-1]["items"], flags=re.MULTILINE)
    _, config = bootstrap.content()
    monkeypatch.setattr(bootstrap, "content", Emptied((Catalogue(()), config)))
    with TestClient(create_app()) as client:
        gone = client.get(f"/r/{token}", follow_redirects=False)
    assert gone.status_code == 404
    assert "no longer available" in gone.text
    assert [kind for kind, _, _ in rows()].count("clicked") == 0
